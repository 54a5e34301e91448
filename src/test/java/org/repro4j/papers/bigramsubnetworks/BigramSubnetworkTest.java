package org.repro4j.papers.bigramsubnetworks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.data.BigramTable;
import org.repro4j.data.LmBatch;
import org.repro4j.data.LmBatches;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;
import org.repro4j.train.Batches;
import org.repro4j.train.Fit;
import org.repro4j.train.Optimizer;
import org.repro4j.analysis.Surprisal;
import org.repro4j.pruning.ContinuousSparsification;
import org.repro4j.pruning.ParamMask;

class BigramSubnetworkTest {

    private static final int VOCAB = 12;
    private final TinyTransformerLM lm = TinyTransformerLM.create(
            TransformerConfig.builder(VOCAB).context(8).dModel(16).nHeads(2).nLayers(1).dMlp(32).tiedEmbeddings(true)
                    .build(), 2);

    @AfterEach
    void close() {
        lm.close();
    }

    /**
     * A bigram process whose likely successors are never the token itself. With tied embeddings the direct path
     * {@code W_E·W_Eᵀ} favours repeating the current token, so the MLP must carry the bigram map.
     */
    private static int[] bigramStream(int n, long seed) {
        Random random = new Random(seed);
        int[] stream = new int[n];
        for (int i = 1; i < n; i++) {
            int r = random.nextInt(10);
            stream[i] = r < 6 ? (stream[i - 1] * 5 + 1) % VOCAB : r < 9 ? (stream[i - 1] + 7) % VOCAB : random.nextInt(VOCAB);
        }
        return stream;
    }

    @Test
    void theFullModelTargetIsComputedWithTheMasksBypassed() {
        try (ContinuousSparsification masks = ContinuousSparsification.install(lm);
                NDManager manager = lm.manager().newSubManager()) {
            NDArray inputs = manager.create(new long[] {1, 5, 7, 2, 0, 3, 3, 9}, new Shape(1, 8));
            float[] target = BigramSubnetwork.fullModel().distributions(lm, masks, inputs).toFloatArray();
            float[] unmasked = masks.withoutMask(() -> lm.logits(inputs).softmax(-1).toFloatArray());
            float[] masked = lm.logits(inputs).softmax(-1).toFloatArray();
            assertArrayEquals(unmasked, target, 0f);
            // the soft masks (all 0.5) change the predictions: a target from the masked model would differ
            double gap = 0;
            for (int i = 0; i < masked.length; i++) {
                gap = Math.max(gap, Math.abs(masked[i] - unmasked[i]));
            }
            assertTrue(gap > 1e-6, "gap " + gap);
        }
    }

    @Test
    void aBigramMaskBeatsARandomMaskOfTheSameSizeAndLeavesTheWeightsAlone() {
        int[] stream = bigramStream(6000, 1);
        BigramTable table = BigramTable.fit(stream, VOCAB);
        Fit.of(lm).data(Batches.language(new LmBatches(stream, 16, 8), 1)).optimizer(Optimizer.adam(1e-2))
                .steps(150).quiet().run();
        List<LmBatch> eval = new LmBatches(bigramStream(800, 2), 16, 8).sequential();
        float[] weightsBefore = lm.parameter("blocks.0.mlp.W_in").toFloatArray();

        BigramSubnetwork.Result result = BigramSubnetwork.train(lm, BigramSubnetwork.bigrams(table),
                new LmBatches(stream, 16, 8), new BigramSubnetwork.Settings(1.0, 0.05, 1.03, 150), 3);

        assertTrue(lm.weightTransforms().isEmpty(), "the soft masks are removed");
        assertArrayEquals(weightsBefore, lm.parameter("blocks.0.mlp.W_in").toFloatArray(), 0f);
        assertTrue(lm.getParameters().values().stream().allMatch(p -> p.requiresGradient()), "parameters unfrozen");
        assertTrue(result.run().steps() <= 150);
        assertEquals(result.decided(), result.run().steps() < 150);
        assertEquals(Math.pow(1.03, result.run().steps() - (result.decided() ? 1 : 0)), result.temperature(), 1e-6);
        assertTrue(result.mask().keptFraction() > 0 && result.mask().keptFraction() < 0.9, result.toString());
        double learned;
        double random;
        try (ParamMask.Applied applied = result.mask().applyTo(lm)) {
            learned = Surprisal.crossEntropyToBigramsNats(lm, eval, table);
        }
        try (ParamMask.Applied applied = result.mask().shuffled(4).applyTo(lm)) {
            random = Surprisal.crossEntropyToBigramsNats(lm, eval, table);
        }
        assertTrue(learned < random - 0.1, "CE to the bigram table: learned mask " + learned + ", random " + random);
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> BigramSubnetwork.Settings.toy(-1));
        assertThrows(IllegalArgumentException.class, () -> BigramSubnetwork.Settings.toy(1).withTemperatureGrowth(1));
        assertEquals(15_000, BigramSubnetwork.Settings.paper(10).maxSteps());
        assertEquals(1.015, BigramSubnetwork.Settings.toy(1).withTemperatureGrowth(1.015).temperatureGrowth());
    }
}
