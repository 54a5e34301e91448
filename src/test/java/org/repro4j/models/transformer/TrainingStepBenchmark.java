package org.repro4j.models.transformer;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Training steps per second of the core3 §2 toy LM (3 layers, d_model 64, 4 heads, MLP 256, context 32,
 * vocab 1001, batch 32) under a plain Adam loop. Not a unit test: run it by hand, e.g.
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) org.repro4j.models.transformer.TrainingStepBenchmark [steps]}.
 * Reference (spec core3 §2): PyTorch does 1500 steps in about 100 s on 2 cores, 15 steps/s.
 */
public final class TrainingStepBenchmark {

    private TrainingStepBenchmark() {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        boolean attentionOnly = args.length > 1 && Boolean.parseBoolean(args[1]);
        int batch = 32;
        TransformerConfig config = TransformerConfig.builder(1001).attentionOnly(attentionOnly).build();
        Random rng = new Random(1);
        try (TinyTransformerLM lm = TinyTransformerLM.create(config, 1)) {
            AdamSteps adam = new AdamSteps(lm, 3e-3f);
            long start = 0;
            int warmup = 20;
            float loss = 0;
            for (int i = 0; i < warmup + steps; i++) {
                if (i == warmup) {
                    start = System.nanoTime();
                }
                int[] ids = new int[batch * (config.context() + 1)];
                for (int j = 0; j < ids.length; j++) {
                    ids[j] = rng.nextInt(config.vocabSize());
                }
                try (NDManager step = lm.manager().newSubManager()) {
                    loss = adam.step(step.create(ids, new Shape(batch, config.context() + 1)));
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%s: %d steps in %.2f s = %.1f steps/s (%.1f ms/step), last loss %.3f%n",
                    config, steps, seconds, steps / seconds, 1000 * seconds / steps, loss);
        }
    }
}
