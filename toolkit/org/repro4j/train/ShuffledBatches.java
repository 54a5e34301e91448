package org.repro4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/** In-memory minibatches in a seeded random order per epoch; see {@link Batches#shuffled}. */
final class ShuffledBatches implements Batches {

    private final NDArray inputs;
    private final NDArray targets;
    private final int batchSize;
    private final SplittableRandom random;
    private final long[] order;
    /**
     * The rows of one batch, handed to the engine without a copy into a fresh buffer: creating an index array from a
     * {@code long[]} allocates a direct buffer per call (10–30 µs, a twentieth of a small model's step).
     */
    private final ByteBuffer indexBytes;
    private final LongBuffer indexLongs;
    private final Shape indexShape;
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
        this.indexBytes = ByteBuffer.allocateDirect(batchSize * Long.BYTES).order(ByteOrder.nativeOrder());
        this.indexLongs = indexBytes.asLongBuffer();
        this.indexShape = new Shape(batchSize);
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
        indexLongs.clear();
        indexLongs.put(order, position, batchSize);
        NDArray index = step.create(indexBytes, indexShape, DataType.INT64); // read before the next call overwrites it
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
