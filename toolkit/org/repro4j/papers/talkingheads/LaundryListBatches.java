package org.repro4j.papers.talkingheads;

import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.repro4j.train.Batch;
import org.repro4j.train.Batches;

/**
 * Training batches drawn fresh from a {@link LaundryList} task every step: inputs are the token sequences
 * {@code int32 [batch, seq]}, targets the unrepeated item {@code int32 [batch]} (read at END, e.g. with
 * {@link org.repro4j.loss.LastPositionCrossEntropy}). The task is a generator, so there are no epochs: the model
 * never sees the same sequence twice except by chance.
 */
public final class LaundryListBatches implements Batches {

    private final LaundryList task;
    private final int batchSize;
    private final Random rng;

    /**
     * @param task the task, including its N range
     * @param batchSize sequences per step, ≥ 1
     * @param seed seed of the sequence stream; the same seed gives the same batches in the same order
     * @throws IllegalArgumentException if {@code batchSize < 1}
     */
    public LaundryListBatches(LaundryList task, int batchSize, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1 but was " + batchSize);
        }
        this.task = task;
        this.batchSize = batchSize;
        this.rng = new Random(seed);
    }

    /** @return 1: every batch is new, so an "epoch" is one step */
    @Override
    public long batchesPerEpoch() {
        return 1;
    }

    @Override
    public Batch next(NDManager step) {
        LaundryList.Batch b = task.batch(batchSize, rng);
        return new Batch(b.tokens(step), b.targets(step));
    }
}
