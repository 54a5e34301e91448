package org.repro4j.papers.randomsearchsparsenas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The learning curve's area is its mean height over training. */
class SubnetworkRunTest {

    @Test
    void theNormalizedAreaIsTheTrapezoidalMeanOfTheCurve() {
        // 0→1 over the first step, then flat at 1 for two steps: (0.5 + 2) / 3
        assertEquals(2.5 / 3, SubnetworkRun.normalizedArea(new double[] {0, 1, 3}, new double[] {0, 1, 1}), 1e-12);
        assertEquals(0.7, SubnetworkRun.normalizedArea(new double[] {10, 20}, new double[] {0.7, 0.7}), 1e-12);
    }

    @Test
    void aCurveWithoutLengthHasNoArea() {
        assertThrows(IllegalArgumentException.class,
                () -> SubnetworkRun.normalizedArea(new double[] {0}, new double[] {1}));
        assertThrows(IllegalArgumentException.class,
                () -> SubnetworkRun.normalizedArea(new double[] {2, 2}, new double[] {1, 1}));
        assertThrows(IllegalArgumentException.class,
                () -> SubnetworkRun.normalizedArea(new double[] {0, 1}, new double[] {1}));
    }
}
