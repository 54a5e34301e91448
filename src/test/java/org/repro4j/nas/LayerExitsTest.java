package org.repro4j.nas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.repro4j.data.LmBatches;
import org.repro4j.hooks.ActivationCache;
import org.repro4j.loss.CrossEntropy;
import org.repro4j.models.transformer.LayerPlan;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.pruning.SparsityReport;
import org.repro4j.models.transformer.TransformerConfig;
import org.repro4j.train.Batch;
import org.repro4j.train.Batches;
import org.repro4j.train.Fit;
import org.repro4j.train.Optimizer;
import tech.tablesaw.api.Table;

class LayerExitsTest {

    private static final TransformerConfig CONFIG =
            TransformerConfig.builder(9).context(6).dModel(8).nHeads(2).nLayers(3).dMlp(12).build();

    private static NDArray tokens(NDManager manager) {
        return manager.create(new int[] {1, 4, 2, 8, 5, 7, 3, 0, 6, 2, 2, 1}, new Shape(2, 6));
    }

    /** A stream where each token fixes the next (t → 2t + 1 mod 9): a bigram task a single layer can learn. */
    private static int[] stream(int length) {
        int[] ids = new int[length];
        for (int i = 1; i < length; i++) {
            ids[i] = (2 * ids[i - 1] + 1) % 9;
            if (i % 7 == 0) {
                ids[i] = i % 9; // restarts, so every token occurs
            }
        }
        return ids;
    }

    @Test
    void theLastExitIsTheModelsOwnOutputAndAnEarlierOneTheExtractedShallowModel() {
        try (TinyTransformerLM lm = TinyTransformerLM.create(CONFIG, 1)) {
            NDArray x = tokens(lm.manager());
            Map<Integer, NDArray> logits = LayerExits.of(lm, 3, 1).logits(x);
            assertEquals(List.of(1, 3), List.copyOf(logits.keySet()));
            assertArrayEquals(lm.logits(x).toFloatArray(), logits.get(3).toFloatArray(), 0f);
            try (TinyTransformerLM shallow = LayerExits.extract(lm, 1)) {
                assertEquals(1, shallow.config().nLayers());
                assertEquals(new Shape(2, 6, 9), logits.get(1).getShape());
                assertArrayEquals(shallow.logits(x).toFloatArray(), logits.get(1).toFloatArray(), 1e-5f);
            }
            try (TinyTransformerLM full = LayerExits.extract(lm, 3)) {
                assertArrayEquals(lm.logits(x).toFloatArray(), full.logits(x).toFloatArray(), 1e-6f);
            }
            // the early-exit layer plan runs block 0 alone, then the same shared head
            lm.setLayerPlan(LayerPlan.earlyExit(3, 1));
            assertArrayEquals(logits.get(1).toFloatArray(), lm.logits(x).toFloatArray(), 0f);
            IllegalStateException planned = assertThrows(IllegalStateException.class,
                    () -> LayerExits.of(lm, 1).logits(x));
            assertTrue(planned.getMessage().contains("clearLayerPlan"), planned.getMessage());
            lm.clearLayerPlan();
        }
    }

