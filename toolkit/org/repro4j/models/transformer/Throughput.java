package org.repro4j.models.transformer;

import java.util.Arrays;
import java.util.Locale;

/**
 * Measured speed of conditional computation: tokens per second of a reduced model against the full model, timed in
 * the same run, alternately, so that machine load and JIT warm-up hit both alike. What a reader wants to know about
 * layer skipping is the speed-up it buys, and counted FLOPs overstate it whenever the skipped work is not what
 * dominates the time (here: embedding, unembedding, sampling and per-step overhead still run).
 *
 * <pre>{@code
 * Throughput.SpeedUp s = Throughput.decoding(lm, LayerPlan.skipping(8, 2, 3, 5, 6), prompts, 32, 5);
 * s.ratio();   // e.g. 1.7: the plan decodes 1.7× as many tokens per second as the full model
 * }</pre>
 *
 * <p>Each repeat times the full model, then the candidate, on the same work; the reported rates are the medians
 * over repeats of wall-clock time (one warm-up pair first is not counted). On a shared machine run at one native
 * thread ({@link org.repro4j.engine.NativeThreads}) and use at least five repeats.
 */
public final class Throughput {

    private Throughput() {}

    /**
     * Tokens per second of a baseline and a candidate on the same workload.
     *
     * @param baselineTokensPerSecond the full model's rate
     * @param candidateTokensPerSecond the reduced model's rate
     */
    public record SpeedUp(double baselineTokensPerSecond, double candidateTokensPerSecond) {

        /** @return candidate over baseline: above 1 means the candidate is faster */
        public double ratio() {
            return candidateTokensPerSecond / baselineTokensPerSecond;
        }

        /** @return e.g. {@code 1.71× (2 310 vs 1 350 tokens/s)} */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.2f× (%.0f vs %.0f tokens/s)", ratio(), candidateTokensPerSecond,
                    baselineTokensPerSecond);
        }
    }

    /**
     * Times greedy KV-cached decoding ({@link Decoding#generate}) with every layer against decoding under
     * {@code plan}. The model's own plan is restored afterwards.
     *
     * @param lm the model
     * @param plan the candidate's layer plan
     * @param prompts the batch of equal-length prompts
     * @param newTokens tokens generated per prompt, ≥ 1, with prompt length + newTokens ≤ context
     * @param repeats timed pairs, ≥ 1
     * @return generated tokens per second (prompt reading included in the time) of both
     * @throws IllegalArgumentException if {@code newTokens} or {@code repeats} is below 1, or as
     *     {@link Decoding#generate}
     */
    public static SpeedUp decoding(TinyTransformerLM lm, LayerPlan plan, int[][] prompts, int newTokens,
            int repeats) {
        if (newTokens < 1) {
            throw new IllegalArgumentException("a throughput measurement needs newTokens ≥ 1, got " + newTokens);
        }
        LayerPlan previous = lm.layerPlan();
        try {
            Runnable full = () -> {
                lm.clearLayerPlan();
                Decoding.generate(lm, prompts, newTokens, Sampling.greedy());
            };
            Runnable reduced = () -> {
                lm.setLayerPlan(plan);
                Decoding.generate(lm, prompts, newTokens, Sampling.greedy());
            };
            return compare(full, reduced, (long) prompts.length * newTokens, repeats);
        } finally {
            lm.setLayerPlan(previous);
        }
    }

    /**
     * Times any two workloads that process the same number of tokens.
     *
     * @param baseline the full computation
     * @param candidate the reduced computation
     * @param tokensPerRun tokens one run of either processes, ≥ 1
     * @param repeats timed pairs, ≥ 1
     * @return tokens per second of both, medians over the repeats
     * @throws IllegalArgumentException if {@code tokensPerRun} or {@code repeats} is below 1
     */
    public static SpeedUp compare(Runnable baseline, Runnable candidate, long tokensPerRun, int repeats) {
        if (tokensPerRun < 1 || repeats < 1) {
            throw new IllegalArgumentException("a throughput measurement needs tokensPerRun ≥ 1 and repeats ≥ 1, got "
                    + tokensPerRun + " and " + repeats);
        }
        baseline.run(); // warm-up: class loading, JIT, first-use allocations
        candidate.run();
        long[] baseNanos = new long[repeats];
        long[] candidateNanos = new long[repeats];
        for (int r = 0; r < repeats; r++) {
            baseNanos[r] = time(baseline);
            candidateNanos[r] = time(candidate);
        }
        return new SpeedUp(tokensPerRun / (median(baseNanos) / 1e9), tokensPerRun / (median(candidateNanos) / 1e9));
    }

    private static long time(Runnable work) {
        long start = System.nanoTime();
        work.run();
        return System.nanoTime() - start;
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
}
