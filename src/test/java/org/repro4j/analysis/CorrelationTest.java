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
}
