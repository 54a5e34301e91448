package org.repro4j.models.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.repro4j.models.transformer.TestModels.array;
import static org.repro4j.models.transformer.TestModels.maxAbsDiff;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.repro4j.engine.NativeThreads;
import org.repro4j.hooks.ActivationCache;
import org.repro4j.hooks.Hooks;

class LayerPlanTest {

    @BeforeAll
    static void oneNativeThread() {
        NativeThreads.applyDefault();
    }

    @Test
    void anAllLayersPlanIsThePlainForwardPassBitForBit() {
        try (TinyTransformerLM lm = TestModels.lm(11); NDManager m = lm.manager().newSubManager()) {
            NDArray tokens = array(m, TestModels.randomTokens(12, 2, 12));
            float[] plain = lm.logits(tokens).toFloatArray();
            float[] plainGrad = gradientOfW_in0(lm, tokens);
            lm.setLayerPlan(LayerPlan.all(4));
            assertArrayEquals(plain, lm.logits(tokens).toFloatArray());
            assertArrayEquals(plainGrad, gradientOfW_in0(lm, tokens));
            lm.setLayerPlan(LayerPlan.layers(4, 3, 1, 0, 2));
            assertArrayEquals(plain, lm.logits(tokens).toFloatArray());
            lm.clearLayerPlan();
            assertNull(lm.layerPlan());
        }
    }