    @Test
    void theLogitLensIsTheFinalLayerNormAndUnembeddingOfAnIntermediateResidualStream() {
        try (TinyTransformerLM lm = TinyTransformerLM.create(CONFIG, 2)) {
            NDArray x = tokens(lm.manager());
            NDArray resid;
            try (ActivationCache cache = ActivationCache.record(() -> lm.logits(x))) {
                resid = cache.get("blocks.1.hook_resid_post").duplicate();                    // [2, 6, 8]
                resid.attach(x.getManager()); // outlives the cache
            }
            NDArray centred = resid.sub(resid.mean(new int[] {-1}, true));
            NDArray normalized = centred.div(centred.square().mean(new int[] {-1}, true).add(1e-5f).sqrt())
                    .mul(lm.parameter("ln_final.w")).add(lm.parameter("ln_final.b"));
            NDArray expected = normalized.matMul(lm.W_U());
            assertArrayEquals(expected.toFloatArray(), LayerExits.of(lm, 2).logits(x).get(2).toFloatArray(), 1e-5f);
            assertArrayEquals(expected.toFloatArray(), lm.logitLens(resid).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void theSortedFineTuningLossIsTheMeanOfTheExitsCrossEntropies() {
        try (TinyTransformerLM lm = TinyTransformerLM.create(CONFIG, 3)) {
            NDArray x = tokens(lm.manager());
            NDArray y = x.add(1).mod(9);
            LayerExits exits = LayerExits.everyLayer(lm);
            CrossEntropy ce = new CrossEntropy();
            double mean = exits.logits(x).values().stream().mapToDouble(l -> ce.apply(l, y).getFloat()).average()
                    .orElseThrow();
            assertEquals(mean, exits.loss(x, y).getFloat(), 1e-6);
            assertArrayEquals(new int[] {1, 2, 3}, exits.exits());
        }
    }

    @Test
    void perplexityIsReportedForEveryExit() {
        try (TinyTransformerLM lm = TinyTransformerLM.create(CONFIG, 4)) {
            Table table = LayerExits.of(lm, 1, 3).perplexity(new LmBatches(stream(200), 4, 6).sequential());
            assertEquals(List.of("exit_layer", "parameters", "flops_per_token", "nll_nats", "perplexity"),
                    table.columnNames());
            try (TinyTransformerLM shallow = LayerExits.extract(lm, 1)) {
                long size = shallow.parameterNames().stream().mapToLong(n -> shallow.parameter(n).size()).sum();
                assertEquals(size, table.longColumn("parameters").getLong(0));
                assertEquals(SparsityReport.of(shallow).denseFlops() + 2 * 8 * 9,
                        table.longColumn("flops_per_token").getLong(0), "block weights, then the unembedding");
            }
            assertEquals(List.of(1, 3), table.intColumn("exit_layer").asList());
            for (int row = 0; row < 2; row++) {
                double nll = table.doubleColumn("nll_nats").getDouble(row);
                assertEquals(Math.exp(nll), table.doubleColumn("perplexity").getDouble(row), 1e-9);
                // an untrained model is close to uniform over the 9 tokens
                assertEquals(Math.log(9), nll, 0.5);
            }
        }
    }

    @Test
    void aSortedFineTuningStepBackPropagatesTheMeanOfTheExitsLosses() {
        List<Map<String, float[]>> perExit = new ArrayList<>();
        for (int exit = 1; exit <= 3; exit++) {
            try (TinyTransformerLM lm = TinyTransformerLM.create(CONFIG, 7)) {
                NDArray x = tokens(lm.manager());
                LayerExits one = LayerExits.of(lm, exit);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    collector.backward(one.loss(x, x.add(1).mod(9)).div(3));
                }
                perExit.add(gradients(lm));
            }
        }
        try (TinyTransformerLM lm = TinyTransformerLM.create(CONFIG, 7)) {
            NDArray x = tokens(lm.manager());
            double reported;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                reported = LayerExits.everyLayer(lm).run(new Batch(x, x.add(1).mod(9)), collector::backward);
            }
            assertEquals(LayerExits.everyLayer(lm).loss(x, x.add(1).mod(9)).getFloat(), reported, 1e-6);
            gradients(lm).forEach((name, g) -> {
                float[] expected = new float[g.length];
                for (Map<String, float[]> part : perExit) {
                    for (int i = 0; i < g.length; i++) {
                        expected[i] += part.get(name)[i];
                    }
                }
                assertArrayEquals(expected, g, 1e-6f, name);
            });
        }
        // the depth-1 sub-model's loss reaches block 0 and the shared head, and nothing of blocks 1 and 2
        perExit.get(0).forEach((name, g) -> {
            boolean deeper = name.startsWith("blocks.1.") || name.startsWith("blocks.2.");
            float norm = 0;
            for (float v : g) {
                norm += Math.abs(v);
            }
            // b_K gets none anyway: a key bias shifts every score of a query equally, which softmax ignores
            assertTrue(deeper ? norm == 0 : norm > 0 || name.endsWith(".b_K"), name + " gradient norm " + norm);
        });
    }

    private static Map<String, float[]> gradients(TinyTransformerLM lm) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String name : lm.parameterNames()) {
            out.put(name, lm.parameter(name).getGradient().toFloatArray());
        }
        return out;
    }

    @Test
    void sortedFineTuningMakesEveryExitAUsablePredictor() {
        LmBatches windows = new LmBatches(stream(1000), 8, 6);
        try (TinyTransformerLM lm = TinyTransformerLM.create(CONFIG, 5)) {
            Fit.of(lm).data(Batches.language(windows, 1)).optimizer(Optimizer.adamW(1e-2, 0.01)).steps(40)
                    .step(LayerExits.everyLayer(lm)).quiet().run();
            Table table = LayerExits.everyLayer(lm).perplexity(new LmBatches(stream(400), 8, 6).sequential());
            // the stream's next token is fixed by the current one except at restarts: far below log 9 at every exit
            table.doubleColumn("nll_nats").forEach(nll -> assertTrue(nll < 0.6 * Math.log(9), table.print()));
        }
    }

    @Test
    void exitsOutsideTheModelsDepthAreRejected() {
        try (TinyTransformerLM lm = TinyTransformerLM.create(CONFIG, 6)) {
            IllegalArgumentException tooDeep = assertThrows(IllegalArgumentException.class,
                    () -> LayerExits.of(lm, 2, 4));
            assertTrue(tooDeep.getMessage().contains("exit layer 4 is outside [1, 3]"), tooDeep.getMessage());
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> LayerExits.of(lm, 0));
            assertTrue(zero.getMessage().contains("exit layer 0 is outside [1, 3]"), zero.getMessage());
            assertTrue(assertThrows(IllegalArgumentException.class, () -> LayerExits.of(lm)).getMessage()
                    .contains("at least one exit"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> LayerExits.of(lm, 2, 2)).getMessage()
                    .contains("listed twice"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> LayerExits.extract(lm, 4)).getMessage()
                    .contains("depth 4 is outside [1, 3]"));
            NDArray narrow = lm.manager().zeros(new Shape(1, 2, 5));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> lm.logitLens(narrow)).getMessage()
                    .contains("[batch, seq, 8]"));
        }
    }
}
