package org.repro4j.models.transformer;

import java.util.Arrays;
import java.util.Random;

/**
 * How {@link Decoding} picks the next token from its logits: greedy (arg max), or a draw from
 * {@code softmax(logits / temperature)} restricted to the {@code topK} most likely tokens (top-k sampling, Fan,
 * Lewis &amp; Dauphin, 2018, "Hierarchical Neural Story Generation", ACL, arXiv 1805.04833).
 *
 * <pre>{@code
 * Sampling.greedy()
 * Sampling.temperature(0.8, seed)               // every token can be drawn
 * Sampling.temperature(0.8, seed).withTopK(10)  // only the 10 most likely
 * }</pre>
 *
 * @param temperature 0 for greedy decoding, else the softmax temperature (&gt; 0)
 * @param topK how many of the most likely tokens may be drawn; 0 = all of them (ignored when greedy)
 * @param seed seed of the draws; equal seeds give equal samples
 */
public record Sampling(double temperature, int topK, long seed) {

    /** Rejects a negative or non-finite temperature and a negative top-k, saying which. */
    public Sampling {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("the sampling temperature must be finite and ≥ 0 (0 = greedy), got "
                    + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be ≥ 1, or 0 to draw from every token; got " + topK);
        }
    }

    /** @return greedy decoding: the arg-max token at every step */
    public static Sampling greedy() {
        return new Sampling(0, 0, 0);
    }

    /**
     * @param temperature softmax temperature, &gt; 0 (1 = the model's distribution)
     * @param seed seed of the draws
     * @return sampling from every token
     */
    public static Sampling temperature(double temperature, long seed) {
        if (temperature == 0) {
            throw new IllegalArgumentException("temperature 0 is greedy decoding; use Sampling.greedy()");
        }
        return new Sampling(temperature, 0, seed);
    }

    /**
     * @param k how many of the most likely tokens may be drawn, ≥ 1
     * @return this sampling restricted to the top {@code k}
     */
    public Sampling withTopK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k must be ≥ 1, got " + k);
        }
        return new Sampling(temperature, k, seed);
    }

    /** @return whether this is greedy decoding */
    public boolean isGreedy() {
        return temperature == 0;
    }

    /**
     * Picks one token.
     *
     * @param logits one position's logits {@code [vocab]}
     * @param rng the decoding run's generator, created from {@link #seed()} (unused when greedy)
     * @return the token id
     */
    public int pick(float[] logits, Random rng) {
        if (isGreedy()) {
            return argMax(logits);
        }
        double floor = topK == 0 || topK >= logits.length ? Double.NEGATIVE_INFINITY : kthLargest(logits, topK);
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] weights = new double[logits.length];
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            weights[i] = logits[i] >= floor ? Math.exp((logits[i] - max) / temperature) : 0;
            total += weights[i];
        }
        double u = rng.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            u -= weights[i];
            if (u < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private static int argMax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Ties at the k-th value all stay in: a tie cannot be broken without preferring some token ids. */
    private static double kthLargest(float[] values, int k) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length - k];
    }
}
