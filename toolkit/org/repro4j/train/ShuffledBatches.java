package org.repro4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;
import java.util.SplittableRandom;

/** In-memory minibatches in a seeded random order per epoch; see {@link Batches#shuffled}. */
final class ShuffledBatches implements Batches {

    private final NDArray inputs;
    private final NDArray targets;
    private final int batchSize;
    private final SplittableRandom random;
    private final long[] order;
    private int position;

    ShuffledBatches(NDArray inputs, NDArray targets, int batchSize, long seed) {
        long n = inputs.getShape().get(0);
        if (targets.getShape().get(0) != n) {
            throw new IllegalArgumentException("inputs have " + n + " examples but targets have "
                    + targets.getShape().get(0) + "; both need the examples along axis 0");
        }
        if (batchSize < 1 || batchSize > n) {
            throw new IllegalArgumentException("batch size must be between 1 and the " + n + " examples; got " + batchSize);
        }
        this.inputs = inputs;
        this.targets = targets;
        this.batchSize = batchSize;
        this.random = new SplittableRandom(seed);
        this.order = new long[Math.toIntExact(n)];
        Arrays.setAll(order, i -> i);
        this.position = order.length; // forces a shuffle before the first batch
    }

    @Override
    public long batchesPerEpoch() {
        return order.length / batchSize;
    }

    @Override
    public Batch next(NDManager step) {
        if (position + batchSize > order.length) {
            shuffle();
            position = 0;
        }
        NDArray index = step.create(Arrays.copyOfRange(order, position, position + batchSize));
        position += batchSize;
        NDIndex rows = new NDIndex("{}", index);
        return new Batch(inputs.get(step, rows), targets.get(step, rows));
    }

    /** Fisher–Yates with the run's own generator, so the order depends on the seed only. */
    private void shuffle() {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
