package org.repro4j.papers.bigramsubnetworks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import org.repro4j.analysis.Cka;
import org.repro4j.hooks.ActivationCache;
import org.repro4j.models.transformer.TinyTransformerLM;

/**
 * How the residual stream of a {@link TinyTransformerLM} changes from layer to layer: the check that a bigram
 * subnetwork recreates the full model's sharp first-layer turn from current-token-like to next-token-like
 * representations (Chang &amp; Bergen, 2025, "Bigram Subnetworks", arXiv 2504.15471, §6).
 *
 * <p>The authors fit ridge maps from each layer to the input embeddings and to the last layer. With
 * {@code d_model = 64} such a map recovers the current token perfectly from every layer (package documentation), so
 * this class measures the same two directions with linear {@link Cka} instead, plus how much each block rewrites
 * the stream. With {@code h_0 = blocks.0.hook_resid_pre} (token + position embedding) and
 * {@code h_l = blocks.(l−1).hook_resid_post}:
 * <ul>
 *   <li>{@code ckaToEmbedding[l] = CKA(h_l, hook_embed)} (current-token side), {@code l = 0..L};</li>
 *   <li>{@code ckaToFinal[l] = CKA(h_l, h_L)} (next-token side), {@code l = 0..L};</li>
 *   <li>{@code updateNormRatio[l−1]} = mean over tokens of {@code ‖h_l − h_{l−1}‖ / ‖h_{l−1}‖}, block
 *       {@code l = 1..L}.</li>
 * </ul>
 * The model runs with whatever masks are applied, so the same call measures a subnetwork.
 *
 * @param ckaToEmbedding CKA of each layer with the input token embeddings, length {@code L + 1}
 * @param ckaToFinal CKA of each layer with the last layer, length {@code L + 1}
 * @param updateNormRatio relative update of each block, length {@code L} (index 0 is block 1)
 */
public record ResidualStream(double[] ckaToEmbedding, double[] ckaToFinal, double[] updateNormRatio) {

    /**
     * Runs the model on some tokens and measures its residual stream.
     *
     * @param lm the model (with any masks applied)
     * @param tokens token ids {@code [batch, seq]}; {@code batch·seq} tokens are the CKA examples (a few thousand
     *     are plenty for {@code d_model = 64})
     * @return the per-layer measurements
     */
    public static ResidualStream measure(TinyTransformerLM lm, NDArray tokens) {
        int layers = lm.config().nLayers();
        try (NDManager scope = tokens.getManager().newSubManager();
                ActivationCache cache = ActivationCache.record(
                        name -> name.equals("hook_embed") || name.endsWith("hook_resid_pre")
                                || name.endsWith("hook_resid_post"),
                        () -> {
                            NDArray x = tokens.duplicate();
                            x.attach(scope);
                            return lm.logits(x);
                        })) {
            NDArray[] h = new NDArray[layers + 1];
            h[0] = cache.get("blocks.0.hook_resid_pre");
            for (int l = 1; l <= layers; l++) {
                h[l] = cache.get("blocks." + (l - 1) + ".hook_resid_post");
            }
            NDArray embedding = cache.get("hook_embed");
            double[] toEmbedding = new double[layers + 1];
            double[] toFinal = new double[layers + 1];
            for (int l = 0; l <= layers; l++) {
                toEmbedding[l] = Cka.linear(h[l], embedding);
                toFinal[l] = Cka.linear(h[l], h[layers]);
            }
            double[] ratio = new double[layers];
            for (int l = 1; l <= layers; l++) {
                // temporaries land in the cache's manager and are freed with it
                NDArray update = h[l].sub(h[l - 1]).norm(new int[] {-1});
                ratio[l - 1] = update.div(h[l - 1].norm(new int[] {-1})).mean().getFloat();
            }
            return new ResidualStream(toEmbedding, toFinal, ratio);
        }
    }

    /** @return the block (1-based, as in "block 1") with the largest update-norm ratio */
    public int largestUpdateBlock() {
        int best = 0;
        for (int l = 1; l < updateNormRatio.length; l++) {
            if (updateNormRatio[l] > updateNormRatio[best]) {
                best = l;
            }
        }
        return best + 1;
    }

    @Override
    public String toString() {
        return "ResidualStream[ckaToEmbedding=" + Arrays.toString(ckaToEmbedding) + ", ckaToFinal="
                + Arrays.toString(ckaToFinal) + ", updateNormRatio=" + Arrays.toString(updateNormRatio) + "]";
    }
}
