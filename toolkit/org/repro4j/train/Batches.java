package org.repro4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A source of training batches, read one per step.
 *
 * <p>Implementations create each batch's arrays in the manager they are given (the step's scope), so batches are
 * freed at the end of the step. In-memory data: {@link #shuffled(NDArray, NDArray, int, long)}.
 */
public interface Batches {

    /** @return how many batches make one pass over the data (one epoch) */
    long batchesPerEpoch();

    /**
     * @param step the manager of the current training step; the batch's arrays must be created in it
     * @return the next batch
     */
    Batch next(NDManager step);

    /**
     * Minibatches drawn from in-memory arrays in a fresh random order each epoch (sampling without replacement,
     * as PyTorch's {@code DataLoader(shuffle=True, drop_last=True)}): the last {@code n mod batchSize} examples of
     * each epoch's order are skipped, so every batch has the same size. The order depends only on {@code seed}.
     *
     * @param inputs examples along axis 0, e.g. {@code [n, 784]}; stays owned by the caller
     * @param targets targets along axis 0, e.g. labels {@code [n]}; stays owned by the caller
     * @param batchSize examples per batch, 1 ≤ batchSize ≤ n
     * @param seed seed of the shuffling
     * @return the batch source
     * @throws IllegalArgumentException if the first dimensions differ or the batch size does not fit
     */
    static Batches shuffled(NDArray inputs, NDArray targets, int batchSize, long seed) {
        return new ShuffledBatches(inputs, targets, batchSize, seed);
    }
}
