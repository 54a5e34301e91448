package org.repro4j.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;

/**
 * Autoregressive decoding from a {@link TinyTransformerLM}: one token at a time, each from the logits at the last
 * position, greedy (arg max) or sampled ({@link Sampling}: temperature, top-k).
 *
 * <ul>
 *   <li>{@link #generate} decodes a batch with a {@link KvCache}: the prompt is read once, then each step feeds
 *       only the new token, under the model's {@link LayerPlan} if it has one. Prompt plus new tokens must fit in
 *       the context.</li>
 *   <li>{@link #greedy} and {@link #sample} decode one sequence without a cache, the reference: every step runs the
 *       model on the whole window, the last {@code context} tokens once the sequence outgrows the context.</li>
 * </ul>
 *
 * <pre>{@code
 * int[][] tokens = Decoding.generate(lm, prompts, 20, Sampling.temperature(0.8, seed).withTopK(10));
 * int[] greedy = Decoding.greedy(lm, prompt, 20);
 * int[] sampled = Decoding.sample(lm, prompt, 20, 0.8, seed);
 * }</pre>
 *
 * Within the context the two give the same tokens for the same sampling and seed (one sequence; the batch's rows
 * draw from one generator in row order).
 */
public final class Decoding {

    private Decoding() {}

    /**
     * Greedy continuation without a cache.
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
     * Sampled continuation without a cache.
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
        Sampling sampling = new Sampling(temperature, 0, seed);
        int context = lm.config().context();
        Random sampler = new Random(seed);
        int[] sequence = Arrays.copyOf(prompt, prompt.length + newTokens);
        for (int n = prompt.length; n < sequence.length; n++) {
            int from = Math.max(0, n - context);
            try (NDManager step = lm.manager().newSubManager()) {
                NDArray window = step.create(Arrays.copyOfRange(sequence, from, n), new Shape(1, n - from));
                float[] last = lm.logits(window).get(new NDIndex("0, -1")).toFloatArray();   // [vocab]
                sequence[n] = sampling.pick(last, sampler);
            }
        }
        return sequence;
    }

    /**
     * Decodes a batch with a KV cache: reads the prompts in one pass, then feeds one token per step.
     *
     * @param lm the model; its layer plan, if set, applies to prompt and new tokens alike
     * @param prompts one prompt per sequence, all of the same length ≥ 1, ids in {@code [0, vocabSize)}
     * @param newTokens how many tokens to add to each, ≥ 0, with {@code prompt length + newTokens ≤ context}
     * @param sampling how to pick each token
     * @return each prompt followed by its {@code newTokens} generated ids
     * @throws IllegalArgumentException if the prompts are empty, ragged or hold invalid ids, or
     *     {@code newTokens < 0}
     * @throws IllegalStateException if prompt and new tokens do not fit in the context (the cache's capacity)
     */
    public static int[][] generate(TinyTransformerLM lm, int[][] prompts, int newTokens, Sampling sampling) {
        int length = requireRectangular(prompts);
        if (newTokens < 0) {
            throw new IllegalArgumentException("newTokens must be ≥ 0, got " + newTokens);
        }
        int batch = prompts.length;
        int[][] sequences = new int[batch][];
        for (int r = 0; r < batch; r++) {
            sequences[r] = Arrays.copyOf(prompts[r], length + newTokens);
        }
        Random sampler = new Random(sampling.seed());
        try (KvCache cache = KvCache.create(lm, batch)) {
            cache.requireRoom(length + newTokens - 1); // the last new token is picked, never fed
            int[] feed = new int[batch * length];
            for (int r = 0; r < batch; r++) {
                System.arraycopy(prompts[r], 0, feed, r * length, length);
            }
            int fed = length;
            for (int n = length; n < length + newTokens; n++) {
                try (NDManager step = lm.manager().newSubManager()) {
                    NDArray tokens = step.create(feed, new Shape(batch, fed));
                    NDArray logits = lm.logits(tokens, cache);                              // [b, fed, V]
                    float[] last = logits.get(new NDIndex(":, -1")).toFloatArray();          // [b·V]
                    int vocab = lm.config().vocabSize();
                    feed = new int[batch];
                    for (int r = 0; r < batch; r++) {
                        int next = sampling.pick(Arrays.copyOfRange(last, r * vocab, (r + 1) * vocab), sampler);
                        sequences[r][n] = next;
                        feed[r] = next;
                    }
                    fed = 1;
                }
            }
        }
        return sequences;
    }

    private static int requireRectangular(int[][] prompts) {
        if (prompts.length == 0 || prompts[0].length == 0) {
            throw new IllegalArgumentException("decoding needs at least one non-empty prompt");
        }
        for (int[] prompt : prompts) {
            if (prompt.length != prompts[0].length) {
                throw new IllegalArgumentException("batch decoding needs prompts of one length (positions are"
                        + " shared by the batch); got lengths " + prompts[0].length + " and " + prompt.length
                        + ". Cut them to the shortest or decode them separately");
            }
        }
        return prompts[0].length;
    }
}
