package org.repro4j.papers.dsnot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.repro4j.hooks.ActivationCache;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.pruning.ParamMask;

/**
 * How far a sparse model's activation at one hook point lies from a reference's on the same tokens, split into the
 * part a constant shift explains and the rest. For the difference {@code d_t = a_t − a_t^ref ∈ ℝ^D} at token
 * {@code t} of {@code N}:
 * <pre>
 *   meanSquared = (1/N) Σ_t ‖d_t‖²  =  ‖d̄‖²  +  (1/N) Σ_t ‖d_t − d̄‖²,     squaredMean = ‖d̄‖²,  d̄ = (1/N) Σ_t d_t
 * </pre>
 *
 * <p>Two references tell DSnoT's objective from the model's (Zhang et al., ICLR 2024, "Dynamic Sparse No Training",
 * arXiv 2310.08915). With the reference "the same mask, but this one weight dense" and the hook at that weight's
 * output, {@code meanSquared} is the weight's reconstruction error {@code ‖(W − Ŵ)·X‖²/N} on these tokens and
 * {@code d̄} is DSnoT's expected error {@code ε} (one entry per output), which its swaps drive towards 0. With the
 * dense model as reference, it is the distance from what the dense model computes at the same point, which is what
 * the perplexity feels.
 *
 * <pre>{@code
 * String w = "blocks.2.mlp.W_out";
 * var local = ActivationGap.measure(lm, mask, mask.withMatricesFrom(ParamMask.ones(lm), w::equals),
 *         "blocks.2.hook_mlp_out", tokens);
 * var global = ActivationGap.measure(lm, mask, ParamMask.ones(lm), "blocks.2.hook_mlp_out", tokens);
 * }</pre>
 *
 * @param meanSquared mean over tokens of {@code ‖d_t‖²}, squared activation units
 * @param squaredMean {@code ‖d̄‖²}, the constant-shift part, same units
 */
public record ActivationGap(double meanSquared, double squaredMean) {

    /** @return {@code meanSquared − squaredMean}: the part that varies from token to token */
    public double variablePart() {
        return meanSquared - squaredMean;
    }

    /**
     * @param lm the model
     * @param mask the sparse model's mask
     * @param reference the reference's mask, e.g. {@link ParamMask#ones} for the dense model
     * @param hook a hook point whose last axis holds the features, e.g. {@code blocks.2.hook_mlp_out}
     *     {@code [batch, seq, d_model]}
     * @param tokens token ids {@code [batch, seq]}
     * @return the gap over the {@code batch·seq} positions
     * @throws IllegalArgumentException if a mask does not fit the model
     * @throws java.util.NoSuchElementException if the model has no such hook
     */
    public static ActivationGap measure(TinyTransformerLM lm, ParamMask mask, ParamMask reference, String hook,
            NDArray tokens) {
        Features a = mask.runWith(lm, () -> activation(lm, hook, tokens));
        Features b = reference.runWith(lm, () -> activation(lm, hook, tokens));
        int d = a.width();
        int n = a.values().length / d;
        double[] mean = new double[d];
        double squares = 0;
        for (int t = 0; t < n; t++) {
            for (int k = 0; k < d; k++) {
                double diff = a.values()[t * d + k] - b.values()[t * d + k];
                mean[k] += diff / n;
                squares += diff * diff;
            }
        }
        double squaredMean = 0;
        for (double m : mean) {
            squaredMean += m * m;
        }
        return new ActivationGap(squares / n, squaredMean);
    }

    /** An activation as rows of {@code width} features, row-major. */
    private record Features(float[] values, int width) {}

    private static Features activation(TinyTransformerLM lm, String hook, NDArray tokens) {
        try (NDManager scope = tokens.getManager().newSubManager()) {
            NDArray x = tokens.duplicate();
            x.attach(scope);
            try (ActivationCache cache = ActivationCache.record(hook::equals, () -> lm.logits(x))) {
                NDArray a = cache.get(hook);                         // [batch, seq, features]
                long width = a.getShape().get(a.getShape().dimension() - 1);
                return new Features(a.toFloatArray(), Math.toIntExact(width));
            }
        }
    }
}
