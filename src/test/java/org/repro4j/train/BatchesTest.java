package org.repro4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BatchesTest {

    /** Targets of the batches of {@code epochs} epochs, in order. */
    private static long[] drawn(NDManager manager, long seed, int epochs) {
        NDArray x = manager.arange(0f, 20f).reshape(10, 2);
        NDArray y = manager.create(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        Batches batches = Batches.shuffled(x, y, 5, seed);
        long[] all = new long[epochs * 10];
        for (int b = 0; b < epochs * 2; b++) {
            try (NDManager step = manager.newSubManager()) {
                Batch batch = batches.next(step);
                long[] targets = batch.targets().toLongArray();
                float[] inputs = batch.inputs().toFloatArray();
                for (int i = 0; i < 5; i++) {
                    assertEquals(2 * targets[i], inputs[2 * i], 0f); // inputs and targets stay paired
                }
                System.arraycopy(targets, 0, all, b * 5, 5);
            }
        }
        return all;
    }

    @Test
    void everyEpochVisitsEachExampleOnceInASeededOrder() {
        try (NDManager manager = NDManager.newBaseManager()) {
            long[] a = drawn(manager, 3, 2);
            long[] epoch1 = Arrays.copyOfRange(a, 0, 10);
            long[] epoch2 = Arrays.copyOfRange(a, 10, 20);
            long[] sorted1 = epoch1.clone();
            long[] sorted2 = epoch2.clone();
            Arrays.sort(sorted1);
            Arrays.sort(sorted2);
            long[] all = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
            assertArrayEquals(all, sorted1);
            assertArrayEquals(all, sorted2);
            assertFalse(Arrays.equals(epoch1, epoch2), "each epoch has its own order");
            assertArrayEquals(a, drawn(manager, 3, 2));
            assertFalse(Arrays.equals(a, drawn(manager, 4, 2)));
        }
    }

    @Test
    void mismatchedOrOversizedInputsAreRejected() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.zeros(new Shape(4, 2));
            assertThrows(IllegalArgumentException.class, () -> Batches.shuffled(x, manager.zeros(new Shape(3)), 2, 1));
            assertThrows(IllegalArgumentException.class, () -> Batches.shuffled(x, manager.zeros(new Shape(4)), 5, 1));
            assertEquals(2, Batches.shuffled(x, manager.zeros(new Shape(4)), 2, 1).batchesPerEpoch());
        }
    }
}
