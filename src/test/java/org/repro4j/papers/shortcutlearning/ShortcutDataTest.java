package org.repro4j.papers.shortcutlearning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.repro4j.papers.shortcutlearning.ShortcutData.Feature;
import org.repro4j.papers.shortcutlearning.ShortcutData.Samples;

class ShortcutDataTest {

    private static final int N = 20_000;
    private static final ShortcutData DATA = ShortcutData.create(Feature.of(0.7, 16), Feature.of(0.9, 1), 7);

    @Test
    void realisedPredictivityMatchesPWithinFourStandardErrors() {
        Samples train = DATA.training(N);
        assertAgreement(0.7, train.zShortcut(), train.y());
        assertAgreement(0.9, train.zCore(), train.y());
    }

    private static void assertAgreement(double p, double[] z, float[] y) {
        int agree = 0;
        for (int i = 0; i < y.length; i++) {
            agree += Math.signum(z[i]) == y[i] ? 1 : 0;
        }
        double standardError = Math.sqrt(p * (1 - p) / y.length);
        assertEquals(p, (double) agree / y.length, 4 * standardError);
    }

    @Test
    void classMeanIsTheNormalQuantileOfPredictivity() {
        // Φ(0.5244) = 0.7 and Φ(1.2816) = 0.9 (standard normal table).
        assertEquals(0.5244, Feature.of(0.7, 1).mu(), 1e-4);
        assertEquals(1.2816, Feature.of(0.9, 1).mu(), 1e-4);
    }

    @Test
    void trainingLatentsAreCorrelatedThroughTheLabelButProbeLatentsAreNot() {
        double muS = DATA.shortcut().mu();
        double muC = DATA.core().mu();
        double expected = muS * muC / Math.sqrt((1 + muS * muS) * (1 + muC * muC));
        double tolerance = 4 / Math.sqrt(N);
        Samples train = DATA.training(N);
        assertEquals(expected, correlation(train.zShortcut(), train.zCore()), tolerance);
        Samples probe = DATA.probe(N);
        assertEquals(0, correlation(probe.zShortcut(), probe.zCore()), tolerance);
    }

    @Test
    void embeddingHasOrthonormalColumns() {
        assertOrthonormal(DATA.embedding(), 2);
        ShortcutData nested = ShortcutData.create(new Feature(0.7, 1, 2), Feature.of(0.9, 1), 100, 3);
        assertOrthonormal(nested.embedding(), Nesting.WIDTH + 1);
    }

    private static void assertOrthonormal(double[][] u, int columns) {
        assertEquals(ShortcutData.DEFAULT_DIM, u.length);
        assertEquals(columns, u[0].length);
        for (int j = 0; j < columns; j++) {
            for (int k = 0; k < columns; k++) {
                double dot = 0;
                for (double[] row : u) {
                    dot += row[j] * row[k];
                }
                assertEquals(j == k ? 1 : 0, dot, 1e-12, "column " + j + " · column " + k);
            }
        }
    }

    @Test
    void inputsAreTheAmplifiedLatentsInTheEmbeddingsColumns() {
        Samples train = DATA.training(50);
        double[][] u = DATA.embedding();
        for (int i = 0; i < train.size(); i++) {
            double readS = 0;
            double readC = 0;
            for (int row = 0; row < u.length; row++) {
                readS += u[row][0] * train.x()[i][row];
                readC += u[row][1] * train.x()[i][row];
            }
            assertEquals(16 * train.zShortcut()[i], readS, 1e-4);
            assertEquals(train.zCore()[i], readC, 1e-5);
        }
    }

    @Test
    void conflictSetDisagreesEverywhereAndItsLabelsFollowTheMorePredictiveFeature() {
        Samples conflict = DATA.conflict(N);
        int coreRight = 0;
        for (int i = 0; i < conflict.size(); i++) {
            assertTrue(Math.signum(conflict.zShortcut()[i]) != Math.signum(conflict.zCore()[i]), "sample " + i);
            coreRight += Math.signum(conflict.zCore()[i]) == conflict.y()[i] ? 1 : 0;
        }
        // P(core right | conflict) = p_c (1 − p_s) / (p_c (1 − p_s) + p_s (1 − p_c)) = 0.27 / 0.34
        double expected = 0.27 / 0.34;
        assertEquals(expected, (double) coreRight / N, 4 * Math.sqrt(expected * (1 - expected) / N));
    }

