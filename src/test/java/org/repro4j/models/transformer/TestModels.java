package org.repro4j.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/** Small models with weights large enough that attention and MLPs matter (GPT-2's init gives near-flat logits). */
final class TestModels {

    static final int VOCAB = 17;

    private TestModels() {}

    /** 4 layers, context 12, d_model 16, 2 heads, MLP 32; every weight matrix scaled ×12, so activations are O(1). */
    static TinyTransformerLM lm(long seed) {
        return lm(TransformerConfig.builder(VOCAB).context(12).dModel(16).nHeads(2).nLayers(4).dMlp(32).build(), seed);
    }

    static TinyTransformerLM lm(TransformerConfig config, long seed) {
        TinyTransformerLM lm = TinyTransformerLM.create(config, seed);
        for (String name : lm.parameterNames()) {
            if (name.contains("W_")) {
                lm.parameter(name).muli(12f);
            }
        }
        return lm;
    }

    static int[][] randomTokens(long seed, int batch, int seq) {
        Random rng = new Random(seed);
        int[][] rows = new int[batch][seq];
        for (int[] row : rows) {
            for (int i = 0; i < seq; i++) {
                row[i] = rng.nextInt(VOCAB);
            }
        }
        return rows;
    }

    static NDArray array(NDManager manager, int[][] rows) {
        int[] flat = new int[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * rows[0].length, rows[0].length);
        }
        return manager.create(flat, new Shape(rows.length, rows[0].length));
    }

    static float maxAbsDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }
}
