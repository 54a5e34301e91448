package org.repro4j.papers.gradualpruning;

/**
 * The small-dense counterpart of a large-sparse MLP (Zhu &amp; Gupta, 2017, "To prune, or not to prune: exploring
 * the efficacy of pruning for model compression", ICLR 2018 Workshop, arXiv 1710.01878, §4): a dense MLP of the same
 * depth, narrowed until its weights match the pruned model's non-zeros, so that both have the same memory footprint.
 *
 * <p>An {@code Mlp(inputs, depth, width, outputs)} holds
 * {@code inputs·width + (depth − 1)·width² + width·outputs} weights (biases not counted, as pruning leaves them
 * dense). {@link #widthFor} returns the narrowest width with at least the given number of weights, so the small
 * dense model never has fewer weights than the large-sparse one it is compared with.
 *
 * <pre>{@code
 * SmallDense.widthFor(186_164, 784, 2, 10);   // 190: 186 960 weights (784-190-190-10)
 * }</pre>
 */
public final class SmallDense {

    private SmallDense() {}

    /**
     * @param inputs input features, ≥ 1
     * @param depth hidden layers, ≥ 1
     * @param width units per hidden layer, ≥ 1
     * @param outputs logits, ≥ 1
     * @return the weights of the dense MLP (no biases)
     * @throws IllegalArgumentException if a size is not positive
     */
    public static long weights(int inputs, int depth, int width, int outputs) {
        if (inputs < 1 || depth < 1 || width < 1 || outputs < 1) {
            throw new IllegalArgumentException("an MLP needs inputs, depth, width and outputs ≥ 1; got " + inputs
                    + ", " + depth + ", " + width + ", " + outputs);
        }
        return (long) inputs * width + (long) (depth - 1) * width * width + (long) width * outputs;
    }

    /**
     * The hidden width of the small-dense MLP matching a budget of non-zero weights.
     *
     * @param nonzeros the large-sparse model's non-zero weights, ≥ 1
     * @param inputs input features, ≥ 1
     * @param depth hidden layers, ≥ 1
     * @param outputs logits, ≥ 1
     * @return the smallest width whose {@link #weights} are ≥ {@code nonzeros}
     * @throws IllegalArgumentException if a size is not positive
     */
    public static int widthFor(long nonzeros, int inputs, int depth, int outputs) {
        if (nonzeros < 1) {
            throw new IllegalArgumentException("the budget of non-zero weights must be ≥ 1; got " + nonzeros);
        }
        int width = 1;
        while (weights(inputs, depth, width, outputs) < nonzeros) { // weights grow with width: the first fit is it
            width++;
        }
        return width;
    }
}
