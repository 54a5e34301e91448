package org.repro4j.models.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repro4j.hooks.ActivationCache;
import org.repro4j.hooks.Hooks;

class TinyTransformerLMTest {

    private static final int VOCAB = 13;

    /** Small enough to run in milliseconds, big enough to have several heads and layers. */
    private static TransformerConfig.Builder small() {
        return TransformerConfig.builder(VOCAB).context(8).dModel(16).nHeads(2).nLayers(2).dMlp(32);
    }

    private static NDArray tokens(NDManager manager, int[][] rows) {
        int[] flat = new int[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * rows[0].length, rows[0].length);
        }
        return manager.create(flat, new Shape(rows.length, rows[0].length));
    }

    private static float maxAbsDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    @Test
    void defaultConfigIsTheCore3BrownToyWith147456MaskableWeights() {
        TransformerConfig config = TransformerConfig.builder(1001).build();
        assertEquals(new TransformerConfig(1001, 32, 64, 4, 16, 3, 256, false, false), config);
        try (TinyTransformerLM lm = TinyTransformerLM.create(config, 0)) {
            long maskable = lm.maskableParameterNames().stream().mapToLong(n -> lm.parameter(n).size()).sum();
            assertEquals(147_456, maskable); // the Brown LM of notebook 11
            assertEquals(List.of("blocks.0.attn.W_Q", "blocks.0.attn.W_K", "blocks.0.attn.W_V", "blocks.0.attn.W_O",
                    "blocks.0.mlp.W_in", "blocks.0.mlp.W_out"), lm.maskableParameterNames().subList(0, 6));
        }
    }

    @Test
    void logitsHaveShapeBatchSeqVocabAndStartNearUniform() {
        try (TinyTransformerLM lm = TinyTransformerLM.create(small().build(), 1);
                NDManager m = lm.manager().newSubManager()) {
            NDArray t = tokens(m, new int[][] {{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}});
            assertEquals(new Shape(2, 5, VOCAB), lm.logits(t).getShape());
            // N(0, 0.02²) weights give almost flat predictions: loss ≈ ln(vocab)
            assertEquals(Math.log(VOCAB), lm.loss(t).getFloat(), 0.05);
            assertEquals(new Shape(2, 4), lm.surprisalBits(t).getShape());
            assertEquals(lm.loss(t).getFloat() / Math.log(2), lm.surprisalBits(t).mean().getFloat(), 1e-4);
        }
    }

    @Test
    void equalSeedsGiveEqualModelsAndOtherSeedsDiffer() {
        try (TinyTransformerLM a = TinyTransformerLM.create(small().build(), 7);
                TinyTransformerLM b = TinyTransformerLM.create(small().build(), 7);
                TinyTransformerLM c = TinyTransformerLM.create(small().build(), 8)) {
            for (String name : a.parameterNames()) {
                assertArrayEquals(a.parameter(name).toFloatArray(), b.parameter(name).toFloatArray(), name);
            }
            assertNotEquals(0f, maxAbsDiff(a.W_Q(1), c.W_Q(1)));
        }
    }

    @Test
    void causalMaskHidesFutureTokens() {
        try (TinyTransformerLM lm = TinyTransformerLM.create(small().build(), 2);
                NDManager m = lm.manager().newSubManager()) {
            NDArray before = lm.logits(tokens(m, new int[][] {{3, 1, 4, 1, 5, 9, 2, 6}}));
            NDArray after = lm.logits(tokens(m, new int[][] {{3, 1, 4, 1, 5, 12, 2, 6}}));
            NDIndex past = new NDIndex(":, 0:5");
            assertEquals(0f, maxAbsDiff(before.get(past), after.get(past)), 1e-6f);
            assertTrue(maxAbsDiff(before.get(":, 5:"), after.get(":, 5:")) > 1e-4f,
                    "the changed token must change its own and later logits");
        }
    }

    @Test
    void tiedEmbeddingsAreOneParameter() {
        try (TinyTransformerLM tied = TinyTransformerLM.create(small().tiedEmbeddings(true).build(), 3);
                TinyTransformerLM untied = TinyTransformerLM.create(small().build(), 3);
                NDManager m = tied.manager().newSubManager()) {
            assertFalse(tied.parameterNames().contains("unembed.W_U"));
            assertTrue(untied.parameterNames().contains("unembed.W_U"));
            long tiedCount = tied.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            long untiedCount = untied.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            assertEquals(16L * VOCAB, untiedCount - tiedCount);
            assertEquals(0f, maxAbsDiff(tied.W_U(), tied.W_E().transpose()));

            // token 12 never appears in the input: its embedding row gets gradient only through the unembedding
            NDArray t = tokens(m, new int[][] {{1, 2, 3, 4, 5, 6}});
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(tied.loss(t));
            }
            assertTrue(tied.W_E().getGradient().get(12).abs().sum().getFloat() > 0f);
        }
    }

    @Test
    void savedAndReloadedModelGivesIdenticalLogits(@TempDir Path dir) throws Exception {
        try (TinyTransformerLM lm = TinyTransformerLM.create(small().tiedEmbeddings(true).build(), 4)) {
            NDArray t = tokens(lm.manager(), new int[][] {{0, 5, 10, 12, 3}});
            float[] expected = lm.logits(t).toFloatArray();
            lm.save(dir);
            try (TinyTransformerLM reloaded = TinyTransformerLM.load(dir)) {
                assertEquals(lm.config(), reloaded.config());
                assertEquals(lm.parameterNames(), reloaded.parameterNames());
                NDArray t2 = tokens(reloaded.manager(), new int[][] {{0, 5, 10, 12, 3}});
                assertArrayEquals(expected, reloaded.logits(t2).toFloatArray());
                assertTrue(reloaded.W_E().hasGradient(), "a reloaded model can be trained further");
            }
            // saving lent the parameters to a DJL Model; the original must still work
            assertArrayEquals(expected, lm.logits(t).toFloatArray());
        }
    }

    @Test
    void attentionPatternRowsSumToOneAndAreZeroAboveTheDiagonal() {
        try (TinyTransformerLM lm = TinyTransformerLM.create(small().build(), 5);
                NDManager m = lm.manager().newSubManager()) {
            NDArray t = tokens(m, new int[][] {{1, 2, 3, 4, 5, 6}, {6, 5, 4, 3, 2, 1}});
            try (ActivationCache cache = ActivationCache.record(() -> lm.logits(t))) {
                for (int layer = 0; layer < 2; layer++) {
                    NDArray pattern = cache.get("blocks." + layer + ".attn.hook_pattern");
                    assertEquals(new Shape(2, 2, 6, 6), pattern.getShape());
                    NDArray rowSums = pattern.sum(new int[] {-1});
                    assertEquals(0f, maxAbsDiff(rowSums, rowSums.onesLike()), 1e-6f);
                    float[] p = pattern.toFloatArray();
                    for (int i = 0; i < p.length; i++) {
                        int query = (i / 6) % 6;
                        int key = i % 6;
                        if (key > query) {
                            assertEquals(0f, p[i], "future key " + key + " of query " + query);
                        } else {
                            assertTrue(p[i] > 0f);
                        }
                    }
                }
            }
        }
    }

    @Test
    void hookPointsHaveTheTransformerLensNamesAndShapes() {
        try (TinyTransformerLM lm = TinyTransformerLM.create(small().build(), 6);
                TinyTransformerLM attnOnly = TinyTransformerLM.create(small().attentionOnly(true).build(), 6);
                NDManager m = lm.manager().newSubManager()) {
            List<String> expected = new ArrayList<>(List.of("hook_embed", "hook_pos_embed"));
            List<String> expectedAttnOnly = new ArrayList<>(expected);
            for (int l = 0; l < 2; l++) {
                String p = "blocks." + l + ".";
                List<String> attention = List.of(p + "hook_resid_pre", p + "ln1.hook_normalized", p + "attn.hook_q",
                        p + "attn.hook_k", p + "attn.hook_v", p + "attn.hook_attn_scores", p + "attn.hook_pattern",
                        p + "attn.hook_z", p + "attn.hook_result", p + "hook_attn_out");
                expected.addAll(attention);
                expected.addAll(List.of(p + "hook_resid_mid", p + "ln2.hook_normalized", p + "mlp.hook_pre",
                        p + "mlp.hook_post", p + "hook_mlp_out", p + "hook_resid_post"));
                expectedAttnOnly.addAll(attention);
                expectedAttnOnly.add(p + "hook_resid_post");
            }
            expected.add("ln_final.hook_normalized");
            expectedAttnOnly.add("ln_final.hook_normalized");
            assertEquals(expected, lm.hookNames());
            assertEquals(expectedAttnOnly, attnOnly.hookNames());

            NDArray t = tokens(m, new int[][] {{1, 2, 3}, {4, 5, 6}});
            try (ActivationCache cache = ActivationCache.record(() -> lm.logits(t))) {
                assertEquals(expected, cache.names(), "every hook point runs, in the documented order");
                assertEquals(new Shape(2, 3, 16), cache.get("blocks.1.hook_resid_post").getShape());
                assertEquals(new Shape(2, 3, 2, 8), cache.get("blocks.0.attn.hook_q").getShape());
                assertEquals(new Shape(2, 3, 2, 8), cache.get("blocks.0.attn.hook_z").getShape());
                assertEquals(new Shape(2, 2, 3, 3), cache.get("blocks.0.attn.hook_attn_scores").getShape());
                assertEquals(new Shape(2, 3, 2, 16), cache.get("blocks.0.attn.hook_result").getShape());
                assertEquals(new Shape(2, 3, 32), cache.get("blocks.1.mlp.hook_post").getShape());
                for (String name : expected) {
                    assertEquals(lm.hookShape(name, 2, 3), cache.get(name).getShape(), name);
                }
                // the residual stream adds up: resid_post = resid_mid + mlp_out, attn_out = Σ_heads result + b_O
                NDArray mid = cache.get("blocks.0.hook_resid_mid");
                assertEquals(0f, maxAbsDiff(cache.get("blocks.0.hook_resid_post"),
                        mid.add(cache.get("blocks.0.hook_mlp_out"))), 1e-6f);
                assertEquals(0f, maxAbsDiff(cache.get("blocks.0.hook_attn_out"),
                        cache.get("blocks.0.attn.hook_result").sum(new int[] {2}).add(lm.b_O(0))), 1e-6f);
                assertEquals(0f, maxAbsDiff(cache.get("blocks.1.hook_resid_pre"),
                        cache.get("blocks.0.hook_resid_post")));
            }
        }
    }

    @Test
    void zeroingOneHeadsResultThroughHooksEqualsZeroingItsOutputWeights() {
        try (TinyTransformerLM lm = TinyTransformerLM.create(small().build(), 8);
                NDManager m = lm.manager().newSubManager()) {
            NDArray t = tokens(m, new int[][] {{1, 2, 3, 4, 5, 6, 7}});
            int head = 1;
            NDArray keepOtherHeads = m.ones(new Shape(2, 1, 1)); // [n_heads, 1, 1] against W_O [n_heads, d_head, d]
            keepOtherHeads.set(new NDIndex(head), 0f);
            NDArray viaHook;
            try (Hooks hooks = Hooks.open().add("blocks.0.attn.hook_result",
                    r -> r.mul(keepOtherHeads.reshape(1, 1, 2, 1)))) {
                viaHook = lm.logits(t);
            }
            lm.setWeightTransform("blocks.0.attn.W_O", w -> w.mul(keepOtherHeads));
            NDArray viaWeights = lm.logits(t);
            lm.clearWeightTransforms();
            NDArray unedited = lm.logits(t);
            assertEquals(0f, maxAbsDiff(viaHook, viaWeights), 1e-5f);
            assertTrue(maxAbsDiff(viaHook, unedited) > 1e-4f, "removing a head must change the output");
        }
    }

    @Test
    void weightTransformsAreAppliedInsideTheForwardPass() {
        try (TinyTransformerLM lm = TinyTransformerLM.create(small().build(), 9);
                NDManager m = lm.manager().newSubManager()) {
            NDArray t = tokens(m, new int[][] {{4, 8, 12, 3, 7}});
            NDArray raw = lm.logits(t);
            lm.maskableParameterNames().forEach(n -> lm.setWeightTransform(n, w -> w.mul(1f)));
            assertArrayEquals(raw.toFloatArray(), lm.logits(t).toFloatArray());
            lm.clearWeightTransforms();

            List<String> mlpWeights = lm.maskableParameterNames().stream().filter(n -> n.contains(".mlp.")).toList();
            assertEquals(4, mlpWeights.size());
            mlpWeights.forEach(n -> lm.setWeightTransform(n, NDArray::zerosLike));
            NDArray noMlp = lm.logits(t);
            assertTrue(maxAbsDiff(raw, noMlp) > 1e-4f);
            assertEquals(0f, lm.effectiveWeight("blocks.1.mlp.W_in", m).abs().sum().getFloat());
            lm.clearWeightTransforms();

            // gradients reach the arrays a transform uses (a soft mask's logits, say)
            NDArray maskLogits = m.zeros(lm.W_in(0).getShape());
            maskLogits.setRequiresGradient(true);
            lm.setWeightTransform("blocks.0.mlp.W_in", w -> w.mul(Activation.sigmoid(maskLogits)));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(lm.loss(t));
            }
            assertTrue(maskLogits.getGradient().abs().sum().getFloat() > 0f);
            lm.clearWeightTransforms();
            assertThrows(IllegalStateException.class, () -> {
                lm.setWeightTransform("blocks.0.attn.W_Q", w -> w.get(0));
                lm.logits(t);
            });
            lm.clearWeightTransforms();
            assertThrows(java.util.NoSuchElementException.class, () -> lm.setWeightTransform("blocks.9.mlp.W_in",
                    w -> w));
        }
    }

    @Test
    void badTokensAreRejectedWithAClearMessage() {
        try (TinyTransformerLM lm = TinyTransformerLM.create(small().build(), 10);
                NDManager m = lm.manager().newSubManager()) {
            IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                    () -> lm.logits(tokens(m, new int[][] {{1, 2, VOCAB}})));
            assertTrue(range.getMessage().contains("[0, 13)") && range.getMessage().contains("to 13"),
                    range.getMessage());
            assertThrows(IllegalArgumentException.class, () -> lm.logits(tokens(m, new int[][] {{-1, 2}})));
            IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                    () -> lm.logits(tokens(m, new int[][] {{1, 2, 3, 4, 5, 6, 7, 8, 9}})));
            assertTrue(tooLong.getMessage().contains("context is 8"), tooLong.getMessage());
            assertThrows(IllegalArgumentException.class, () -> lm.logits(m.create(new float[] {1, 2}, new Shape(1, 2))));
            assertThrows(IllegalArgumentException.class, () -> lm.logits(m.create(new int[] {1, 2})));
            IllegalArgumentException target = assertThrows(IllegalArgumentException.class, () -> lm.loss(
                    tokens(m, new int[][] {{1, 2}}), tokens(m, new int[][] {{2, VOCAB + 1}})));
            assertTrue(target.getMessage().contains("target ids must be in [0, 13)"), target.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Decoding.greedy(lm, new int[0], 3));
            assertThrows(IllegalArgumentException.class, () -> Decoding.sample(lm, new int[] {1}, 3, -1, 0));
        }
    }

    /** Period-5 cycle 2 → 7 → 1 → 11 → 4 → 2 …: every next token is determined by the current one. */
    private static final int[] CYCLE = {2, 7, 1, 11, 4};

    @Test
    void learnsADeterministicSequenceAndGeneratesIt() {
        TransformerConfig config = small().nLayers(1).build();
        try (TinyTransformerLM lm = TinyTransformerLM.create(config, 11)) {
            AdamSteps adam = new AdamSteps(lm, 3e-2f);
            java.util.Random rng = new java.util.Random(12);
            float first = Float.NaN;
            float last = Float.NaN;
            int arraysAfterFirstStep = 0;
            for (int step = 0; step < 40; step++) {
                int[][] rows = new int[8][config.context() + 1];
                for (int[] row : rows) {
                    int offset = rng.nextInt(CYCLE.length);
                    for (int i = 0; i < row.length; i++) {
                        row[i] = CYCLE[(offset + i) % CYCLE.length];
                    }
                }
                try (NDManager m = lm.manager().newSubManager()) {
                    last = adam.step(tokens(m, rows));
                }
                if (step == 0) {
                    first = last;
                    arraysAfterFirstStep = lm.manager().getManagedArrays().size();
                }
            }
            assertEquals(arraysAfterFirstStep, lm.manager().getManagedArrays().size(),
                    "a training step must leave no arrays behind in the model's manager");
            assertEquals(Math.log(VOCAB), first, 0.1);
            assertTrue(last < 0.05 * Math.log(VOCAB), "loss after training " + last);
            // beyond the context the model reads a sliding window, so generation goes on for 20 tokens
            int[] generated = Decoding.greedy(lm, new int[] {11}, 20);
            for (int i = 0; i < generated.length; i++) {
                assertEquals(CYCLE[(3 + i) % CYCLE.length], generated[i], "token " + i);
            }
            int[] sampled = Decoding.sample(lm, new int[] {11}, 10, 1.0, 99);
            assertArrayEquals(sampled, Decoding.sample(lm, new int[] {11}, 10, 1.0, 99), "a seed fixes the samples");
        }
    }
}
