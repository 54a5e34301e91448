package org.repro4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.repro4j.data.LmBatches;

/**
 * A source of training batches, read one per step.
 *
 * <p>Implementations create each batch's arrays in the manager they are given (the step's scope), so batches are
 * freed at the end of the step. In-memory data: {@link #shuffled(NDArray, NDArray, int, long)}.
 */
public interface Batches extends AutoCloseable {

    /** @return how many batches make one pass over the data (one epoch) */
    long batchesPerEpoch();

    /**
     * @param step the manager of the current training step; the batch's arrays must be created in it
     * @return the next batch
     */
    Batch next(NDManager step);

    /**
     * Frees native memory the source keeps between batches (e.g. rows gathered ahead); the source stays usable, and
     * the next {@link #next} call sets up again. {@link Fit#run()} calls it when training ends. Does nothing unless
     * overridden.
     */
    @Override
    default void close() {}

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

    /**
     * Language-model batches: windows at random start positions of a token stream ({@link LmBatches#random}), with
     * next-token targets, for training a language model with the default cross-entropy loss.
     *
     * @param windows the stream and the batch and window sizes
     * @param seed seed of the start positions
     * @return the batch source: inputs and targets int64 {@code [batch, seq]}; an epoch is
     *     {@code streamLength / (batch·seq)} batches
     */
    static Batches language(LmBatches windows, long seed) {
        Random random = new Random(seed);
        return new Batches() {
            @Override
            public long batchesPerEpoch() {
                return windows.randomBatchesPerEpoch();
            }

            @Override
            public Batch next(NDManager step) {
                NDList arrays = windows.random(random).toNDList(step);
                return new Batch(arrays.get(0), arrays.get(1));
            }
        };
    }
}
