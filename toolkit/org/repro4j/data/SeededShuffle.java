package org.repro4j.data;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Random;

/**
 * A DJL sampler that visits a dataset in a fresh random order each epoch, reproducibly: the sequence of epoch orders
 * depends only on the seed. (DJL's own {@code RandomSampler} draws from a global generator.)
 */
public final class SeededShuffle implements Sampler.SubSampler {
    private final Random random;

    /** @param seed seed of the epoch-order sequence */
    public SeededShuffle(long seed) {
        this.random = new Random(seed);
    }

    /**
     * @param dataset the dataset being iterated
     * @return indices {@code 0 .. size-1} in a new random order
     */
    @Override
    public synchronized Iterator<Long> sample(RandomAccessDataset dataset) {
        int[] order = Permutation.random(Math.toIntExact(dataset.size()), random);
        return Arrays.stream(order).mapToObj(i -> (long) i).iterator();
    }
}
