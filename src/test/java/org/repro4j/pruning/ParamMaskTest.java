package org.repro4j.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;
import tech.tablesaw.api.Table;

class ParamMaskTest {

    private static final int VOCAB = 11;
    private final TinyTransformerLM lm = TinyTransformerLM.create(
            TransformerConfig.builder(VOCAB).context(6).dModel(8).nHeads(2).nLayers(2).dMlp(16).build(), 3);
    private final NDManager manager = lm.manager().newSubManager();

    @AfterEach
    void close() {
        lm.close();
    }

    private NDArray tokens() {
        return manager.create(new int[] {1, 4, 2, 9, 0, 3, 7, 7, 5, 10, 2, 6}, new Shape(2, 6));
    }

    /** A mask keeping each weight with probability {@code p}, drawn with {@code seed}. */
    private ParamMask random(double p, long seed) {
        Random random = new Random(seed);
        Map<String, NDArray> scores = new LinkedHashMap<>();
        for (String name : lm.maskableParameterNames()) {
            Shape shape = lm.parameter(name).getShape();
            float[] values = new float[(int) shape.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextDouble() < p ? 1 : 0;
            }
            scores.put(name, manager.create(values, shape));
        }
        return ParamMask.above(scores, 0.5);
    }

    @Test
    void allOnesMaskReproducesTheFrozenModelExactly() {
        float[] before = lm.logits(tokens()).toFloatArray();
        assertArrayEquals(before, ParamMask.ones(lm).runWith(lm, () -> lm.logits(tokens()).toFloatArray()), 0f);
        assertTrue(lm.weightTransforms().isEmpty(), "runWith restores the model");
        assertArrayEquals(before, lm.logits(tokens()).toFloatArray(), 0f);
    }

    @Test
    void allZerosMaskLeavesOnlyTheEmbeddingPath() {
        float[] original = lm.logits(tokens()).toFloatArray();
        float[] masked;
        try (ParamMask.Applied applied = ParamMask.zeros(lm).applyTo(lm)) {
            masked = lm.logits(tokens()).toFloatArray();
        }
        for (String name : lm.maskableParameterNames()) {
            lm.parameter(name).muli(0);
        }
        float[] zeroWeights = lm.logits(tokens()).toFloatArray();
        assertArrayEquals(zeroWeights, masked, 1e-6f);
        assertTrue(Math.abs(original[0] - masked[0]) > 1e-6 || Math.abs(original[5] - masked[5]) > 1e-6,
                "the blocks' weights mattered before masking");
        // with every block matrix zero, position t's logits depend on token t and its position only
        float[] again = lm.logits(manager.create(new int[] {1, 4, 2, 3, 3, 3, 7, 7, 5, 10, 2, 6}, new Shape(2, 6)))
                .toFloatArray();
        assertArrayEquals(java.util.Arrays.copyOf(zeroWeights, 3 * VOCAB), java.util.Arrays.copyOf(again, 3 * VOCAB),
                1e-6f);
    }

    @Test
    void complementAndShuffleKeepTheCountsTheyShould() {
        ParamMask mask = random(0.3, 1);
        ParamMask complement = mask.complement();
        assertEquals(mask.size(), mask.kept() + complement.kept());
        assertEquals(0, mask.overlap(complement));
        ParamMask shuffled = mask.shuffled(7);
        for (String name : mask.names()) {
            assertEquals(mask.keptFraction(name), shuffled.keptFraction(name), 0.0, name);
        }
        assertNotEquals(mask.kept(), mask.overlap(shuffled), "a shuffle moves kept weights");
        assertEquals(mask.overlap(shuffled), shuffled.overlap(mask));
    }

