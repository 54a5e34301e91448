package org.repro4j.models.transformer;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;
import org.repro4j.engine.NativeMemory;

/**
 * Training steps per second of the Brown LM of notebook 11 (3 layers, d_model 64, 4 heads, MLP 256, context 32,
 * vocab 1001, batch 32) under a plain Adam loop, on random tokens. Not a unit test: run it by hand, e.g.
 * {@code java -Dai.djl.pytorch.num_threads=1 -cp target/classes:target/test-classes:$(cat target/cp.txt)
 * org.repro4j.models.transformer.TrainingStepBenchmark [steps] [keepFreedMemory]} (the class path from
 * {@code mvn dependency:build-classpath -Dmdep.outputFile=target/cp.txt}). The peer is
 * {@code bench/tiny_lm_step.py}; a PyTorch prototype took about 100 s for 1500 steps on 2 cores.
 */
public final class TrainingStepBenchmark {

    private TrainingStepBenchmark() {}

    /**
     * @param args number of timed steps (default 200), then {@code true} to call
     *     {@link NativeMemory#keepFreedMemory()} first
     */
    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        boolean keepFreedMemory = args.length > 1 && Boolean.parseBoolean(args[1]) && NativeMemory.keepFreedMemory();
        int batch = 32;
        int warmup = 20;
        TransformerConfig config = TransformerConfig.builder(1001).build();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        Random rng = new Random(1);
        try (TinyTransformerLM lm = TinyTransformerLM.create(config, 1)) {
            AdamSteps adam = new AdamSteps(lm, 3e-3f);
            long start = 0;
            long cpuStart = 0;
            float loss = 0;
            for (int i = 0; i < warmup + steps; i++) {
                if (i == warmup) {
                    start = System.nanoTime();
                    cpuStart = cpu.getCurrentThreadCpuTime();
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
            // with one intra-op thread the math runs on this thread, so its CPU time is the step's cost even when
            // other processes share the cores
            double cpuSeconds = (cpu.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            System.out.printf("djl, keepFreedMemory=%b, ai.djl.pytorch.num_threads=%s: %d steps in %.2f s = %.1f steps/s"
                    + " (%.1f ms/step); this thread's CPU %.1f ms/step; last loss %.3f%n", keepFreedMemory,
                    System.getProperty("ai.djl.pytorch.num_threads", "default"), steps, seconds, steps / seconds,
                    1000 * seconds / steps, 1000 * cpuSeconds / steps, loss);
        }
    }
}
