package org.repro4j.papers.talkingheads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.repro4j.testing.LinearAlgebraFixtures.maxAbsDiff;
import static org.repro4j.testing.LinearAlgebraFixtures.multiply;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.circuits.CompositionScore.Kind;
import org.repro4j.papers.talkingheads.TalkingHeads.Channel;
import org.repro4j.papers.talkingheads.TalkingHeads.Intervention;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;
import org.repro4j.testing.LinearAlgebraFixtures;
import org.repro4j.analysis.Matrices;
import org.repro4j.circuits.CompositionScore;
import org.repro4j.circuits.FactoredMatrix;
import org.repro4j.circuits.HeadCircuit;

class TalkingHeadsTest {

    private static final int D_MODEL = 16;
    private static final int D_HEAD = 4;
    private static final int HEADS = 3;

    private final TinyTransformerLM lm = TinyTransformerLM.create(TransformerConfig.builder(10).context(12)
            .dModel(D_MODEL).nHeads(HEADS).dHead(D_HEAD).nLayers(2).attentionOnly(true).build(), 5);

    @AfterEach
    void close() {
        lm.close();
    }

    /** W_OV of one head as the model computes it from its current effective weights, gain folded in. */
    private FactoredMatrix effectiveOv(int layer, int head) {
        try (NDManager scope = NDManager.newBaseManager()) {
            double[] gain = lm.parameter("blocks." + layer + ".ln1.w").toType(DataType.FLOAT64, true)
                    .toDoubleArray();
            double[][] wV = Matrices.toHeadArrays(lm.W_V(layer))[head];
            for (int r = 0; r < wV.length; r++) {
                for (int c = 0; c < wV[r].length; c++) {
                    wV[r][c] *= gain[r];
                }
            }
            double[][] wO = Matrices.toHeadArrays(lm.effectiveWeight("blocks." + layer + ".attn.W_O", scope))[head];
            return FactoredMatrix.ov(wV, wO);
        }
    }

    private float[][] effectiveWOByHead(int layer) {
        try (NDManager scope = NDManager.newBaseManager()) {
            NDArray wO = lm.effectiveWeight("blocks." + layer + ".attn.W_O", scope);
            float[][] out = new float[HEADS][];
            for (int h = 0; h < HEADS; h++) {
                out[h] = wO.get(h).toFloatArray();
            }
            return out;
        }
    }

    @Test
    void ablatingAComponentZeroesThatSingularValueAndLeavesOtherHeadsIdentical() {
        // a non-trivial LayerNorm gain, so the folded circuit differs from the raw W_V·W_O
        lm.parameter("blocks.0.ln1.w").set(gains());
        TalkingHeads heads = TalkingHeads.of(lm);
        double[] sigma = heads.head(0, 1).ov().singularValues();
        float[][] before = effectiveWOByHead(0);

        double[] after = heads.ablateComponents(0, 1, 2).during(lm, () -> effectiveOv(0, 1).singularValues());
        float[][] wOAfter = heads.ablateComponents(0, 1, 2).during(lm, () -> effectiveWOByHead(0));

        assertArrayEquals(new double[] {sigma[0], sigma[1], sigma[3], 0}, after, 1e-5 * sigma[0]);
        assertArrayEquals(before[0], wOAfter[0], "head 0 untouched");
        assertArrayEquals(before[2], wOAfter[2], "head 2 untouched");
        assertNotEquals(Arrays.toString(before[1]), Arrays.toString(wOAfter[1]));
        assertTrue(lm.weightTransforms().isEmpty(), "the intervention is removed after the evaluation");
        assertArrayEquals(sigma, effectiveOv(0, 1).singularValues(), 1e-6 * sigma[0]);
    }

    private float[] gains() {
        Random rng = new Random(3);
        float[] g = new float[D_MODEL];
        for (int i = 0; i < D_MODEL; i++) {
            g[i] = (float) (0.5 + rng.nextDouble());
        }
        return g;
    }

    @Test
    void scalingComponentsMultipliesExactlyThoseSingularValues() {
        TalkingHeads heads = TalkingHeads.of(lm);
        FactoredMatrix ov = heads.head(1, 2).ov();
        double[] sigma = ov.singularValues();

        FactoredMatrix scaled = heads.scaleComponents(1, 2, 3.0, 0, 3).during(lm, () -> effectiveOv(1, 2));

        // component i keeps its directions: u_iᵀ·OV'·v_i = γ_i σ_i
        double[] gammas = {3, 1, 1, 3};
        double[][] product = scaled.toArray();
        for (int i = 0; i < sigma.length; i++) {
            double[] u = ov.readDirection(i);
            double[] v = ov.writeDirection(i);
            double uMv = 0;
            for (int r = 0; r < D_MODEL; r++) {
                for (int c = 0; c < D_MODEL; c++) {
                    uMv += u[r] * product[r][c] * v[c];
                }
            }
            assertEquals(gammas[i] * sigma[i], uMv, 1e-5 * sigma[0], "component " + i);
        }
    }

