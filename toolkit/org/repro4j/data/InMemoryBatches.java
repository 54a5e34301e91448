package org.repro4j.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.Batchifier;
import ai.djl.util.Progress;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * A DJL {@link Dataset} over arrays already in memory, built for speed: each epoch gathers the arrays once into a
 * (seeded) random order and hands out batches as slices of that copy. DJL's {@code ArrayDataset} gathers every
 * batch separately through its batchifier pipeline, which costs about three times the CPU per epoch on
 * Fashion-MNIST; in a five-minute notebook that overhead rivals the training itself.
 *
 * <p>Each {@code iterator()} of {@link #getData(NDManager)} is one epoch; a shuffled set draws a new order per epoch
 * from one generator seeded at construction, so the sequence of epochs is reproducible. The last partial batch is
 * kept. Every {@link Batch} owns a sub-manager of the manager passed to {@code getData}; closing the batch (as DJL's
 * {@code EasyTrain} does) frees it. The epoch's shuffled copy is freed when the epoch ends, or with that manager.
 */
public final class InMemoryBatches implements Dataset {
    private final NDArray data;
    private final NDArray labels;
    private final int batchSize;
    private final Random random;

    private InMemoryBatches(NDArray data, NDArray labels, int batchSize, Random random) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (data.getShape().get(0) != labels.getShape().get(0)) {
            throw new IllegalArgumentException("data " + data.getShape() + " and labels " + labels.getShape()
                    + " differ in their first dimension");
        }
        this.data = data;
        this.labels = labels;
        this.batchSize = batchSize;
        this.random = random;
    }

    /**
     * @param data inputs, {@code [n, ...]} (not copied; keep its manager open while iterating)
     * @param labels targets, {@code [n, ...]}
     * @param batchSize examples per batch
     * @param seed seed of the sequence of epoch orders
     * @return batches {@code [batchSize, ...]} in a new random order each epoch
     * @throws IllegalArgumentException if {@code batchSize} is not positive or the first dimensions differ
     */
    public static InMemoryBatches shuffled(NDArray data, NDArray labels, int batchSize, long seed) {
        return new InMemoryBatches(data, labels, batchSize, new Random(seed));
    }

    /**
     * @param data inputs, {@code [n, ...]} (not copied; keep its manager open while iterating)
     * @param labels targets, {@code [n, ...]}
     * @param batchSize examples per batch
     * @return batches {@code [batchSize, ...]} in stored order, for evaluation
     * @throws IllegalArgumentException if {@code batchSize} is not positive or the first dimensions differ
     */
    public static InMemoryBatches inOrder(NDArray data, NDArray labels, int batchSize) {
        return new InMemoryBatches(data, labels, batchSize, null);
    }

    /** @return number of examples {@code n} */
    public long size() {
        return data.getShape().get(0);
    }

    /** @return examples per batch */
    public int batchSize() {
        return batchSize;
    }

    /** @return batches per epoch, {@code ceil(n / batchSize)} */
    public long batchesPerEpoch() {
        return (size() + batchSize - 1) / batchSize;
    }

    /**
     * @param manager parent of each batch's manager
     * @return an iterable whose every iterator is one epoch of batches, data {@code [batch, ...]} and labels
     *     {@code [batch, ...]}
     */
    @Override
    public Iterable<Batch> getData(NDManager manager) {
        return () -> new Epoch(manager);
    }

    /** Nothing to prepare: the arrays are in memory. */
    @Override
    public void prepare(Progress progress) {}

    private final class Epoch implements Iterator<Batch> {
        private final NDManager parent;
        private final NDManager epochManager;
        private final NDArray epochData;
        private final NDArray epochLabels;
        private long next;

        Epoch(NDManager parent) {
            this.parent = parent;
            this.epochManager = parent.newSubManager();
            if (random == null) {
                epochData = data;
                epochLabels = labels;
            } else {
                int[] order;
                synchronized (random) {
                    order = Permutation.random(Math.toIntExact(size()), random);
                }
                NDArray index = epochManager.create(order);
                epochData = data.get(epochManager, new NDIndex("{}", index));
                epochLabels = labels.get(epochManager, new NDIndex("{}", index));
            }
        }

        @Override
        public boolean hasNext() {
            boolean more = next < size();
            if (!more) {
                epochManager.close();
            }
            return more;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the epoch has ended; call iterator() for the next one");
            }
            long end = Math.min(next + batchSize, size());
            NDManager batchManager = parent.newSubManager();
            NDIndex slice = new NDIndex().addSliceDim(next, end);
            NDList x = new NDList(epochData.get(batchManager, slice));
            NDList y = new NDList(epochLabels.get(batchManager, slice));
            Batch batch = new Batch(batchManager, x, y, (int) (end - next), Batchifier.STACK, Batchifier.STACK,
                    next / batchSize, batchesPerEpoch());
            next = end;
            return batch;
        }
    }
}
