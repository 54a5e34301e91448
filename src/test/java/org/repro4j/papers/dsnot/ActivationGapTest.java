package org.repro4j.papers.dsnot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.hooks.ActivationCache;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;
import org.repro4j.pruning.ParamMask;

class ActivationGapTest {

    private static final String W_OUT = "blocks.1.mlp.W_out";
    private static final String OUT_HOOK = "blocks.1.hook_mlp_out";
    private final TinyTransformerLM lm = TinyTransformerLM.create(
            TransformerConfig.builder(11).context(6).dModel(8).nHeads(2).nLayers(2).dMlp(16).build(), 5);
    private final NDManager manager = lm.manager().newSubManager();

    @AfterEach
    void close() {
        lm.close();
    }

    private NDArray tokens() {
        return manager.create(new int[] {1, 4, 2, 9, 0, 3, 7, 7, 5, 10, 2, 6, 3, 3, 8, 1, 0, 4}, new Shape(3, 6));
    }

    private ParamMask halfMask(long seed) {
        Random random = new Random(seed);
        Map<String, NDArray> scores = new LinkedHashMap<>();
        for (String name : lm.maskableParameterNames()) {
            Shape shape = lm.parameter(name).getShape();
            float[] values = new float[(int) shape.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextFloat();
            }
            scores.put(name, manager.create(values, shape));
        }
        return ParamMask.above(scores, 0.5f);
    }

    @Test
    void aMaskHasNoGapFromItself() {
        ParamMask mask = halfMask(1);
        ActivationGap gap = ActivationGap.measure(lm, mask, mask, OUT_HOOK, tokens());
        assertEquals(0, gap.meanSquared(), 0);
        assertEquals(0, gap.squaredMean(), 0);
    }

    @Test
    void withOneWeightRestoredAsReferenceTheGapIsThatWeightsReconstructionError() {
        ParamMask mask = halfMask(2);
        ParamMask denseWOut = mask.withMatricesFrom(ParamMask.ones(lm), W_OUT::equals);
        ActivationGap gap = ActivationGap.measure(lm, mask, denseWOut, OUT_HOOK, tokens());
        // by hand: d_t = h_t · (W − W ⊙ M) with h the MLP's hidden activation [N, d_mlp] and W_out [d_mlp, d]
        NDArray h;
        try (ActivationCache cache = mask.runWith(lm,
                () -> ActivationCache.record("blocks.1.mlp.hook_post"::equals, () -> lm.logits(tokens())))) {
            h = cache.get("blocks.1.mlp.hook_post").reshape(-1, 16).duplicate();
            h.attach(manager);
        }
        NDArray w = lm.parameter(W_OUT);
        NDArray removed = mask.runWith(lm, () -> w.sub(lm.effectiveWeight(W_OUT, manager)));
        NDArray d = h.matMul(removed);                                     // [N, d_model]
        long n = d.getShape().get(0);
        double meanSquared = d.square().sum().getFloat() / n;
        double squaredMean = d.mean(new int[] {0}).square().sum().getFloat();
        assertTrue(meanSquared > 0, "the mask removes weights that matter");
        assertEquals(meanSquared, gap.meanSquared(), 1e-4 * meanSquared);
        assertEquals(squaredMean, gap.squaredMean(), 1e-4 * meanSquared);
        assertTrue(gap.variablePart() >= 0 && gap.variablePart() < gap.meanSquared());
    }
}