    @Test
    void ablatingAHeadZeroesOnlyItsOutputWeights() {
        TalkingHeads heads = TalkingHeads.of(lm);
        float[][] before = effectiveWOByHead(1);
        float[][] after = heads.ablateHead(1, 0).during(lm, () -> effectiveWOByHead(1));
        assertArrayEquals(new float[D_HEAD * D_MODEL], after[0], 0f);
        assertArrayEquals(before[1], after[1]);
        assertArrayEquals(before[2], after[2]);
    }

    @Test
    void interventionsStackOnAnExistingTransformAndRestoreIt() {
        TalkingHeads heads = TalkingHeads.of(lm);
        UnaryOperator<NDArray> doubled = w -> w.mul(2);
        lm.setWeightTransform("blocks.0.attn.W_O", doubled);
        float[][] before = effectiveWOByHead(0);
        float[][] during = heads.ablateHead(0, 1).during(lm, () -> effectiveWOByHead(0));
        assertArrayEquals(before[0], during[0], "the existing transform still applies");
        assertArrayEquals(new float[D_HEAD * D_MODEL], during[1], 0f);
        assertSame(doubled, lm.weightTransforms().get("blocks.0.attn.W_O"));
        assertThrows(IllegalStateException.class, () -> heads.ablateHead(0, 1).during(lm, () -> {
            throw new IllegalStateException("evaluation failed");
        }));
        assertSame(doubled, lm.weightTransforms().get("blocks.0.attn.W_O"), "restored even when the body throws");
        assertEquals(7, Intervention.none().during(lm, () -> 7));
    }

    @Test
    void foldsTheLayerNormGainIntoTheReadingWeights() {
        lm.parameter("blocks.1.ln1.w").set(gains());
        HeadCircuit circuit = TalkingHeads.of(lm).head(1, 0);
        float[] g = gains();
        double[][] diag = new double[D_MODEL][D_MODEL];
        for (int i = 0; i < D_MODEL; i++) {
            diag[i][i] = g[i];
        }
        double[][] wV = Matrices.toHeadArrays(lm.W_V(1))[0];
        double[][] wO = Matrices.toHeadArrays(lm.W_O(1))[0];
        double[][] wQ = Matrices.toHeadArrays(lm.W_Q(1))[0];
        double[][] wK = Matrices.toHeadArrays(lm.W_K(1))[0];
        assertTrue(maxAbsDiff(multiply(multiply(diag, wV), wO), circuit.ov().toArray()) < 1e-7);
        double[][] qk = multiply(multiply(diag, wQ), LinearAlgebraFixtures.transpose(multiply(diag, wK)));
        assertTrue(maxAbsDiff(qk, circuit.qk().toArray()) < 1e-7);
    }

    @Test
    void channelsListEveryPairStrongestFirst() {
        TalkingHeads heads = TalkingHeads.of(lm);
        List<Channel> channels = heads.channels(0, 1, Kind.Q, Kind.V);
        assertEquals(2 * HEADS * HEADS, channels.size());
        for (int i = 1; i < channels.size(); i++) {
            assertTrue(channels.get(i - 1).bestComponentScore() >= channels.get(i).bestComponentScore());
        }
        for (Channel c : channels) {
            HeadCircuit up = heads.head(0, c.upHead());
            HeadCircuit down = heads.head(1, c.downHead());
            assertEquals(CompositionScore.score(c.kind(), up, down), c.wholeScore(), 1e-12);
            double[] perComponent = CompositionScore.perComponent(c.kind(), up, down);
            assertEquals(Arrays.stream(perComponent).max().orElseThrow(), c.bestComponentScore(), 1e-12);
            assertEquals(perComponent[c.bestComponent()], c.bestComponentScore(), 1e-12);
        }
        tech.tablesaw.api.Table table = TalkingHeads.table(channels.subList(0, 2));
        assertEquals(2, table.rowCount());
        assertEquals("L0H" + channels.get(0).upHead(), table.stringColumn("writer").get(0));
        assertEquals(channels.get(1).ratio(), table.doubleColumn("component / whole").get(1), 0.0);
        assertThrows(IllegalArgumentException.class, () -> heads.channels(1, 0, Kind.V));
        assertThrows(IllegalArgumentException.class, () -> heads.channels(0, 1));
    }

