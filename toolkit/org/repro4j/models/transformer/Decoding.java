package org.repro4j.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;

/**
 * Autoregressive decoding from a {@link TinyTransformerLM}: one token at a time, each from the logits at the last
 * position, greedy (arg max) or sampled from {@code softmax(logits / temperature)}. Without a KV cache: every step
 * runs the model on the whole window, the last {@code context} tokens once the sequence outgrows the context.
 *
 * <pre>{@code
 * int[] greedy = Decoding.greedy(lm, prompt, 20);
 * int[] sampled = Decoding.sample(lm, prompt, 20, 0.8, seed);
 * }</pre>
 */
public final class Decoding {

    private Decoding() {}

    /**
     * Greedy continuation: the arg-max token at each step.
     *
     * @param lm the model
     * @param prompt token ids to start from, at least one, each in {@code [0, vocabSize)}
     * @param newTokens how many tokens to add, ≥ 0
     * @return the prompt followed by {@code newTokens} generated ids
     * @throws IllegalArgumentException if the prompt is empty or holds invalid ids, or {@code newTokens < 0}
     */
    public static int[] greedy(TinyTransformerLM lm, int[] prompt, int newTokens) {
        return sample(lm, prompt, newTokens, 0, 0);
    }

    /**
     * Sampled continuation.
     *
     * @param lm the model
     * @param prompt token ids to start from, at least one, each in {@code [0, vocabSize)}
     * @param newTokens how many tokens to add, ≥ 0
     * @param temperature 0 for greedy decoding (arg max), else sample from {@code softmax(logits / temperature)}
     * @param seed seed of the sampler (unused when greedy); equal seeds give equal samples
     * @return the prompt followed by {@code newTokens} generated ids
     * @throws IllegalArgumentException if the prompt is empty or holds invalid ids, {@code newTokens < 0} or
     *     {@code temperature < 0}
     */
    public static int[] sample(TinyTransformerLM lm, int[] prompt, int newTokens, double temperature, long seed) {
        if (prompt.length == 0 || newTokens < 0 || !(temperature >= 0)) {
            throw new IllegalArgumentException("decoding needs a non-empty prompt, newTokens ≥ 0 and temperature ≥ 0"
                    + " (0 = greedy); got prompt length " + prompt.length + ", newTokens " + newTokens
                    + ", temperature " + temperature);
        }
        int context = lm.config().context();
        Random sampler = new Random(seed);
        int[] sequence = Arrays.copyOf(prompt, prompt.length + newTokens);
        for (int n = prompt.length; n < sequence.length; n++) {
            int from = Math.max(0, n - context);
            try (NDManager step = lm.manager().newSubManager()) {
                NDArray window = step.create(Arrays.copyOfRange(sequence, from, n), new Shape(1, n - from));
                float[] last = lm.logits(window).get(new NDIndex("0, -1")).toFloatArray();   // [vocab]
                sequence[n] = temperature == 0 ? argMax(last) : draw(last, temperature, sampler);
            }
        }
        return sequence;
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

    private static int draw(float[] logits, double temperature, Random rng) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] weights = new double[logits.length];
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            weights[i] = Math.exp((logits[i] - max) / temperature);
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
}