    @Test
    void pruneZeroesTheRemovedWeightsFromAThreadWithGradModeOn() throws Exception {
        // PyTorch's grad mode is thread-local and on by default on threads other than the engine's first, as on a
        // notebook kernel's cell thread: an in-place product on a weight that requires gradients fails there
        ParamMask mask = random(0.5, 4);
        String name = "blocks.0.mlp.W_in";
        float[] before = lm.parameter(name).toFloatArray();
        Throwable[] failure = new Throwable[1];
        Thread cell = new Thread(() -> {
            try {
                mask.prune(lm).close();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        cell.start();
        cell.join();
        assertEquals(null, failure[0], "prune failed on another thread");
        float[] after = lm.parameter(name).toFloatArray();
        for (int i = 0; i < after.length; i++) {
            if (mask.isKept(name, i)) {
                assertEquals(before[i], after[i], 0f, "kept weight " + i);
            } else {
                assertEquals(0, Float.floatToRawIntBits(after[i]), "removed weight " + i + " is +0, not " + after[i]);
            }
        }
    }

    @Test
    void keptPerOutputCountsTheRowsOfTheOutInView() {
        // W_in [d=8, d_mlp=16] stores outputs on axis 1; removing neuron 3 and input 5 leaves 7 per row, 0 in row 3
        ParamMask mlp = ParamMask.ones(lm).withSlicesRemoved("blocks.0.mlp.W_in", 1, 3)
                .withSlicesRemoved("blocks.0.mlp.W_in", 0, 5);
        int[] expected = new int[16];
        Arrays.fill(expected, 7);
        expected[3] = 0;
        assertArrayEquals(expected, mlp.keptPerOutput(lm, "blocks.0.mlp.W_in"));
        // W_Q [H=2, d=8, e=4] has rows h·e + k: removing head 1 empties rows 4..7
        ParamMask head = ParamMask.ones(lm).withSlicesRemoved("blocks.1.attn.W_Q", 0, 1);
        assertArrayEquals(new int[] {8, 8, 8, 8, 0, 0, 0, 0}, head.keptPerOutput(lm, "blocks.1.attn.W_Q"));
    }

    @Test
    void withMatricesFromTakesTheNamedMatricesAndLeavesTheRest() {
        ParamMask mask = random(0.5, 2);
        ParamMask mixed = mask.withMatricesFrom(ParamMask.zeros(lm), name -> name.contains("mlp"));
        for (String name : mask.names()) {
            long expected = name.contains("mlp") ? 0 : mask.kept(name);
            assertEquals(expected, mixed.kept(name), name);
        }
        assertEquals(mask.kept(), mask.overlap(mixed) + mask.kept("blocks.0.mlp.W_in") + mask.kept("blocks.0.mlp.W_out")
                + mask.kept("blocks.1.mlp.W_in") + mask.kept("blocks.1.mlp.W_out"), "the rest is unchanged");
        ParamMask partial = ParamMask.ones(lm, List.of("blocks.0.mlp.W_in"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mask.withMatricesFrom(partial, name -> true));
        assertTrue(e.getMessage().contains("different matrices"), e.getMessage());
    }

    @Test
    void keptFractionsPerBlockAndPerHeadCountTheRightWeights() {
        Map<String, NDArray> scores = new LinkedHashMap<>();
        for (String name : lm.maskableParameterNames()) {
            scores.put(name, manager.zeros(lm.parameter(name).getShape()));
        }
        // keep all of head 1's W_K in layer 1 and half of layer 0's W_in
        scores.put("blocks.1.attn.W_K", manager.create(new float[] {0, 1}).reshape(2, 1, 1).broadcast(2, 8, 4));
        NDArray win = manager.zeros(new Shape(8, 16));
        win.set(new ai.djl.ndarray.index.NDIndex("0:4"), 1f);
        scores.put("blocks.0.mlp.W_in", win);
        ParamMask mask = ParamMask.above(scores, 0.5);
        double[][] blocks = mask.keptFractionByBlock();
        assertEquals(2, blocks.length);
        assertEquals(0.5, blocks[0][ParamMask.BLOCK_KINDS.indexOf("mlp-in")], 0);
        assertEquals(0.5, blocks[1][ParamMask.BLOCK_KINDS.indexOf("k")], 0);
        assertEquals(0.0, blocks[1][ParamMask.BLOCK_KINDS.indexOf("q")], 0);
        Table heads = mask.keptFractionByHead();
        assertEquals(4, heads.rowCount());
        assertArrayEquals(new double[] {0, 0, 0, 1}, heads.doubleColumn("k").asDoubleArray(), 0);
        assertEquals((32.0 + 64) / mask.size(), mask.keptFraction(), 1e-12);
    }

    @Test
    void overlapNullFindsAPlantedOverlapAndNotAnIndependentOne() {
        ParamMask a = random(0.2, 1);
        ParamMask independent = random(0.2, 2);
        ParamMask.Overlap chance = ParamMask.overlapTest(a, independent, 1000, 5);
        // the null's mean matches the analytic chance overlap Σ k_A k_B / n / N
        double nullMean = java.util.Arrays.stream(chance.nullOv()).average().orElseThrow();
        assertEquals(chance.chanceOv(), nullMean, 0.02 * chance.chanceOv());
        assertTrue(chance.pValue() > 0.01, "independent masks: p = " + chance.pValue());
        assertEquals(a.jaccard(independent), chance.jaccard(), 0);

        // every other weight of a: half of a, where chance would put a fifth
        Map<String, NDArray> planted = new LinkedHashMap<>();
        for (String name : a.names()) {
            float[] values = new float[(int) a.shape(name).size()];
            for (int i = 0; i < values.length; i += 2) {
                values[i] = a.isKept(name, i) ? 1 : 0;
            }
            planted.put(name, manager.create(values, a.shape(name)));
        }
        ParamMask overlapping = ParamMask.above(planted, 0.5);
        ParamMask.Overlap found = ParamMask.overlapTest(a, overlapping, 1000, 5);
        assertTrue(found.ov() > 4 * found.chanceOv(), found.ov() + " vs chance " + found.chanceOv());
        assertEquals(1.0 / 1001, found.pValue(), 1e-12);
        assertEquals((double) found.both() / a.kept(), found.shareOfFirstInSecond(), 1e-12);

        ParamMask.Overlap disjoint = ParamMask.overlapTest(a, a.complement(), 200, 5);
        assertEquals(0, disjoint.both());
        assertEquals(1.0, disjoint.pValue(), 0);
    }

    @Test
    void droppingDeadWeightsKeepsTheMaskedModelsOutput() {
        Random random = new Random(9);
        for (String name : lm.parameterNames()) {
            if (name.contains(".b_")) { // non-zero biases, so constant keys and silent units still reach the output
                NDArray b = lm.parameter(name);
                float[] values = new float[(int) b.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) random.nextGaussian();
                }
                b.set(values);
            }
        }
        Map<String, NDArray> scores = new LinkedHashMap<>();
        for (String name : lm.maskableParameterNames()) {
            float[] values = new float[(int) lm.parameter(name).size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextDouble() < 0.5 ? 1 : 0;
            }
            scores.put(name, manager.create(values, lm.parameter(name).getShape()));
        }
        // layer 0: head 1 has no keys (its queries are dead), head 0 writes nothing (its Q, K, V are dead);
        // layer 1: MLP units 0..7 write nothing (their W_in columns are dead)
        scores.get("blocks.0.attn.W_K").set(new ai.djl.ndarray.index.NDIndex("1"), 0f);
        scores.get("blocks.0.attn.W_O").set(new ai.djl.ndarray.index.NDIndex("0"), 0f);
        scores.get("blocks.1.mlp.W_out").set(new ai.djl.ndarray.index.NDIndex("0:8"), 0f);
        ParamMask mask = ParamMask.above(scores, 0.5);
        ParamMask live = mask.withoutDeadWeights();

        assertArrayEquals(mask.runWith(lm, () -> lm.logits(tokens()).toFloatArray()),
                live.runWith(lm, () -> lm.logits(tokens()).toFloatArray()), 1e-5f);
        Table heads = live.keptFractionByHead();
        assertEquals(0.0, heads.doubleColumn("q").getDouble(0));
        assertEquals(0.0, heads.doubleColumn("k").getDouble(0));
        assertEquals(0.0, heads.doubleColumn("v").getDouble(0));
        assertEquals(0.0, heads.doubleColumn("q").getDouble(1));
        assertTrue(heads.doubleColumn("k").getDouble(1 + 2) > 0, "other layers are untouched");
        long deadInputs = 0;
        for (int r = 0; r < 8; r++) {
            for (int j = 0; j < 8; j++) {
                deadInputs += mask.isKept("blocks.1.mlp.W_in", r * 16 + j) ? 1 : 0;
                assertTrue(!live.isKept("blocks.1.mlp.W_in", r * 16 + j));
            }
        }
        long deadHeads = Math.round(mask.keptFraction("blocks.0.attn.W_Q") * 64) + Math.round(
                (mask.keptFraction("blocks.0.attn.W_K") + mask.keptFraction("blocks.0.attn.W_V")) * 64)
                - Math.round(live.keptFraction("blocks.0.attn.W_K") * 64) - Math.round(live.keptFraction("blocks.0.attn.W_V") * 64);
        assertEquals(mask.kept() - deadInputs - deadHeads, live.kept());
        assertEquals(live.kept(), live.withoutDeadWeights().kept(), "nothing is left to drop");
    }

    @Test
    void masksForAnotherModelAreRejected() {
        try (TinyTransformerLM other = TinyTransformerLM.create(
                TransformerConfig.builder(VOCAB).context(6).dModel(12).nHeads(2).nLayers(2).dMlp(16).build(), 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ParamMask.ones(other).applyTo(lm));
            assertTrue(e.getMessage().contains("another model"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ParamMask.ones(other).overlap(ParamMask.ones(lm)));
        }
    }
}