    @Test
    void componentsAreRankedByTheCompositionTheyCarry() {
        TalkingHeads heads = TalkingHeads.of(lm);
        double[] scores = heads.componentScores(0, 2, 1, Kind.values());
        double[] carried = heads.carriedComposition(0, 2, 1, Kind.values());
        double[] sigma = heads.head(0, 2).ov().singularValues();
        int[] ranking = heads.componentsByComposition(0, 2, 1, Kind.values());
        assertEquals(D_HEAD, ranking.length);
        for (int i = 1; i < ranking.length; i++) {
            assertTrue(carried[ranking[i - 1]] >= carried[ranking[i]]);
        }
        double expected = 0;
        for (Kind kind : Kind.values()) {
            for (HeadCircuit down : heads.layer(1)) {
                expected = Math.max(expected, CompositionScore.perComponent(kind, heads.head(0, 2), down)[1]);
            }
        }
        assertEquals(expected, scores[1], 1e-12);
        assertEquals(sigma[1] * expected, carried[1], 1e-12);
    }

    @Test
    void carriedCompositionSquaresAddUpToTheWholeMatrixScore() {
        TalkingHeads heads = TalkingHeads.of(lm);
        HeadCircuit up = heads.head(0, 1);
        double[] sigma = up.ov().singularValues();
        for (Kind kind : Kind.values()) {
            for (HeadCircuit down : heads.layer(1)) {
                double[] cs = CompositionScore.perComponent(kind, up, down);
                double sumOfSquares = IntStream.range(0, cs.length).mapToDouble(i -> Math.pow(sigma[i] * cs[i], 2))
                        .sum();
                double whole = CompositionScore.score(kind, up, down) * up.ov().frobeniusNorm();
                assertEquals(whole * whole, sumOfSquares, 1e-9 * whole * whole);
            }
        }
    }

    @Test
    void randomComponentsAvoidTheExcludedOnes() {
        TalkingHeads heads = TalkingHeads.of(lm);
        Random rng = new Random(1);
        for (int trial = 0; trial < 20; trial++) {
            int[] drawn = heads.randomComponents(0, 0, 2, new int[] {0, 3}, rng);
            Arrays.sort(drawn);
            assertArrayEquals(new int[] {1, 2}, drawn);
        }
        assertThrows(IllegalArgumentException.class, () -> heads.randomComponents(0, 0, 3, new int[] {0, 3}, rng));
    }

    @Test
    void ablationCurveUsesTheNamedInterventions() {
        LaundryList task = new LaundryList(4, 4, 8, 2, 3);
        try (TinyTransformerLM model = TinyTransformerLM.create(TransformerConfig.builder(task.vocabSize()).context(12)
                .dModel(D_MODEL).nHeads(HEADS).dHead(D_HEAD).nLayers(2).attentionOnly(true).build(), 9)) {
            TalkingHeads th = TalkingHeads.of(model);
            LaundryListAccuracy eval = new LaundryListAccuracy(task, new int[] {3}, 200, 4);
            int[] ranking = th.componentsByComposition(0, 1, 1, Kind.V);
            TalkingHeads.AblationCurve curve = th.topVsRandomAblation(model, eval, 3, 0, 1, ranking, 2, 2, 8);
            assertEquals(eval.at(3, model::logits), curve.clean());
            assertEquals(th.ablateHead(0, 1).during(model, () -> eval.at(3, model::logits)), curve.wholeHead());
            assertEquals(th.ablateComponents(0, 1, ranking[0], ranking[1]).during(model, () -> eval.at(3, model::logits)),
                    curve.topK()[1]);
            assertEquals(curve.clean() - curve.topK()[1], curve.topDrop(2));
            assertThrows(IllegalArgumentException.class,
                    () -> th.topVsRandomAblation(model, eval, 3, 0, 1, ranking, 3, 2, 8));
        }
        assertNull(lm.weightTransforms().get("blocks.0.attn.W_O"));
    }

    @Test
    void aOneLayerModelHasNoChannels() {
        try (TinyTransformerLM one = TinyTransformerLM.create(TransformerConfig.builder(10).context(8).dModel(D_MODEL)
                .nHeads(2).dHead(D_HEAD).nLayers(1).attentionOnly(true).build(), 1)) {
            assertThrows(IllegalArgumentException.class, () -> TalkingHeads.of(one));
        }
    }
}
