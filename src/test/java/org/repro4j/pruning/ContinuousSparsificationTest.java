package org.repro4j.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;

class ContinuousSparsificationTest {

    private final TinyTransformerLM lm = TinyTransformerLM.create(
            TransformerConfig.builder(9).context(5).dModel(8).nHeads(2).nLayers(1).dMlp(12).build(), 4);
    private final NDManager manager = lm.manager().newSubManager();

    @AfterEach
    void close() {
        lm.close();
    }

    /** Sets every logit to a random value in ±[0.01, 1], never 0, so the hard mask is defined. */
    private static void randomLogits(ContinuousSparsification cs, long seed) {
        Random random = new Random(seed);
        for (NDArray s : cs.logits().values()) {
            float[] values = new float[(int) s.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) ((random.nextBoolean() ? 1 : -1) * (0.01 + 0.99 * random.nextDouble()));
            }
            s.set(values);
        }
    }

    @Test
    void softMaskStartsAtOneHalfAndTendsToTheHardMaskAsTemperatureGrows() {
        String name = "blocks.0.mlp.W_in";
        try (ContinuousSparsification cs = ContinuousSparsification.install(lm)) {
            assertEquals(1.0, cs.temperature());
            float[] start = cs.softMask(name, manager).toFloatArray();
            for (float m : start) {
                assertEquals(0.5f, m);
            }
            randomLogits(cs, 1);
            float[] hard = new float[start.length];
            ParamMask mask = cs.hardMask();
            for (int i = 0; i < hard.length; i++) {
                hard[i] = mask.isKept(name, i) ? 1 : 0;
            }
            double previous = Double.POSITIVE_INFINITY;
            for (int step = 0; step < 4; step++) {
                float[] soft = cs.softMask(name, manager).toFloatArray();
                double gap = 0;
                for (int i = 0; i < soft.length; i++) {
                    gap = Math.max(gap, Math.abs(soft[i] - hard[i]));
                }
                assertTrue(gap < previous, "gap " + gap + " at T = " + cs.temperature());
                previous = gap;
                cs.anneal(10);
            }
            // T = 1000 and |s| ≥ 0.01: σ(±10) is within 5e-5 of {0, 1}
            assertTrue(previous < 5e-5, "gap at T = 1000: " + previous);
            // the model reads W ⊙ σ(T·s)
            NDArray w = lm.parameter(name);
            NDArray expected = w.mul(cs.softMask(name, manager));
            assertArrayEquals(expected.toFloatArray(), lm.effectiveWeight(name, manager).toFloatArray(), 1e-7f);
        }
    }

    @Test
    void decidedCountsFollowTheAuthorsThresholds() {
        try (ContinuousSparsification cs = ContinuousSparsification.install(lm)) {
            long[] counts = cs.keptAndUndecided();
            assertEquals(0, counts[0]);
            assertEquals(cs.size(), counts[1]);
            assertTrue(!cs.isDecided(0.01));
            for (NDArray s : cs.logits().values()) {
                s.set(new float[(int) s.size()]); // reset, then make one weight per matrix kept
            }
            NDArray first = cs.logits().values().iterator().next();
            float[] values = new float[(int) first.size()];
            values[0] = 3f;      // σ(3) = 0.95 > 0.9: kept
            values[1] = 2f;      // σ(2) = 0.88: undecided
            values[2] = -3f;     // removed
            first.set(values);
            counts = cs.keptAndUndecided();
            assertEquals(1, counts[0]);
            assertEquals(cs.size() - 2, counts[1]);
        }
    }

    @Test
    void withoutMaskAndCloseRestoreTheUnmaskedModel() {
        NDArray tokens = manager.create(new int[] {1, 2, 3, 4, 5}, new Shape(1, 5));
        float[] unmasked = lm.logits(tokens).toFloatArray();
        try (ContinuousSparsification cs = ContinuousSparsification.install(lm)) {
            float[] half = lm.logits(tokens).toFloatArray();
            assertTrue(Math.abs(half[3] - unmasked[3]) > 1e-6, "σ(0) = 0.5 halves every block weight");
            assertArrayEquals(unmasked, cs.withoutMask(() -> lm.logits(tokens).toFloatArray()), 0f);
            assertThrows(IllegalStateException.class, () -> ContinuousSparsification.install(lm));
        }
        assertArrayEquals(unmasked, lm.logits(tokens).toFloatArray(), 0f);
        assertTrue(lm.weightTransforms().isEmpty());
    }

    @Test
    void weightsThatAreExactlyZeroStartRemoved() {
        lm.parameter("blocks.0.attn.W_O").set(new ai.djl.ndarray.index.NDIndex("0"), 0f);
        try (ContinuousSparsification cs = ContinuousSparsification.install(lm)) {
            float[] s = cs.logits().get("blocks.0.attn.W_O").toFloatArray();
            int perHead = s.length / 2;
            for (int i = 0; i < s.length; i++) {
                assertEquals(i < perHead ? ContinuousSparsification.ZERO_WEIGHT_LOGIT : 0f, s[i]);
            }
        }
    }
}
