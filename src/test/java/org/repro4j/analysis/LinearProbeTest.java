package org.repro4j.analysis;

import org.repro4j.testing.LinearAlgebraFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearProbeTest {

    /** Three Gaussian blobs (sd 1) whose means are 10 apart along different axes of R^6. */
    private static double[][] blobs(Random rng, int[] labels) {
        double[][] x = new double[labels.length][6];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 3;
            for (int j = 0; j < 6; j++) {
                x[i][j] = rng.nextGaussian() + (j == labels[i] ? 10 : 0);
            }
        }
        return x;
    }

    @Test
    void separableClassesAreProbedPerfectly() {
        Random rng = new Random(31);
        int[] labels = new int[600];
        double[][] x = blobs(rng, labels);
        LinearProbe.Result result = LinearProbe.trainTest(x, labels, 1e-3, 0.25, 1);
        assertEquals(1.0, result.trainAccuracy());
        assertEquals(1.0, result.testAccuracy());
        assertEquals(3, result.probe().classes());
        assertEquals(1.0 / 3, result.chance(), 0.08);
    }

    @Test
    void randomLabelsAreProbedAtChance() {
        Random rng = new Random(32);
        int n = 4000;
        double[][] x = LinearAlgebraFixtures.gaussian(rng, n, 8);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(4);
        }
        LinearProbe.Result result = LinearProbe.trainTest(x, labels, 1e-3, 0.5, 2);
        // 2000 test rows: chance 0.25 with sd ≈ 0.01
        assertEquals(0.25, result.testAccuracy(), 0.04);
        assertEquals(0.25, result.chance(), 0.04);
    }

    @Test
    void fitsDjlActivations() {
        Random rng = new Random(33);
        int[] labels = new int[90];
        double[][] x = blobs(rng, labels);
        try (NDManager manager = NDManager.newBaseManager()) {
            LinearProbe probe = LinearProbe.fit(Matrices.toNDArray(manager, x), labels, 1e-3);
            assertEquals(1.0, probe.accuracy(x, labels));
        }
    }

    @Test
    void badInputIsRejected() {
        double[][] x = {{1, 2}, {3, 4}};
        assertThrows(IllegalArgumentException.class, () -> LinearProbe.fit(x, new int[] {0}, 1e-3));
        assertThrows(IllegalArgumentException.class, () -> LinearProbe.fit(x, new int[] {0, -1}, 1e-3));
        assertThrows(IllegalArgumentException.class, () -> LinearProbe.fit(x, new int[] {0, 1}, -1));
        assertThrows(IllegalArgumentException.class, () -> LinearProbe.trainTest(x, new int[] {0, 1}, 1e-3, 0.1, 0));
        LinearProbe probe = LinearProbe.fit(x, new int[] {0, 1}, 1e-3);
        assertThrows(IllegalArgumentException.class, () -> probe.predict(new double[][] {{1, 2, 3}}));
    }
}