    private static float[] gradientOfW_in0(TinyTransformerLM lm, NDArray tokens) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(lm.loss(tokens));
        }
        float[] gradient = lm.W_in(0).getGradient().toFloatArray();
        lm.getParameters().values().forEach(p -> p.getArray().getGradient().subi(p.getArray().getGradient()));
        return gradient;
    }

    @Test
    void aSkipPlanPassesTheResidualStreamThroughTheSkippedBlocks() {
        try (TinyTransformerLM lm = TestModels.lm(13); NDManager m = lm.manager().newSubManager()) {
            NDArray tokens = array(m, TestModels.randomTokens(14, 2, 9));
            NDArray[] entering = new NDArray[4];
            NDArray bypassed;
            try (Hooks hooks = Hooks.open()) {
                hooks.read((name, x) -> {
                    if (name.endsWith("hook_resid_pre")) {
                        entering[Integer.parseInt(name.split("\\.")[1])] = x;
                    }
                });
                hooks.add("blocks.1.hook_resid_post", x -> entering[1]);
                hooks.add("blocks.2.hook_resid_post", x -> entering[2]);
                bypassed = lm.logits(tokens);
            }
            lm.setLayerPlan(LayerPlan.skipping(4, 2, 1));
            NDArray skipped = lm.logits(tokens);
            assertEquals(0f, maxAbsDiff(bypassed, skipped), 1e-5f);
            assertTrue(maxAbsDiff(skipped, plainLogits(lm, tokens)) > 1e-2f, "skipping must change the output");
            assertEquals(List.of(0, 3), lm.layerPlan().layers());
        }
    }

    private static NDArray plainLogits(TinyTransformerLM lm, NDArray tokens) {
        LayerPlan plan = lm.layerPlan();
        lm.clearLayerPlan();
        NDArray logits = lm.logits(tokens);
        lm.setLayerPlan(plan);
        return logits;
    }

    @Test
    void earlyExitReadsTheResidualStreamAfterLayerKThroughTheSharedHead() {
        try (TinyTransformerLM lm = TestModels.lm(15); NDManager m = lm.manager().newSubManager()) {
            NDArray tokens = array(m, TestModels.randomTokens(16, 2, 10));
            NDArray afterLayer1;
            try (ActivationCache cache = ActivationCache.record(() -> lm.logits(tokens))) {
                afterLayer1 = cache.get("blocks.1.hook_resid_post").duplicate();
                afterLayer1.attach(m); // outlive the cache
            }
            NDArray expected = TransformerBlock.layerNorm(afterLayer1, lm.parameter("ln_final.w"),
                    lm.parameter("ln_final.b")).matMul(lm.W_U());
            lm.setLayerPlan(LayerPlan.earlyExit(4, 2));
            assertEquals(0f, maxAbsDiff(expected, lm.logits(tokens)), 1e-5f);
        }
    }

    /** Budgets 4, 4, 3, 3, 2, 2, 1, 1, …: the last tokens run only the top layer. */
    private static final LayerPlan SKIP_DECODE = LayerPlan.topLayersPerPosition(4, 4, 4, 3, 3, 2, 2, 1);

    @Test
    void underSkipDecodeATokenReadsOnlyKeysAndValuesThatWereComputed() {
        try (TinyTransformerLM lm = TestModels.lm(17); NDManager m = lm.manager().newSubManager()) {
            lm.setLayerPlan(SKIP_DECODE);
            int[][] rows = TestModels.randomTokens(18, 2, 12);
            NDArray full = lm.logits(array(m, rows));                                 // the plan's own forward
            List<String> reads = new ArrayList<>();
            try (KvCache cache = KvCache.create(lm, 2); Hooks hooks = Hooks.open()) {
                int[] position = {0};
                hooks.read((name, x) -> {
                    if (name.endsWith("attn.hook_attn_scores")) {
                        int layer = Integer.parseInt(name.split("\\.")[1]);
                        long keys = x.getShape().get(3);
                        // the newest query sits at position + queries − 1 and reads keys 0..that position
                        long newest = position[0] + x.getShape().get(2) - 1;
                        assertEquals(newest + 1, keys, "layer " + layer + " reads every earlier position");
                        assertEquals(keys, cache.length(layer), "layer " + layer + " read keys it never computed");
                        reads.add(layer + "@" + newest);
                    }
                });
                int[] chunks = {3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
                for (int chunk : chunks) {
                    int[][] part = new int[2][];
                    for (int r = 0; r < 2; r++) {
                        part[r] = java.util.Arrays.copyOfRange(rows[r], position[0], position[0] + chunk);
                    }
                    NDArray cached = lm.logits(array(m, part), cache);
                    NDArray expected = full.get(new NDIndex(":, {}:{}", position[0], position[0] + chunk));
                    assertEquals(0f, maxAbsDiff(cached, expected), 1e-5f, "positions from " + position[0]);
                    position[0] += chunk;
                }
                // layer l holds exactly the positions whose budget reaches it: 2, 4, 6 and all 12
                assertEquals(List.of(2, 4, 6, 12), List.of(cache.length(0), cache.length(1), cache.length(2),
                        cache.length(3)));
                assertTrue(reads.contains("3@11") && !reads.contains("0@2") && reads.contains("0@1"), reads::toString);
            }
            assertTrue(maxAbsDiff(full, plainLogits(lm, array(m, rows))) > 1e-2f);
        }
    }

    @Test
    void aLaterTokenThatWouldReadMissingKeysIsRefused() {
        try (TinyTransformerLM lm = TestModels.lm(19); NDManager m = lm.manager().newSubManager();
                KvCache cache = KvCache.create(lm, 1)) {
            lm.setLayerPlan(LayerPlan.topLayersPerPosition(4, 2));       // positions 0..2 run layers 2 and 3
            lm.logits(array(m, new int[][] {{1, 2, 3}}), cache);
            lm.setLayerPlan(LayerPlan.all(4));                             // position 3 would run layers 0 and 1
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> lm.logits(array(m, new int[][] {{4}}), cache));
            assertTrue(e.getMessage().contains("positions 0..2 were never computed"), e.getMessage());
        }
    }

    @Test
    void skipDecodeTrainsEveryLayerThroughThePositionsThatRunIt() {
        try (TinyTransformerLM lm = TestModels.lm(21); NDManager m = lm.manager().newSubManager()) {
            lm.setLayerPlan(SKIP_DECODE);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(lm.loss(array(m, TestModels.randomTokens(22, 2, 12))));
            }
            for (int l = 0; l < 4; l++) {
                assertTrue(lm.W_in(l).getGradient().abs().sum().getFloat() > 0f, "layer " + l);
            }
        }
    }

    @Test
    void plansThatCannotRunAreRejectedWithTheReason() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> LayerPlan.skipping(4, 0, 1, 2, 3));
        assertTrue(none.getMessage().contains("skips all 4 layers") && none.getMessage().contains("at least one"),
                none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LayerPlan.layers(4));
        assertThrows(IllegalArgumentException.class, () -> LayerPlan.layers(4, 4));
        assertThrows(IllegalArgumentException.class, () -> LayerPlan.skipping(4, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> LayerPlan.earlyExit(4, 0));
        IllegalArgumentException rising = assertThrows(IllegalArgumentException.class,
                () -> LayerPlan.topLayersPerPosition(4, 3, 2, 3));
        assertTrue(rising.getMessage().contains("must not increase"), rising.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LayerPlan.topLayersPerPosition(4, 5, 2));
        assertThrows(IllegalArgumentException.class, () -> LayerPlan.topLayersPerPosition(4, 2, 0));
        try (TinyTransformerLM lm = TestModels.lm(23)) {
            assertThrows(IllegalArgumentException.class, () -> lm.setLayerPlan(LayerPlan.all(3)));
        }
    }

    @Test
    void aLinearBudgetFallsFromFirstToLastAndCountsItsCompute() {
        LayerPlan plan = LayerPlan.linearBudget(8, 8, 2, 64);
        assertEquals(8, plan.layersAt(0));
        assertEquals(2, plan.layersAt(63));
        assertEquals(2, plan.layersAt(500));
        assertEquals(5.0, plan.meanLayers(64), 0.05);
        assertTrue(plan.runs(7, 63) && !plan.runs(5, 63) && plan.runs(0, 0));
        assertEquals(4.0, LayerPlan.skipping(8, 2, 3, 5, 6).meanLayers(10));
    }

    @Test
    void throughputIsMeasuredAgainstTheFullModelAndLeavesThePlanAsItWas() {
        try (TinyTransformerLM lm = TestModels.lm(25)) {
            LayerPlan own = LayerPlan.skipping(4, 1);
            lm.setLayerPlan(own);
            Throughput.SpeedUp s = Throughput.decoding(lm, LayerPlan.earlyExit(4, 1),
                    TestModels.randomTokens(26, 2, 2), 8, 3);
            assertTrue(s.baselineTokensPerSecond() > 0 && s.candidateTokensPerSecond() > 0, s::toString);
            assertEquals(s.candidateTokensPerSecond() / s.baselineTokensPerSecond(), s.ratio(), 1e-12);
            assertEquals(own, lm.layerPlan());
        }
    }
}
