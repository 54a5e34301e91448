package org.repro4j.pruning;

/**
 * Which weights a pruning criterion ranks against each other, each group removing the same fraction of its weights
 * (the "comparison group" of Sun, Liu, Bair &amp; Kolter, 2023, "A Simple and Effective Pruning Approach for Large
 * Language Models", arXiv 2306.11695, §3).
 */
public enum ComparisonGroup {
    /** All covered weights together: layers end with different sparsities (global magnitude pruning). */
    GLOBAL,
    /** Each parameter on its own, every layer at the target sparsity (Zhu &amp; Gupta, 2017). */
    LAYER,
    /**
     * Each output unit on its own, a row of the weight's {@code [out, in]} view
     * ({@link org.repro4j.models.WeightLayout}): every unit keeps the same number of inputs (Wanda's default).
     */
    OUTPUT
}
