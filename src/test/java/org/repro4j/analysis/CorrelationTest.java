package org.repro4j.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CorrelationTest {

    @Test
    void pearsonOfAffinePairsIsPlusOrMinusOneAndOfAKnownSampleItsValue() {
        double[] x = {1, 2, 3, 4, 5};
        assertEquals(1.0, Correlation.pearson(x, new double[] {1e6 + 2, 1e6 + 4, 1e6 + 6, 1e6 + 8, 1e6 + 10}), 1e-12);
        assertEquals(-1.0, Correlation.pearson(x, new double[] {5, 4, 3, 2, 1}), 1e-12);
        // y = (1, 3, 2, 5, 4): Σdx·dy = 8, Σdx² = Σdy² = 10
        assertEquals(0.8, Correlation.pearson(x, new double[] {1, 3, 2, 5, 4}), 1e-12);
        assertEquals(Double.NaN, Correlation.pearson(x, new double[] {2, 2, 2, 2, 2}));
        assertThrows(IllegalArgumentException.class, () -> Correlation.pearson(x, new double[] {1, 2}));
    }

    @Test
    void spearmanIsPearsonOfTheRanksWithTiesSharingTheirMeanRank() {
        double[] x = {1, 2, 3, 4, 5};
        assertEquals(1.0, Correlation.spearman(x, new double[] {1, 8, 27, 64, 125}), 1e-12, "any increasing map");
        assertEquals(0.8, Correlation.spearman(x, new double[] {10, 30, 20, 50, 40}), 1e-12);
        // y ranks (1, 2.5, 2.5, 4, 5) against 1..5: Σdx·dy = 9.5, Σdx² = 10, Σdy² = 9.5
        assertEquals(9.5 / Math.sqrt(10 * 9.5), Correlation.spearman(x, new double[] {1, 2, 2, 3, 9}), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Correlation.spearman(x, new double[] {1, 2}));
    }
}
