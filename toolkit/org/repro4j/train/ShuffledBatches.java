package org.repro4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * In-memory minibatches in a seeded random order per epoch; see {@link Batches#shuffled}.
 *
 * <p>Rows are gathered for several batches at once (up to {@value #GATHER_BYTES} bytes of inputs, within one epoch)
 * and each batch is a slice of that block: gathering rows by an index array is one of the costliest native calls of
 * a small model's step (about 25 µs for 256 rows of 20 features, plus 10–30 µs to create the index array), a slice
 * a few µs. The batches are the same rows in the same order as gathering each batch on its own.
 */
final class ShuffledBatches implements Batches {

    /** Upper bound on the inputs gathered ahead, in bytes: small next to the data, large next to a batch. */
    static final long GATHER_BYTES = 4L << 20;

    private final NDArray inputs;
    private final NDArray targets;
    private final int batchSize;
    private final int batchesPerGather;
    private final SplittableRandom random;
    private final long[] order;
    private int position;
    /** Owns the gathered rows; null before the first batch and after {@link #close()}. */
    private NDManager gathered;
    private NDArray gatheredInputs;
    private NDArray gatheredTargets;
    /** Position in {@link #order} of the first gathered row, and one past the last. */
    private int gatheredFrom;
    private int gatheredTo;

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
        long batchBytes = inputs.size() / n * inputs.getDataType().getNumOfBytes() * batchSize;
        this.batchesPerGather = (int) Math.max(1, Math.min(n / batchSize, GATHER_BYTES / Math.max(1, batchBytes)));
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
            close();
        }
        if (gathered == null || position + batchSize > gatheredTo) {
            gather();
        }
        NDIndex rows = NDIndex.sliceAxis(0, position - gatheredFrom, position - gatheredFrom + batchSize);
        position += batchSize;
        return new Batch(gatheredInputs.get(step, rows), gatheredTargets.get(step, rows));
    }

    /** Frees the rows gathered ahead; the next batch gathers again, so the source stays usable. */
    @Override
    public void close() {
        if (gathered != null) {
            gathered.close();
            gathered = null;
        }
    }

    /** Gathers the rows of the next {@link #batchesPerGather} batches of this epoch (fewer at its end). */
    private void gather() {
        close();
        int batches = Math.min(batchesPerGather, (order.length - position) / batchSize);
        gatheredFrom = position;
        gatheredTo = position + batches * batchSize;
        gathered = inputs.getManager().newSubManager();
        NDArray index = gathered.create(Arrays.copyOfRange(order, gatheredFrom, gatheredTo));
        NDIndex rows = new NDIndex("{}", index);
        gatheredInputs = inputs.get(gathered, rows);
        gatheredTargets = targets.get(gathered, rows);
        index.close();
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
