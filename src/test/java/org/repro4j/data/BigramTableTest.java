package org.repro4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BigramTableTest {

    /** "a b a c a b" over ids a=0, b=1, c=2, d=3: d never occurs, and c is followed once by a. */
    private static final int[] TOY = {0, 1, 0, 2, 0, 1};

    @Test
    void countsAndSmoothedProbabilitiesFollowAddK() {
        BigramTable table = BigramTable.fit(TOY, 4, 0.5);
        assertEquals(2, table.count(0, 1));
        assertEquals(1, table.count(0, 2));
        assertEquals(0, table.count(0, 0));
        assertEquals(3, table.contextCount(0));
        assertEquals(1, table.contextCount(1)); // the last b has no successor
        // P(b | a) = (2 + 0.5) / (3 + 0.5·4)
        assertEquals(2.5 / 5, table.probability(0, 1), 1e-7);
        assertEquals(0.5 / 5, table.probability(0, 3), 1e-7);
        assertEquals(-Math.log(2.5 / 5) / Math.log(2), table.surprisalBits(0, 1), 1e-6);
    }

    @Test
    void everyRowIsADistribution() {
        int[] stream = new Random(3).ints(5_000, 0, 50).toArray();
        BigramTable table = BigramTable.fit(stream, 60); // ids 50..59 never occur: their rows back off
        for (int a = 0; a < 60; a++) {
            double sum = 0;
            for (float p : table.row(a)) {
                assertTrue(p > 0);
                sum += p;
            }
            assertEquals(1.0, sum, 1e-5, "row " + a);
        }
    }

    @Test
    void unseenContextsBackOffToTheSmoothedUnigram() {
        BigramTable table = BigramTable.fit(TOY, 4, 0.5);
        assertEquals(0, table.contextCount(3)); // d never occurs
        assertEquals(0, table.contextCount(2) - 1); // c occurs once, followed by a
        double denominator = TOY.length + 0.5 * 4;
        assertEquals((3 + 0.5) / denominator, table.probability(3, 0), 1e-7);
        assertEquals((2 + 0.5) / denominator, table.probability(3, 1), 1e-7);
        assertEquals(0.5 / denominator, table.probability(3, 3), 1e-7);
    }

    @Test
    void batchDistributionsAreTheRowsOfEachInputToken() {
        BigramTable table = BigramTable.fit(TOY, 4, 0.01);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray inputs = manager.create(new int[] {0, 3, 1, 2, 2, 0}, new Shape(2, 3));
            NDArray rows = table.nextTokenDistributions(inputs);
            assertEquals(new Shape(2, 3, 4), rows.getShape());
            assertArrayEquals(table.row(3), rows.get("0, 1").toFloatArray());
            assertArrayEquals(table.row(2), rows.get("1, 0").toFloatArray());
            NDArray full = table.distributions(manager);
            assertArrayEquals(table.row(1), full.get("1").toFloatArray());
        }
    }

    @Test
    void surprisalOfBatchesIsPositionByPositionInBatchOrder() {
        int[] stream = new Random(5).ints(200, 0, 7).toArray();
        BigramTable table = BigramTable.fit(stream, 7);
        List<LmBatch> batches = new LmBatches(stream, 2, 5).sequential();
        double[] bits = table.surprisalBits(batches);
        assertEquals(new LmBatches(stream, 2, 5).sequentialWindowCount() * 5, bits.length);
        // sequential windows tile the stream, so position i predicts stream[i + 1] from stream[i]
        double sum = 0;
        for (int i = 0; i < bits.length; i++) {
            assertEquals(table.surprisalBits(stream[i], stream[i + 1]), bits[i], 1e-12);
            sum += bits[i];
        }
        assertEquals(sum / bits.length, table.meanSurprisalBits(batches), 1e-12);
    }

    @Test
    void badInputIsRejectedWithTheFix() {
        IllegalArgumentException outOfRange = assertThrows(IllegalArgumentException.class,
                () -> BigramTable.fit(new int[] {0, 5}, 4));
        assertTrue(outOfRange.getMessage().contains("Vocab"), outOfRange.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BigramTable.fit(TOY, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> BigramTable.fit(new int[] {1}, 4));
    }
}
