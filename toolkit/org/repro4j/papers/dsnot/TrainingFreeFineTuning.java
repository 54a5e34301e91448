package org.repro4j.papers.dsnot;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.function.Predicate;
import org.repro4j.analysis.Surprisal;
import org.repro4j.data.LmBatch;
import org.repro4j.models.Maskable;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.pruning.DSnoT;
import org.repro4j.pruning.ParamMask;
import org.repro4j.pruning.Wanda;

/**
 * The experiment of DSnoT (Zhang, Zhao, Lin, Sun, Yao, Han, Tanner, Liu &amp; Ji, ICLR 2024, "Dynamic Sparse No
 * Training: Training-Free Fine-tuning for Sparse LLMs", arXiv 2310.08915): prune a language model with Wanda, refine
 * the mask with DSnoT's grow-and-prune swaps ("training-free fine-tuning": no gradient, no weight update), and
 * compare the two sparse models' perplexity on held-out text at the same sparsity. The abstract's headline is this
 * comparison for LLaMA-7B at 70 % sparsity (26.79 perplexity below Wanda's).
 *
 * <p>Both criteria live in {@link org.repro4j.pruning}: {@link Wanda#prune} and {@link DSnoT#refine}. This class
 * runs them one after the other on the same calibration tokens and measures what the paper reports. As in the
 * authors' code run as their README says ({@code --skip_layer} defaults to {@code mlp} in {@code main.py} of
 * zyxxmu/DSnoT), DSnoT refines only the attention projections ({@link #ATTENTION}); the MLP matrices keep Wanda's
 * mask. {@link #ALL_MATRICES} refines every pruned matrix instead.
 *
 * <pre>{@code
 * var c = TrainingFreeFineTuning.compare(lm, calibration, eval, 0.7, DSnoT.Settings.paper().withUpdateThreshold(0));
 * c.perplexityRatio();   // ppl(Wanda + DSnoT) / ppl(Wanda)
 * }</pre>
 */
public final class TrainingFreeFineTuning {

    private TrainingFreeFineTuning() {}

    /**
     * The matrices the authors' DSnoT refines by default: each block's attention projections {@code W_Q, W_K, W_V,
     * W_O} (LLaMA's {@code self_attn.*_proj}), not the MLP's.
     */
    public static final Predicate<String> ATTENTION = name -> name.contains(".attn.");

    /** Every matrix Wanda prunes, the MLP's too ({@code --skip_layer no_skip} in the authors' code). */
    public static final Predicate<String> ALL_MATRICES = name -> true;

