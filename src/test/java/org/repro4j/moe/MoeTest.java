package org.repro4j.moe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.repro4j.engine.NativeThreads;
import org.repro4j.hooks.ActivationCache;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;

class MoeTest {

    private static final int VOCAB = 17;
    private static final TransformerConfig CONFIG =
            TransformerConfig.builder(VOCAB).context(10).dModel(16).nHeads(2).nLayers(2).dMlp(32).build();

    @BeforeAll
    static void oneNativeThread() {
        NativeThreads.applyDefault();
    }

    /** Weights ×12 so the MLPs matter. */
    private static TinyTransformerLM dense(long seed) {
        TinyTransformerLM lm = TinyTransformerLM.create(CONFIG, seed);
        lm.parameterNames().stream().filter(n -> n.contains("W_")).forEach(n -> lm.parameter(n).muli(12f));
        return lm;
    }

    private static NDArray tokens(NDManager m, long seed, int batch, int seq) {
        Random rng = new Random(seed);
        int[] ids = new int[batch * seq];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rng.nextInt(VOCAB);
        }
        return m.create(ids, new Shape(batch, seq));
    }

    private static float maxAbsDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    private static MoeTransformerLM converted(TinyTransformerLM lm, int[] partition, int topK, MoeFfn.Gating g) {
        List<MoeFfn> layers = new ArrayList<>();
        for (int l = 0; l < 2; l++) {
            layers.add(DenseToMoe.toExperts(lm, l, partition, topK, g, true, l));
        }
        return MoeTransformerLM.of(lm, layers, null);
    }

    @Test
    void topKRoutingWithOneExpertHoldingEveryNeuronIsTheDenseFfn() {
        try (TinyTransformerLM lm = dense(1); NDManager m = lm.manager().newSubManager()) {
            NDArray x = tokens(m, 2, 3, 10);
            float[] expected = lm.logits(x).toFloatArray();
            for (MoeFfn.Gating gating : MoeFfn.Gating.values()) {
                try (MoeTransformerLM moe = converted(lm, new int[32], 1, gating)) {
                    assertArrayEquals(expected, moe.logits(x).toFloatArray(), 1e-6f, gating.name());
                }
            }
            assertArrayEquals(expected, lm.logits(x).toFloatArray(), "the dense model computes densely again");
        }
    }

    @Test
    void expertsThatPartitionTheFfnSumToItWhenKCoversEveryNeuron() {
        try (TinyTransformerLM lm = dense(3); NDManager m = lm.manager().newSubManager()) {
            NDArray calibration = tokens(m, 4, 8, 10);
            int[] partition = DenseToMoe.clusterNeurons(DenseToMoe.neuronActivations(lm, 0, calibration), 4, 5);
            int[] sizes = new int[4];
            for (int e : partition) {
                sizes[e]++;
            }
            assertArrayEquals(new int[] {8, 8, 8, 8}, sizes, "equal-width experts");
            NDArray x = tokens(m, 6, 2, 10);
            try (MoeTransformerLM all = converted(lm, partition, 4, MoeFfn.Gating.UNIT);
                    MoeTransformerLM two = converted(lm, partition, 2, MoeFfn.Gating.UNIT)) {
                assertEquals(0f, maxAbsDiff(lm.logits(x), all.logits(x)), 1e-5f);
                assertTrue(maxAbsDiff(lm.logits(x), two.logits(x)) > 1e-3f, "top-2 of 4 drops neurons");
            }
        }
    }

    @Test
    void topKLargerThanTheNumberOfExpertsIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MoeFfn.create("blocks.0.mlp.", 16, 4, 8, 5, MoeFfn.Gating.SOFTMAX_TOP_K, 2, 0));
        assertTrue(e.getMessage().contains("k = 5") && e.getMessage().contains("has 4 experts")
                && e.getMessage().contains("1 ≤ k ≤ 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> MoeFfn.create("blocks.0.mlp.", 16, 4, 8, 0, MoeFfn.Gating.SWITCH, 2, 0));
    }

    @Test
    void gatesSelectKExpertsPerTokenAndTheLoadBalancingLossIsSwitchs() {
        for (MoeFfn.Gating gating : MoeFfn.Gating.values()) {
            try (MoeFfn moe = MoeFfn.create("blocks.0.mlp.", 16, 6, 8, 2, gating, 2, 7);
                    NDManager m = moe.manager().newSubManager()) {
                moe.routerWeight().muli(50f);
                NDArray x = m.randomNormal(new Shape(3, 5, 16));
                NDArray logits;
                NDArray gates;
                try (ActivationCache cache = ActivationCache.record(
                        () -> moe.forward(new ParameterStore(m, false), new NDList(x), false))) {
                    logits = cache.get("blocks.0.mlp.hook_router_logits").duplicate();
                    gates = cache.get("blocks.0.mlp.hook_gates").duplicate();
                    logits.attach(m);
                    gates.attach(m);
                }
                float[] g = gates.toFloatArray();
                float[] p = logits.softmax(-1).toFloatArray();
                double[] fraction = new double[6];
                double[] meanProb = new double[6];
                for (int t = 0; t < 15; t++) {
                    int selected = 0;
                    double sum = 0;
                    for (int e = 0; e < 6; e++) {
                        float gate = g[t * 6 + e];
                        selected += gate > 0 ? 1 : 0;
                        sum += gate;
                        fraction[e] += gate > 0 ? 1.0 / (15 * 2) : 0;
                        meanProb[e] += p[t * 6 + e] / 15;
                        if (gating == MoeFfn.Gating.SWITCH && gate > 0) {
                            assertEquals(p[t * 6 + e], gate, 1e-6);
                        }
                    }
                    assertEquals(2, selected, gating + " token " + t);
                    if (gating == MoeFfn.Gating.SOFTMAX_TOP_K) {
                        assertEquals(1, sum, 1e-5);
                    }
                }
                double expected = 0;
                for (int e = 0; e < 6; e++) {
                    expected += 6 * fraction[e] * meanProb[e];
                }
                assertEquals(expected, moe.lastLoadBalancingLoss().getFloat(), 1e-5, gating.name());
            }
        }
    }

    @Test
    void anMoeLanguageModelTrainsWithTheLoadBalancingLossAdded() {
        try (MoeTransformerLM moe = MoeTransformerLM.create(CONFIG, 4, 1, MoeFfn.Gating.SWITCH, 9);
                NDManager m = moe.lm().manager().newSubManager()) {
            NDArray x = tokens(m, 10, 16, 9);
            NDArray inputs = x.get(":, :-1");
            NDArray targets = x.get(":, 1:");
            float before = moe.loss(x).getFloat();
            org.repro4j.train.Fit.of(moe).data(inputs, targets, 8).loss(moe.lossWithLoadBalancing(0.01))
                    .optimizer(org.repro4j.train.Optimizer.adam(1e-2)).steps(20).seed(1).quiet().run();
            float after = moe.loss(x).getFloat();
            assertTrue(after < before - 0.2, "loss " + before + " → " + after);
            float balance = moe.lastLoadBalancingLoss().getFloat();
            assertTrue(balance > 0 && balance < 4, "E·Σ f·P lies in (0, E], got " + balance);
            assertTrue(!moe.lm().getParameters().get("blocks.0.mlp.W_in").requiresGradient(), "unused, frozen");
        }
    }

    @Test
    void aPreGatingRouterRoutesEveryLayerFromTheTokenAndTrainsAlone() {
        try (TinyTransformerLM lm = dense(11); NDManager m = lm.manager().newSubManager()) {
            int[] partition = new int[32];
            for (int i = 0; i < 32; i++) {
                partition[i] = i % 4;
            }
            List<MoeFfn> layers = new ArrayList<>();
            for (int l = 0; l < 2; l++) {
                layers.add(DenseToMoe.toExperts(lm, l, partition, 2, MoeFfn.Gating.SOFTMAX_TOP_K, false, 0));
            }
            PreGatingRouter router = PreGatingRouter.create(lm, 4, 24, 12);
            try (MoeTransformerLM moe = MoeTransformerLM.of(lm, layers, router)) {
                NDArray x = tokens(m, 13, 2, 6);
                assertEquals(new Shape(2, 6, 2, 4), router.logits(x).getShape());
                moe.getParameters().forEach(p -> p.getValue().freeze(!p.getKey().contains("router")));
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = moe.forward(new ParameterStore(m, false), new NDList(x), true)
                            .singletonOrThrow();
                    collector.backward(new org.repro4j.loss.CrossEntropy().apply(logits, x));
                }
                assertTrue(router.getParameters().get("W_1").getArray().getGradient().abs().sum().getFloat() > 0);
            }
            // a layer without a router of its own cannot run without a pre-gating router
            List<MoeFfn> unrouted = new ArrayList<>(Collections.nCopies(2, null));
            unrouted.set(0, DenseToMoe.toExperts(lm, 0, partition, 1, MoeFfn.Gating.UNIT, false, 0));
            assertThrows(IllegalArgumentException.class, () -> MoeTransformerLM.of(lm, unrouted, null));
            unrouted.get(0).close();
        }
    }

    @Test
    void theOracleAgreesWithItselfAndTheAgreementCountsSharedExperts() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {5, 1, 0, 0, 2, 0, 0, 3}, new Shape(2, 4));
            NDArray oracle = DenseToMoe.oracleScores(a, new int[] {0, 0, 1, 1}, 2);
            assertArrayEquals(new float[] {6, 0, 2, 3}, oracle.toFloatArray());
            assertEquals(1.0, DenseToMoe.topKAgreement(oracle, oracle, 1));
            NDArray router = m.create(new float[] {0, 1, 0, 1}, new Shape(2, 2));
            assertEquals(0.5, DenseToMoe.topKAgreement(router, oracle, 1));
        }
    }

    @Test
    void frequencyPruningKeepsTheMostRoutedExperts() {
        try (MoeFfn moe = MoeFfn.create("blocks.0.mlp.", 16, 5, 4, 2, MoeFfn.Gating.SWITCH, 2, 3);
                MoeFfn kept = ExpertReduction.keepMostFrequent(moe, new long[] {5, 40, 3, 40, 10}, 3)) {
            assertEquals(3, kept.experts());
            assertEquals(2, kept.topK());
            assertArrayEquals(moe.expert(1).wIn().toFloatArray(), kept.expert(0).wIn().toFloatArray());
            assertArrayEquals(moe.expert(3).wIn().toFloatArray(), kept.expert(1).wIn().toFloatArray());
            assertArrayEquals(moe.expert(4).wIn().toFloatArray(), kept.expert(2).wIn().toFloatArray());
            try (MoeFfn one = ExpertReduction.keepMostFrequent(moe, new long[] {5, 40, 3, 40, 10}, 1)) {
                assertEquals(1, one.topK(), "top-k is capped at the experts left");
            }
            assertThrows(IllegalArgumentException.class,
                    () -> ExpertReduction.keepMostFrequent(moe, new long[] {1, 2, 3, 4, 5}, 6));
        }
    }

    @Test
    void uncurlMergesExpertsThatTheRouterTreatsAlikeAfterAligningTheirNeurons() {
        try (MoeFfn base = MoeFfn.create("blocks.0.mlp.", 16, 2, 6, 1, MoeFfn.Gating.SWITCH, 2, 21);
                NDManager m = base.manager().newSubManager()) {
            // experts 0, 1 are base expert 0 twice (the second with its neurons shuffled), 2, 3 base expert 1 twice
            int[] shuffle = {3, 0, 5, 1, 4, 2};
            List<MoeFfn.Expert> experts = new ArrayList<>();
            float[] baseRouter = base.routerWeight().toFloatArray();
            float[] router = new float[16 * 4];
            for (int e = 0; e < 4; e++) {
                MoeFfn.Expert b = base.expert(e / 2);
                experts.add(e % 2 == 0 ? b : shuffled(m, b, shuffle));
                for (int r = 0; r < 16; r++) {
                    router[r * 4 + e] = baseRouter[r * 2 + e / 2] * 40;
                }
            }
            try (MoeFfn doubled = MoeFfn.of("blocks.0.mlp.", experts, base.bOut(), m.create(router,
                    new Shape(16, 4)), 1, MoeFfn.Gating.SWITCH)) {
                NDArray x = m.randomNormal(new Shape(4, 8, 16));
                NDArray logits;
                NDArray gates;
                try (ActivationCache cache = ActivationCache.record(
                        () -> doubled.forward(new ParameterStore(m, false), new NDList(x), false))) {
                    logits = cache.get("blocks.0.mlp.hook_router_logits").duplicate();
                    gates = logits.softmax(-1); // equal usage within each pair: the anchor is the first member
                    logits.attach(m);
                    gates.attach(m);
                }
                int[] clusters = ExpertReduction.clusterExperts(logits, 2, 1);
                assertEquals(clusters[0], clusters[1]);
                assertEquals(clusters[2], clusters[3]);
                assertTrue(clusters[0] != clusters[2]);
                try (MoeFfn merged = ExpertReduction.uncurl(doubled, logits, gates, 2, 1)) {
                    int first = clusters[0];
                    assertArrayEquals(base.expert(0).wIn().toFloatArray(), merged.expert(first).wIn().toFloatArray(),
                            1e-5f, "the shuffled copy is aligned back before averaging");
                    assertArrayEquals(base.expert(1).wOut().toFloatArray(),
                            merged.expert(1 - first).wOut().toFloatArray(), 1e-5f);
                }
            }
        }
    }

    private static MoeFfn.Expert shuffled(NDManager m, MoeFfn.Expert e, int[] order) {
        int w = order.length;
        float[] in = e.wIn().toFloatArray();
        float[] b = e.bIn().toFloatArray();
        float[] out = e.wOut().toFloatArray();
        float[] in2 = new float[in.length];
        float[] b2 = new float[w];
        float[] out2 = new float[out.length];
        for (int i = 0; i < w; i++) {
            b2[i] = b[order[i]];
            for (int r = 0; r < 16; r++) {
                in2[r * w + i] = in[r * w + order[i]];
            }
            System.arraycopy(out, order[i] * 16, out2, i * 16, 16);
        }
        return new MoeFfn.Expert(m.create(in2, new Shape(16, w)), m.create(b2), m.create(out2, new Shape(w, 16)));
    }
}
