package org.repro4j.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClusteringTest {

    /** Three blobs of 4 points around (0,0), (10,0), (0,10). */
    private static double[][] blobs(long seed) {
        Random rng = new Random(seed);
        double[][] centers = {{0, 0}, {10, 0}, {0, 10}};
        double[][] points = new double[12][];
        for (int i = 0; i < 12; i++) {
            double[] c = centers[i % 3];
            points[i] = new double[] {c[0] + rng.nextGaussian() * 0.5, c[1] + rng.nextGaussian() * 0.5};
        }
        return points;
    }

    private static void assertSamePartition(int[] expected, int[] actual) {
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected.length; j++) {
                assertEquals(expected[i] == expected[j], actual[i] == actual[j], "points " + i + " and " + j);
            }
        }
    }

    @Test
    void kMeansFindsSeparatedBlobsAndCanKeepClustersEqual() {
        int[] truth = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2};
        assertSamePartition(truth, Clustering.kMeans(blobs(1), 3, 7, false));
        assertSamePartition(truth, Clustering.kMeans(blobs(1), 3, 7, true));
        int[] pairs = Clustering.kMeans(blobs(2), 6, 3, true);
        int[] sizes = new int[6];
        for (int label : pairs) {
            sizes[label]++;
        }
        assertArrayEquals(new int[] {2, 2, 2, 2, 2, 2}, sizes);
        assertArrayEquals(Clustering.kMeans(blobs(2), 6, 3, true), pairs, "a seed fixes the clusters");
        assertThrows(IllegalArgumentException.class, () -> Clustering.kMeans(blobs(1), 5, 0, true));
        assertThrows(IllegalArgumentException.class, () -> Clustering.kMeans(blobs(1), 13, 0, false));
    }

    @Test
    void spectralClusteringRecoversTheBlocksOfAnAffinityMatrix() {
        int[] truth = {0, 0, 1, 1, 1, 0, 2, 2};
        double[][] affinity = new double[8][8];
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                affinity[i][j] = truth[i] == truth[j] ? 0.9 : 0.05;
            }
        }
        assertSamePartition(truth, Clustering.spectral(affinity, 3, 1));
        affinity[0][1] = -1;
        assertThrows(IllegalArgumentException.class, () -> Clustering.spectral(affinity, 3, 1));
    }

    @Test
    void theHungarianMethodFindsTheBestPermutation() {
        Random rng = new Random(4);
        for (int trial = 0; trial < 20; trial++) {
            double[][] score = new double[6][6];
            for (double[] row : score) {
                for (int j = 0; j < 6; j++) {
                    row[j] = rng.nextGaussian();
                }
            }
            int[] match = Assignment.maximize(score);
            assertEquals(6, Arrays.stream(match).distinct().count());
            assertEquals(bestByBruteForce(score, new int[6], new boolean[6], 0), total(score, match), 1e-9);
        }
    }

    private static double total(double[][] score, int[] match) {
        double s = 0;
        for (int i = 0; i < match.length; i++) {
            s += score[i][match[i]];
        }
        return s;
    }

    private static double bestByBruteForce(double[][] score, int[] match, boolean[] used, int row) {
        if (row == match.length) {
            return total(score, match);
        }
        double best = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < match.length; j++) {
            if (!used[j]) {
                used[j] = true;
                match[row] = j;
                best = Math.max(best, bestByBruteForce(score, match, used, row + 1));
                used[j] = false;
            }
        }
        return best;
    }
}
