package org.repro4j.papers.talkingheads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.repro4j.papers.talkingheads.LaundryList.Batch;

class LaundryListTest {

    private final LaundryList task = LaundryList.defaults();

    @Test
    void defaultsAreTheSpecsToy() {
        assertEquals(26, task.vocabSize());
        assertEquals(22, task.seqLength());
        assertEquals(24, task.bos());
        assertEquals(25, task.end());
        assertEquals(21, task.endPosition());
        assertEquals(2, task.minN());
        assertEquals(7, task.maxN());
    }

    @Test
    void oneItemAppearsOnceAndNMinusOneItemsTwiceAndTheTargetIsTheOnceItem() {
        Batch batch = task.batch(500, 1);
        for (int b = 0; b < batch.size(); b++) {
            int[] seq = batch.tokens()[b];
            assertEquals(task.bos(), seq[0]);
            assertEquals(task.end(), seq[task.endPosition()]);
            int[] counts = new int[task.vocabSize()];
            for (int p = 1; p < task.endPosition(); p++) {
                counts[seq[p]]++;
            }
            assertEquals(0, counts[task.bos()] + counts[task.end()], "BOS/END inside the content");
            int once = 0;
            int twice = 0;
            int fillers = 0;
            for (int t = 0; t < task.items(); t++) {
                assertTrue(counts[t] <= 2);
                once += counts[t] == 1 ? 1 : 0;
                twice += counts[t] == 2 ? 1 : 0;
            }
            for (int t = task.items(); t < task.bos(); t++) {
                fillers += counts[t];
            }
            int n = batch.n()[b];
            assertTrue(n >= 2 && n <= 7);
            assertEquals(1, once);
            assertEquals(n - 1, twice);
            assertEquals(20 - (2 * n - 1), fillers);
            int target = batch.targets()[b];
            assertTrue(task.isItem(target));
            assertEquals(1, counts[target]);
            assertEquals(target, seq[batch.targetPositions()[b]]);
        }
    }

    @Test
    void theSameSeedGivesTheSameBatch() {
        Batch a = task.batch(64, 5);
        Batch b = task.batch(64, 5);
        assertTrue(Arrays.deepEquals(a.tokens(), b.tokens()));
        assertArrayEquals(a.targets(), b.targets());
        assertFalse(Arrays.deepEquals(a.tokens(), task.batch(64, 6).tokens()));
    }

    @Test
    void targetPositionsAndListSizesAreUniform() {
        Batch batch = task.batch(24_000, 3);
        int[] byPosition = new int[task.seqLength()];
        int[] byN = new int[task.maxN() + 1];
        for (int b = 0; b < batch.size(); b++) {
            byPosition[batch.targetPositions()[b]]++;
            byN[batch.n()[b]]++;
        }
        // expected 1200 per position (sd ≈ 34) and 4000 per N (sd ≈ 58): ±15% is > 5 sd
        for (int p = 1; p <= 20; p++) {
            assertEquals(1200, byPosition[p], 180, "target position " + p);
        }
        for (int n = 2; n <= 7; n++) {
            assertEquals(4000, byN[n], 600, "N = " + n);
        }
    }

    @Test
    void fixedNReachesBeyondTheTrainingRange() {
        Batch batch = task.withN(9).batch(100, 4);
        assertTrue(Arrays.stream(batch.n()).allMatch(n -> n == 9));
        assertEquals(10, task.withN(10).batch(1, 0).n()[0]);
    }

    @Test
    void impossibleSettingsFailWithTheReason() {
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () -> task.withN(11));
        assertTrue(tooLong.getMessage().contains("2(N-1)+1 = 21"), tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> task.withN(1));
        IllegalArgumentException tooFewItems =
                assertThrows(IllegalArgumentException.class, () -> new LaundryList(5, 12, 20, 2, 6));
        assertTrue(tooFewItems.getMessage().contains("exceeds the 5 item tokens"), tooFewItems.getMessage());
        assertThrows(IllegalArgumentException.class, () -> task.withNRange(5, 3));
        assertThrows(IllegalArgumentException.class, () -> new LaundryList(12, 0, 20, 2, 7));
        assertThrows(IllegalArgumentException.class, () -> task.batch(0, 1));
        Batch packed = new LaundryList(4, 0, 7, 4, 4).batch(10, 2); // 2·3 + 1 = 7: no room, no fillers needed
        assertEquals(9, packed.tokens()[0].length);
    }

    @Test
    void batchesConvertToIntArrays() {
        Batch batch = task.batch(8, 9);
        try (NDManager manager = NDManager.newBaseManager()) {
            assertEquals(new Shape(8, 22), batch.tokens(manager).getShape());
            assertEquals(DataType.INT32, batch.tokens(manager).getDataType());
            assertArrayEquals(batch.targets(), batch.targets(manager).toIntArray());
            assertArrayEquals(batch.tokens()[3], batch.tokens(manager).get(3).toIntArray());
        }
    }
}