    /**
     * Wanda and Wanda + DSnoT at one sparsity.
     *
     * @param sparsity the sparsity asked of Wanda, a fraction of each output row's weights (rounded down per row, so
     *     {@link ParamMask#sparsity()} of the masks can be a little lower)
     * @param wanda Wanda's mask
     * @param dsnot DSnoT's refinement of it: the refined mask, the reconstruction error per layer and cycle, the
     *     swaps per layer
     * @param wandaPerplexity perplexity of the model under Wanda's mask
     * @param dsnotPerplexity perplexity under the refined mask
     */
    public record Comparison(double sparsity, ParamMask wanda, DSnoT.Result dsnot, double wandaPerplexity,
            double dsnotPerplexity) {

        /** @return the refined mask, {@code dsnot().mask()} */
        public ParamMask refined() {
            return dsnot.mask();
        }

        /** @return {@code ppl(Wanda + DSnoT) / ppl(Wanda)}: below 1 when the refinement helps */
        public double perplexityRatio() {
            return dsnotPerplexity / wandaPerplexity;
        }

        /** @return grow–prune swaps over all layers */
        public int swaps() {
            return dsnot.swaps().values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /**
     * Prunes with Wanda, refines the attention projections with DSnoT (the authors' default, {@link #ATTENTION}) and
     * evaluates both. The model is not changed: masks are applied only while they are evaluated.
     *
     * @param lm the dense model
     * @param calibration calibration token ids {@code [n, seq]}
     * @param eval evaluation batches, e.g. {@code new LmBatches(evalIds, 32, 32).sequential()}
     * @param sparsity fraction of each output row's weights removed, in [0, 1)
     * @param settings DSnoT's cycles, update threshold and variance exponent
     * @return the masks, DSnoT's record and both perplexities
     * @throws IllegalArgumentException if the sparsity is outside [0, 1), the calibration set is empty or there are
     *     no evaluation batches
     */
    public static Comparison compare(TinyTransformerLM lm, NDArray calibration, List<LmBatch> eval, double sparsity,
            DSnoT.Settings settings) {
        return compare(lm, calibration, eval, sparsity, settings, ATTENTION);
    }

    /**
     * As {@link #compare(TinyTransformerLM, NDArray, List, double, DSnoT.Settings)}, choosing the matrices DSnoT
     * refines.
     *
     * @param refined the matrices DSnoT refines, e.g. {@link #ATTENTION} or {@link #ALL_MATRICES}; the others keep
     *     Wanda's mask
     * @return the masks, DSnoT's record (of the refined matrices) and both perplexities
     */
    public static Comparison compare(TinyTransformerLM lm, NDArray calibration, List<LmBatch> eval, double sparsity,
            DSnoT.Settings settings, Predicate<String> refined) {
        ParamMask wanda = Wanda.prune(lm, calibration, sparsity);
        DSnoT.Result dsnot = DSnoT.refine(lm, wanda, calibration, settings, refined);
        return new Comparison(sparsity, wanda, dsnot, perplexity(lm, wanda, eval), perplexity(lm, dsnot.mask(), eval));
    }

    /**
     * Perplexity {@code exp(−(1/T) Σ_t ln p(w_{t+1} | w_≤t)) = 2^(mean surprisal in bits)} over every target
     * position of the batches.
     *
     * @param lm the model, with whatever masks are applied
     * @param eval evaluation batches
     * @return the perplexity, ≥ 1
     * @throws IllegalArgumentException if there are no batches
     */
    public static double perplexity(TinyTransformerLM lm, List<LmBatch> eval) {
        if (eval.isEmpty()) {
            throw new IllegalArgumentException("perplexity needs at least one evaluation batch");
        }
        return Math.pow(2, Surprisal.mean(Surprisal.bits(lm, eval)));
    }

    /**
     * @param lm the model
     * @param mask the mask to evaluate it under (applied, then removed)
     * @param eval evaluation batches
     * @return the perplexity of the masked model
     * @throws IllegalArgumentException if the mask does not fit the model or there are no batches
     */
    public static double perplexity(TinyTransformerLM lm, ParamMask mask, List<LmBatch> eval) {
        return mask.runWith(lm, () -> perplexity(lm, eval));
    }

    /**
     * The output rows whose count of kept weights differs between two masks over the same parameters: 0 when a
     * refinement preserves each row's sparsity, as DSnoT's one-in, one-out swaps must.
     *
     * @param model the model the masks were made for
     * @param first one mask
     * @param second another over the same parameters
     * @return rows of the {@code [out, in]} views, over all parameters, whose counts differ
     * @throws IllegalArgumentException if the second mask lacks a parameter of the first
     */
    public static long rowsWithChangedCount(Maskable model, ParamMask first, ParamMask second) {
        if (!second.names().containsAll(first.names())) {
            throw new IllegalArgumentException("the masks cover different parameters: " + first.names() + " vs "
                    + second.names());
        }
        long changed = 0;
        for (String name : first.names()) {
            int[] a = first.keptPerOutput(model, name);
            int[] b = second.keptPerOutput(model, name);
            for (int row = 0; row < a.length; row++) {
                changed += a[row] == b[row] ? 0 : 1;
            }
        }
        return changed;
    }
}
