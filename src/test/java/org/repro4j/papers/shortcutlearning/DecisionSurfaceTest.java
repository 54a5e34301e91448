package org.repro4j.papers.shortcutlearning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.repro4j.papers.shortcutlearning.ShortcutData.Feature;
import org.repro4j.models.Mlp;

class DecisionSurfaceTest {

    private static final ShortcutData DATA = ShortcutData.create(Feature.of(0.7, 4), Feature.of(0.9, 1), 2);

    /** The Bayes classifier written as a model on inputs: reads each latent back through its column of U. */
    private static final Function<float[][], double[]> BAYES_ON_INPUTS = x -> {
        double[][] u = DATA.embedding();
        double[] logits = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double zs = 0;
            double zc = 0;
            for (int row = 0; row < u.length; row++) {
                zs += u[row][0] * x[i][row] / DATA.shortcut().amplitude();
                zc += u[row][1] * x[i][row] / DATA.core().amplitude();
            }
            logits[i] = DATA.bayesLogit(zs, zc);
        }
        return logits;
    };

    @Test
    void gridPointsPassThroughTheEmbeddingAndRowsFollowTheCoreAxis() {
        double[] zs = DecisionSurface.axis(-3, 3, 7);
        double[] zc = DecisionSurface.axis(-2, 2, 5);
        DecisionSurface surface = DecisionSurface.evaluate(DATA, BAYES_ON_INPUTS, zs, zc);
        assertEquals(5, surface.logits().length);
        assertEquals(7, surface.logits()[0].length);
        for (int i = 0; i < zc.length; i++) {
            for (int j = 0; j < zs.length; j++) {
                assertEquals(DATA.bayesLogit(zs[j], zc[i]), surface.logits()[i][j], 1e-4);
            }
        }
    }

    @Test
    void bayesLogitVanishesOnTheLdaLine() {
        double[] zs = DecisionSurface.axis(-4, 4, 9);
        DecisionSurface surface = DecisionSurface.evaluate(DATA, BAYES_ON_INPUTS, zs, new double[] {0});
        for (int j = 0; j < zs.length; j++) {
            assertEquals(0, DATA.bayesLogit(zs[j], surface.bayesBoundary()[j]), 1e-12);
        }
        // μ_s/μ_c = 0.5244/1.2816: the line is shallow because the core is more predictive.
        assertEquals(-0.4092 * 4, surface.bayesBoundary()[8], 1e-3);
    }

    @Test
    void axisIsEvenlySpacedAndInclusive() {
        assertArrayEquals(new double[] {-1, -0.5, 0, 0.5, 1}, DecisionSurface.axis(-1, 1, 5), 1e-15);
    }

    @Test
    void badInputsAreRejectedWithAFix() {
        IllegalArgumentException wrongCount = assertThrows(IllegalArgumentException.class,
                () -> DecisionSurface.evaluate(DATA, x -> new double[1], new double[] {0, 1}, new double[] {0}));
        assertTrue(wrongCount.getMessage().contains("1 logits for 2 grid inputs"), wrongCount.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> DecisionSurface.evaluate(DATA, BAYES_ON_INPUTS, new double[0], new double[] {0}));
        assertTrue(empty.getMessage().contains("at least one value"), empty.getMessage());
        IllegalArgumentException shortAxis = assertThrows(IllegalArgumentException.class,
                () -> DecisionSurface.axis(0, 1, 1));
        assertTrue(shortAxis.getMessage().contains("at least 2 points, got 1"), shortAxis.getMessage());
    }

    @Test
    void boundaryOfTheBayesModelIsTheLdaLine() {
        double[] zs = DecisionSurface.axis(-3, 3, 13);
        DecisionSurface surface = DecisionSurface.evaluate(DATA, BAYES_ON_INPUTS, zs, DecisionSurface.axis(-4, 4, 9));
        double[][] boundary = surface.boundary();
        // the shallow line crosses every column: read as z_c(z_s), exact up to float inputs (the logit is linear)
        assertArrayEquals(zs, boundary[0], 1e-12);
        assertArrayEquals(surface.bayesBoundary(), boundary[1], 1e-4);
    }

    @Test
    void aSteepBoundaryIsReadAlongTheRows() {
        // f = z_s − 0.1 z_c: the boundary z_s = 0.1 z_c is nearly vertical and crosses each row once
        double[] zs = DecisionSurface.axis(-2, 2, 9);
        double[] zc = DecisionSurface.axis(-3, 3, 7);
        double[][] logits = new double[zc.length][zs.length];
        for (int i = 0; i < zc.length; i++) {
            for (int j = 0; j < zs.length; j++) {
                logits[i][j] = zs[j] - 0.1 * zc[i];
            }
        }
        double[][] boundary = new DecisionSurface(zs, zc, logits, new double[zs.length]).boundary();
        assertArrayEquals(zc, boundary[1], 1e-12);
        assertArrayEquals(new double[] {-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3}, boundary[0], 1e-12);
    }

    @Test
    void gridLinesTheBoundaryDoesNotCrossAreLeftOut() {
        // first column negative throughout; the second crosses between z_c = 0 (f = −2) and z_c = 1 (f = 0.5)
        DecisionSurface surface = new DecisionSurface(new double[] {0, 1}, new double[] {-1, 0, 1},
                new double[][] {{-3, -3}, {-2, -2}, {-1, 0.5}}, new double[] {0, 0});
        double[][] boundary = surface.boundary();
        assertArrayEquals(new double[] {1}, boundary[0], 1e-12);
        assertArrayEquals(new double[] {0.8}, boundary[1], 1e-12);
        double[][] none = new DecisionSurface(new double[] {0, 1}, new double[] {0, 1},
                new double[][] {{1, 2}, {3, 4}}, new double[] {0, 0}).boundary();
        assertEquals(0, none[0].length);
    }

    @Test
    void aTrainedBlockIsEvaluatedOnTheGridThroughTheEmbedding() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // a linear model whose weights are the Bayes read-out on inputs: w = Σ_i (2μ_i/α_i) u_i, bias 0
            Mlp model = ShortcutSweep.Architecture.LINEAR.build(DATA.dim(), manager, 1);
            double[][] u = DATA.embedding();
            float[] w = new float[DATA.dim()];
            for (int row = 0; row < w.length; row++) {
                w[row] = (float) (2 * DATA.shortcut().mu() / DATA.shortcut().amplitude() * u[row][0]
                        + 2 * DATA.core().mu() / DATA.core().amplitude() * u[row][1]);
            }
            model.linears().get(0).getParameters().get("weight").getArray().set(w);
            model.linears().get(0).getParameters().get("bias").getArray().set(new float[] {0f});
            double[] zs = DecisionSurface.axis(-3, 3, 7);
            DecisionSurface surface = DecisionSurface.evaluate(DATA, model, zs, DecisionSurface.axis(-4, 4, 9));
            assertEquals(DATA.bayesLogit(3, 4), surface.logits()[8][6], 1e-4);
            assertArrayEquals(surface.bayesBoundary(), surface.boundary()[1], 1e-4);
        }
    }
}