    @Test
    void sameSeedGivesSameDataAndAnotherSeedOtherData() {
        ShortcutData again = ShortcutData.create(Feature.of(0.7, 16), Feature.of(0.9, 1), 7);
        assertArrayEquals(DATA.training(100).x(), again.training(100).x());
        assertArrayEquals(DATA.probe(100).zCore(), again.probe(100).zCore());
        ShortcutData other = ShortcutData.create(Feature.of(0.7, 16), Feature.of(0.9, 1), 8);
        assertFalse(DATA.embedding()[0][0] == other.embedding()[0][0]);
        assertFalse(DATA.training(1).zShortcut()[0] == other.training(1).zShortcut()[0]);
    }

    @Test
    void setsDoNotDependOnTheOrderTheyAreRequestedIn() {
        ShortcutData fresh = ShortcutData.create(Feature.of(0.7, 16), Feature.of(0.9, 1), 7);
        fresh.probe(10);
        fresh.conflict(10);
        assertArrayEquals(DATA.training(100).zShortcut(), fresh.training(100).zShortcut());
        assertFalse(DATA.training(1).zShortcut()[0] == DATA.test(1).zShortcut()[0]);
    }

    @Test
    void nestedFeatureKeepsTheLatentsVarianceButNotItsLinearForm() {
        ShortcutData nested = ShortcutData.create(new Feature(0.7, 1, 2), Feature.of(0.9, 1), 5);
        double mu = nested.shortcut().mu();
        Samples train = nested.training(N);
        double[][] u = nested.embedding();
        double[][] coords = new double[N][Nesting.WIDTH];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < Nesting.WIDTH; j++) {
                for (int row = 0; row < u.length; row++) {
                    coords[i][j] += u[row][j] * train.x()[i][row];
                }
            }
        }
        double total = 0;
        double linear = 0;
        for (int j = 0; j < Nesting.WIDTH; j++) {
            double[] column = new double[N];
            for (int i = 0; i < N; i++) {
                column[i] = coords[i][j];
            }
            double variance = variance(column);
            double r = correlation(column, train.zShortcut());
            total += variance;
            linear += r * r * variance;
        }
        assertEquals(1 + mu * mu, total, 0.05 * (1 + mu * mu));
        double linearShare = linear / total;
        assertTrue(linearShare < 0.95, "a linear function of z explains " + linearShare + " of the nested feature");
    }

    @Test
    void invalidSettingsAreRejectedWithAFix() {
        assertMessage(() -> Feature.of(1.2, 1), "predictivity p = 1.2", "between 0.5 and 1");
        assertMessage(() -> Feature.of(0.5, 1), "predictivity p = 0.5", "flip its sign");
        assertMessage(() -> Feature.of(1.0, 1), "predictivity p = 1.0", "infinite");
        assertMessage(() -> Feature.of(0.7, 0), "amplitude alpha = 0.0", "> 0");
        assertMessage(() -> new Feature(0.7, 1, -1), "nesting depth eta = -1", ">= 0");
        assertMessage(() -> ShortcutData.create(Feature.of(0.7, 1), Feature.of(0.9, 1), 1, 0), "d = 1", "d >= 2");
        assertMessage(() -> ShortcutData.create(new Feature(0.7, 1, 1), Feature.of(0.9, 1), 10, 0), "d = 10",
                "d >= 17");
        assertMessage(() -> DATA.training(0), "n = 0", ">= 1");
        assertMessage(() -> DATA.embed(new double[2], new double[3]), "2 shortcut latents", "3 core");
    }

    private static void assertMessage(Runnable action, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
        }
    }

    static double correlation(double[] a, double[] b) {
        double ma = mean(a);
        double mb = mean(b);
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.sqrt(aa * bb);
    }

    private static double variance(double[] a) {
        double m = mean(a);
        double sum = 0;
        for (double v : a) {
            sum += (v - m) * (v - m);
        }
        return sum / a.length;
    }

    private static double mean(double[] a) {
        double sum = 0;
        for (double v : a) {
            sum += v;
        }
        return sum / a.length;
    }
}
