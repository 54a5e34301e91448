package org.repro4j.papers.shortcutlearning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.repro4j.papers.shortcutlearning.ShortcutData.Feature;
import org.repro4j.papers.shortcutlearning.ShortcutData.Samples;

class ShortcutBiasTest {

    private static final ShortcutData DATA = ShortcutData.create(Feature.of(0.7, 16), Feature.of(0.9, 1), 11);
    private static final Samples PROBE = DATA.probe(4000);

    /** A hand-made linear model on inputs: reads the latents back through the embedding's columns. */
    private static Function<float[][], double[]> linearReadout(double perShortcut, double perCore) {
        double[][] u = DATA.embedding();
        double alphaS = DATA.shortcut().amplitude();
        double alphaC = DATA.core().amplitude();
        return x -> {
            double[] logits = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                double zs = 0;
                double zc = 0;
                for (int row = 0; row < u.length; row++) {
                    zs += u[row][0] * x[i][row] / alphaS;
                    zc += u[row][1] * x[i][row] / alphaC;
                }
                logits[i] = perShortcut * zs + perCore * zc;
            }
            return logits;
        };
    }

    private static ShortcutBias measure(Function<float[][], double[]> model) {
        return ShortcutBias.measure(model.apply(PROBE.x()), PROBE, DATA);
    }

    @Test
    void bayesClassifierHasNoBias() {
        ShortcutBias bayes = ShortcutBias.measure(DATA.bayesLogits(PROBE), PROBE, DATA);
        assertEquals(0, bayes.bias(), 1e-9);
        assertEquals(0, bayes.followBias(), 0);
        // Read from inputs rather than latents, the Bayes classifier is still unbiased.
        double muS = DATA.shortcut().mu();
        double muC = DATA.core().mu();
        assertEquals(0, measure(linearReadout(2 * muS, 2 * muC)).bias(), 0.02);
    }

    @Test
    void bayesRelianceIsTheShortcutsShareOfTheClassMeans() {
        ShortcutBias bayes = ShortcutBias.measure(DATA.bayesLogits(PROBE), PROBE, DATA);
        // μ = Φ⁻¹(0.7) = 0.5244, Φ⁻¹(0.9) = 1.2816 → R* = 0.2904 (notebook: R*_s = 0.29)
        assertEquals(0.2904, bayes.bayesReliance(), 1e-4);
        assertEquals(bayes.bayesReliance(), bayes.reliance(), 1e-9);
        assertEquals(DATA.bayesReliance(), bayes.bayesReliance(), 1e-12);
    }

    @Test
    void modelReadingOnlyTheShortcutHasBiasOneMinusBayesReliance() {
        ShortcutBias shortcutOnly = measure(linearReadout(3, 0));
        assertEquals(1 - DATA.bayesReliance(), shortcutOnly.bias(), 0.02);
        assertEquals(1, shortcutOnly.followRate(), 0);
    }

    @Test
    void modelReadingOnlyTheCoreHasBiasMinusBayesReliance() {
        ShortcutBias coreOnly = measure(linearReadout(0, 2));
        assertEquals(-DATA.bayesReliance(), coreOnly.bias(), 0.02);
        assertEquals(0, coreOnly.followRate(), 0);
        assertTrue(coreOnly.followBias() < 0, "a core-only model follows the shortcut less often than Bayes");
    }

    @Test
    void regressionRecoversAModelsWeightsAndIntercept() {
        double[] logits = new double[PROBE.size()];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = 1.5 + 2 * PROBE.zShortcut()[i] - 0.5 * PROBE.zCore()[i];
        }
        ShortcutBias bias = ShortcutBias.measure(logits, PROBE, DATA);
        assertEquals(1.5, bias.intercept(), 1e-9);
        assertEquals(2, bias.weightShortcut(), 1e-9);
        assertEquals(-0.5, bias.weightCore(), 1e-9);
        assertEquals(0.8, bias.reliance(), 1e-9);
    }

    @Test
    void nonlinearModelsAreMeasuredByTheirBestLinearFit() {
        // A saturating model that reads only the shortcut still relies on it entirely.
        double[] logits = new double[PROBE.size()];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = Math.tanh(PROBE.zShortcut()[i]);
        }
        assertEquals(1, ShortcutBias.measure(logits, PROBE, DATA).reliance(), 0.02);
    }

    @Test
    void conflictProbePointsAreCountedAndBayesFollowsTheShortcutOnlyWhenItIsLarger() {
        ShortcutBias bayes = ShortcutBias.measure(DATA.bayesLogits(PROBE), PROBE, DATA);
        int conflicts = 0;
        int shortcutLarger = 0;
        double muS = DATA.shortcut().mu();
        double muC = DATA.core().mu();
        for (int i = 0; i < PROBE.size(); i++) {
            double zs = PROBE.zShortcut()[i];
            double zc = PROBE.zCore()[i];
            if (zs * zc < 0) {
                conflicts++;
                shortcutLarger += muS * Math.abs(zs) > muC * Math.abs(zc) ? 1 : 0;
            }
        }
        assertEquals(conflicts, bayes.conflicts());
        assertEquals((double) shortcutLarger / conflicts, bayes.bayesFollowRate(), 1e-12);
    }

    @Test
    void followRateCountsPredictionsThatAgreeWithTheShortcut() {
        assertEquals(0.5, ShortcutBias.followRate(new double[] {2, -1, 0.5, -3}, new int[] {1, 1, -1, -1}), 0);
    }

    @Test
    void badInputsAreRejectedWithAFix() {
        double[] zs = PROBE.zShortcut();
        double[] zc = PROBE.zCore();
        assertMessage(() -> ShortcutBias.measure(new double[3], PROBE, DATA), "got 3 logits", "probe set");
        double[] diverged = DATA.bayesLogits(PROBE);
        diverged[5] = Double.NaN;
        assertMessage(() -> ShortcutBias.measure(diverged, PROBE, DATA), "logit 5 is NaN", "learning rate");
        assertMessage(() -> ShortcutBias.measure(new double[2], new double[2], new double[2], 1, 1), "at least 3");
        assertMessage(() -> ShortcutBias.measure(new double[zs.length], zs, zs, 1, 1), "collinear");
        assertMessage(() -> ShortcutBias.measure(new double[zs.length], zs, zc, 0, 1), "mu_s = 0.0");
        assertMessage(() -> ShortcutBias.followRate(new double[2], new int[] {1, 0}), "sign 1 is 0", "+1 or -1");
        assertMessage(() -> ShortcutBias.followRate(new double[2], new int[3]), "2 logits and 3");
    }

    private static void assertMessage(Runnable action, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
        }
    }
}
