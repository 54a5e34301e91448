package org.repro4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LmBatchesTest {
    /** A stream whose ids are scrambled but distinct, so each id reveals its position. */
    private static int[] stream(int n) {
        return Permutation.random(n, new Random(99));
    }

    @Test
    void targetsAreInputsShiftedByOne() {
        int[] s = stream(500);
        int[] position = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            position[s[i]] = i;
        }
        LmBatch batch = new LmBatches(s, 16, 10).random(new Random(1));
        assertEquals(16, batch.batchSize());
        for (int b = 0; b < 16; b++) {
            int start = position[batch.input(b, 0)];
            for (int t = 0; t < 10; t++) {
                assertEquals(s[start + t], batch.input(b, t));
                assertEquals(s[start + t + 1], batch.target(b, t));
            }
        }
    }

    @Test
    void anEpochOfRandomBatchesCoversTheStreamOnce() {
        assertEquals(1000 / (8 * 12), new LmBatches(stream(1000), 8, 12).randomBatchesPerEpoch());
        assertEquals(1, new LmBatches(stream(50), 8, 12).randomBatchesPerEpoch());
    }

    @Test
    void randomBatchesAreReproducibleFromTheSeed() {
        LmBatches batches = new LmBatches(stream(1000), 8, 12);
        Random r1 = new Random(5);
        Random r2 = new Random(5);
        for (int step = 0; step < 3; step++) {
            LmBatch a = batches.random(r1);
            LmBatch b = batches.random(r2);
            assertArrayEquals(a.inputs(), b.inputs());
            assertArrayEquals(a.targets(), b.targets());
        }
        assertFalse(Arrays.equals(batches.random(new Random(5)).inputs(), batches.random(new Random(6)).inputs()));
    }

    @Test
    void randomWindowsReachBothEndsOfTheStream() {
        int[] s = stream(20);
        LmBatches batches = new LmBatches(s, 64, 10);
        boolean sawFirst = false;
        boolean sawLast = false;
        Random r = new Random(3);
        for (int i = 0; i < 20; i++) {
            LmBatch b = batches.random(r);
            for (int k = 0; k < b.batchSize(); k++) {
                sawFirst |= b.input(k, 0) == s[0];
                sawLast |= b.target(k, 9) == s[19];
            }
        }
        assertTrue(sawFirst && sawLast);
    }

    @Test
    void sequentialWalksTheStreamOnceInNonOverlappingWindows() {
        int[] s = stream(107);
        LmBatches batches = new LmBatches(s, 4, 10);
        assertEquals(10, batches.sequentialWindowCount());
        List<LmBatch> all = batches.sequential();
        assertEquals(List.of(4, 4, 2), all.stream().map(LmBatch::batchSize).toList());
        int pos = 0;
        for (LmBatch b : all) {
            for (int k = 0; k < b.batchSize(); k++) {
                for (int t = 0; t < 10; t++) {
                    assertEquals(s[pos], b.input(k, t));
                    assertEquals(s[pos + 1], b.target(k, t));
                    pos++;
                }
            }
        }
        assertEquals(100, pos);
    }

    @Test
    void ndListHoldsInt64InputsAndTargetsOfBatchBySeq() {
        LmBatch b = new LmBatches(stream(300), 3, 7).random(new Random(0));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList list = b.toNDList(manager);
            assertEquals(new Shape(3, 7), list.get(0).getShape());
            assertEquals(DataType.INT64, list.get(1).getDataType());
            assertEquals(b.target(2, 6), list.get(1).getLong(2, 6));
            assertEquals(b.input(1, 3), list.get(0).getLong(1, 3));
        }
    }

    @Test
    void tooShortStreamAndBadSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new LmBatches(new int[10], 2, 10));
        assertThrows(IllegalArgumentException.class, () -> new LmBatches(new int[10], 0, 3));
        new LmBatches(new int[11], 2, 10);
    }
}
