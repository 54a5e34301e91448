package org.repro4j.train;

import ai.djl.ndarray.NDArray;

/**
 * A number computed from a model's outputs on a whole evaluation split, e.g. {@code Metrics::accuracy}.
 */
@FunctionalInterface
public interface EvalMetric {

    /**
     * @param predictions the model's outputs for every example of the split, e.g. logits {@code [n, classes]}
     * @param targets the split's targets, e.g. labels {@code [n]}
     * @return the metric's value
     */
    double compute(NDArray predictions, NDArray targets);
}
