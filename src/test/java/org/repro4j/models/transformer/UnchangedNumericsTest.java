package org.repro4j.models.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.repro4j.train.Fit;
import org.repro4j.train.Optimizer;

/**
 * The plain forward pass and training of {@link TinyTransformerLM} are bit for bit what they were before layer
 * plans, KV caches and MLP replacements existed: the expected hashes were computed at commit e2a7191, before them
 * (hash of every float's bit pattern, fixed seeds, one native thread).
 */
class UnchangedNumericsTest {

    private static final TransformerConfig CONFIG =
            TransformerConfig.builder(13).context(8).dModel(16).nHeads(2).nLayers(2).dMlp(32).build();

    private static int[] ids(Random rng, int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = rng.nextInt(13);
        }
        return ids;
    }

    private static int parameterHash(TinyTransformerLM lm) {
        int hash = 1;
        for (String name : lm.parameterNames()) {
            hash = 31 * hash + Arrays.hashCode(lm.parameter(name).toFloatArray());
        }
        return hash;
    }

    @Test
    void logitsAndTrainingAreBitIdenticalToBeforeConditionalComputation() {
        org.repro4j.engine.NativeThreads.set(1);
        try (TinyTransformerLM lm = TinyTransformerLM.create(CONFIG, 21);
                NDManager m = lm.manager().newSubManager()) {
            Random rng = new Random(5);
            NDArray tokens = m.create(ids(rng, 3 * 8), new Shape(3, 8));
            int logits = Arrays.hashCode(lm.logits(tokens).toFloatArray());
            AdamSteps adam = new AdamSteps(lm, 1e-2f);
            for (int step = 0; step < 5; step++) {
                try (NDManager s = lm.manager().newSubManager()) {
                    adam.step(s.create(ids(rng, 4 * 9), new Shape(4, 9)));
                }
            }
            int afterAdam = parameterHash(lm);
            NDArray inputs = m.create(ids(rng, 32 * 8), new Shape(32, 8));
            NDArray targets = m.create(ids(rng, 32 * 8), new Shape(32, 8));
            Fit.of(lm).data(inputs, targets, 8).optimizer(Optimizer.adam(3e-3)).steps(6).seed(3).quiet().run();
            int afterFit = parameterHash(lm);
            assertEquals(-446754987, logits, "logits");
            assertEquals(1487962997, afterAdam, "parameters after 5 Adam steps");
            assertEquals(306510730, afterFit, "parameters after 6 more steps of Fit");
        }
    }
}
