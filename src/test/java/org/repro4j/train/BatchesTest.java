package org.repro4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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

    /**
     * 1100 rows of 1000 floats: batches of 100 are 400 kB, so rows are gathered ten batches at a time and the
     * eleventh batch of each epoch comes from a second gather; closing the source mid-epoch changes nothing.
     */
    @Test
    void batchesSlicedFromRowsGatheredAheadKeepTheOrderAcrossGathersAndClose() {
        int n = 1100;
        int width = 1000;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.arange(0f, n).reshape(n, 1).repeat(1, width); // row i is all i
            NDArray y = manager.arange(0, n).toType(DataType.INT64, false);
            long[][] runs = new long[2][];
            for (int run = 0; run < 2; run++) {
                Batches batches = Batches.shuffled(x, y, 100, 9);
                runs[run] = new long[2 * n];
                for (int b = 0; b < 22; b++) {
                    if (run == 1 && b % 4 == 3) {
                        batches.close();
                    }
                    try (NDManager step = manager.newSubManager()) {
                        Batch batch = batches.next(step);
                        assertEquals(new Shape(100, width), batch.inputs().getShape());
                        long[] targets = batch.targets().toLongArray();
                        float[] firstColumn = batch.inputs().get(":, 0").toFloatArray();
                        float[] lastColumn = batch.inputs().get(":, -1").toFloatArray();
                        for (int i = 0; i < 100; i++) {
                            assertEquals(targets[i], firstColumn[i], 0f);
                            assertEquals(targets[i], lastColumn[i], 0f);
                        }
                        System.arraycopy(targets, 0, runs[run], b * 100, 100);
                    }
                }
                batches.close();
            }
            assertArrayEquals(runs[0], runs[1]);
            long[] all = new long[n];
            Arrays.setAll(all, i -> i);
            for (int epoch = 0; epoch < 2; epoch++) {
                long[] seen = Arrays.copyOfRange(runs[0], epoch * n, (epoch + 1) * n);
                Arrays.sort(seen);
                assertArrayEquals(all, seen, "epoch " + epoch + " visits every row once");
            }
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
