package org.repro4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class InMemoryBatchesTest {
    /** Row i of the data is [i, 10 i]; label i is i, so each batch shows which rows it holds. */
    private static List<List<Long>> epochs(InMemoryBatches batches, NDManager manager, int count) {
        List<List<Long>> out = new ArrayList<>();
        Iterable<Batch> iterable = batches.getData(manager);
        for (int e = 0; e < count; e++) {
            List<Long> order = new ArrayList<>();
            for (Batch b : iterable) {
                try (b) {
                    long[] labels = b.getLabels().head().toLongArray();
                    long[] rows = b.getData().head().toLongArray();
                    assertEquals(new Shape(labels.length, 2), b.getData().head().getShape());
                    for (int k = 0; k < labels.length; k++) {
                        assertEquals(labels[k], rows[2 * k]);
                        assertEquals(10 * labels[k], rows[2 * k + 1]);
                        order.add(labels[k]);
                    }
                }
            }
            out.add(order);
        }
        return out;
    }

    private static NDArray rows(NDManager manager, int n) {
        long[] values = new long[2 * n];
        for (int i = 0; i < n; i++) {
            values[2 * i] = i;
            values[2 * i + 1] = 10L * i;
        }
        return manager.create(values, new Shape(n, 2));
    }

    private static NDArray labels(NDManager manager, int n) {
        return manager.arange(0, n).toType(ai.djl.ndarray.types.DataType.INT64, false);
    }

    @Test
    void eachEpochIsANewPermutationAndTheSequenceIsReproducible() {
        try (NDManager manager = NDManager.newBaseManager()) {
            InMemoryBatches a = InMemoryBatches.shuffled(rows(manager, 23), labels(manager, 23), 5, 9);
            InMemoryBatches b = InMemoryBatches.shuffled(rows(manager, 23), labels(manager, 23), 5, 9);
            List<List<Long>> ea = epochs(a, manager, 3);
            assertEquals(ea, epochs(b, manager, 3));
            for (List<Long> epoch : ea) {
                List<Long> sorted = new ArrayList<>(epoch);
                sorted.sort(null);
                assertEquals(java.util.stream.LongStream.range(0, 23).boxed().toList(), sorted);
            }
            assertNotEquals(ea.get(0), ea.get(1));
        }
    }

    @Test
    void inOrderBatchesFollowTheArraysWithAPartialLastBatch() {
        try (NDManager manager = NDManager.newBaseManager()) {
            InMemoryBatches batches = InMemoryBatches.inOrder(rows(manager, 12), labels(manager, 12), 5);
            assertEquals(3, batches.batchesPerEpoch());
            List<Integer> sizes = new ArrayList<>();
            for (Batch b : batches.getData(manager)) {
                sizes.add(b.getSize());
                b.close();
            }
            assertEquals(List.of(5, 5, 2), sizes);
            assertEquals(java.util.stream.LongStream.range(0, 12).boxed().toList(), epochs(batches, manager, 1).get(0));
        }
    }

    @Test
    void exhaustedEpochSaysSoAndMismatchedArraysAreRejected() {
        try (NDManager manager = NDManager.newBaseManager()) {
            InMemoryBatches batches = InMemoryBatches.shuffled(rows(manager, 3), labels(manager, 3), 4, 1);
            Iterator<Batch> epoch = batches.getData(manager).iterator();
            epoch.next().close();
            assertThrows(NoSuchElementException.class, epoch::next);
            assertThrows(IllegalArgumentException.class,
                    () -> InMemoryBatches.inOrder(rows(manager, 3), labels(manager, 4), 2));
            assertThrows(IllegalArgumentException.class,
                    () -> InMemoryBatches.inOrder(rows(manager, 3), labels(manager, 3), 0));
        }
    }
}
