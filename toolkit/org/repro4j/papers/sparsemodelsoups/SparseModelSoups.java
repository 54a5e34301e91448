package org.repro4j.papers.sparsemodelsoups;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.repro4j.models.Maskable;
import org.repro4j.models.WeightSnapshot;
import org.repro4j.pruning.ComparisonGroup;
import org.repro4j.pruning.IterativeMagnitudePruning;
import org.repro4j.pruning.ModelSoup;
import org.repro4j.pruning.ParamMask;

/**
 * Sparse Model Soups (SMS; Zimmer, Spiegel &amp; Pokutta, "Sparse Model Soups: A Recipe for Improved Pruning via
 * Model Averaging", ICLR 2024, arXiv 2306.16788, Section 2; pseudocode in Figure 2): iterative magnitude pruning
 * in which every phase prunes once and then retrains {@code m} copies of the pruned model — the same mask,
 * different hyperparameters (batch order, weight decay, …) — and averages them into a soup; the next phase prunes
 * the soup.
 * For phase {@code k} with mask {@code M_k} and retrained copies {@code θ_k^1 … θ_k^m},
 * <pre>
 *   θ_k^i = retrain_i(θ_{k−1}^soup ⊙ M_k)      the i-th copy, under the mask, i = 1 … m
 *   θ_k^soup = merge(θ_k^1 … θ_k^m)             uniform soup (1/m) Σ_i θ_k^i, or greedy (Section 2.2)
 *   M_{k+1} = magnitude-prune(θ_k^soup, s_{k+1}) within M_k
 * </pre>
 * Every copy is 0 wherever {@code M_k} removes a weight, so the soup has exactly the mask's non-zeros; this class
 * checks that after every phase. With {@code m = 1} it is plain IMP, the paper's baseline, bit for bit (the soup of
 * one model is the model).
 *
 * <pre>{@code
 * List<SparseModelSoups.Phase> sms = SparseModelSoups.run(mlp, List.of(0.5, 0.75, 0.875), 3,
 *         ComparisonGroup.GLOBAL, SparseModelSoups.Recipe.uniform(),
 *         (phase, copy, mask) -> Fit.of(mlp).data(x, y, 128).epochs(1).seed(10L * phase + copy).quiet().run());
 * }</pre>
 */
public final class SparseModelSoups {

    private SparseModelSoups() {}

    /** The retraining of one copy in one phase. */
    @FunctionalInterface
    public interface Retrain {
        /**
         * Trains the model in place from the phase's starting weights (already written into it). The model runs
         * pruned (the forward pass reads {@code W ⊙ mask}, removed weights are 0), so any training that starts its
         * optimizer afresh, as every {@code Fit} run does, keeps the removed weights at exactly 0.
         *
         * @param phase 0-based phase index
         * @param copy 0-based index of the copy, in {@code [0, m)}: what selects its batch order or weight decay
         * @param mask the phase's mask
         */
        void retrain(int phase, int copy, ParamMask mask);
    }

    /** How a phase's retrained copies become one model. */
    @FunctionalInterface
    public interface Recipe {
        /**
         * @param model the model, usable for evaluating candidates; the caller writes the result into it
         * @param copies snapshots of the retrained copies, all pruned with {@code mask}
         * @param mask the phase's mask
         * @return the soup
         */
        WeightSnapshot cook(Maskable model, List<WeightSnapshot> copies, ParamMask mask);

        /** @return the uniform soup, the plain average of all copies ({@link ModelSoup#uniform}) */
        static Recipe uniform() {
            return (model, copies, mask) -> ModelSoup.uniform(copies, mask);
        }

        /**
         * @param heldOutAccuracy the selection metric on held-out data (not the test set), higher is better
         * @return the greedy soup of Wortsman et al. (2022, arXiv 2203.05482, Recipe 1), {@link ModelSoup#greedy}
         */
        static Recipe greedy(ToDoubleFunction<Maskable> heldOutAccuracy) {
            return (model, copies, mask) -> ModelSoup.greedy(model, copies, mask, heldOutAccuracy).soup();
        }
    }

    /**
     * One prune–retrain–average phase.
     *
     * @param phase 0-based index
     * @param sparsity the phase's target sparsity (fraction of maskable weights removed)
     * @param mask the mask all copies were retrained under; nested in the previous phase's
     * @param start the pruned weights every copy started from (the previous soup with the new mask applied)
     * @param copies the retrained copies, in copy order
     * @param soup their soup, the next phase's starting point
     */
    public record Phase(int phase, double sparsity, ParamMask mask, WeightSnapshot start, List<WeightSnapshot> copies,
            WeightSnapshot soup) {}

    /**
     * Runs SMS. On return the model holds the last phase's soup (0 where its mask removes a weight, no forward
     * mask).
     *
     * @param model the model, trained dense beforehand; pruned, retrained and averaged in place
     * @param sparsities increasing target sparsities, one per phase, each in [0, 1)
     * @param m copies retrained per phase, ≥ 1 (1 is plain IMP)
     * @param group which weights magnitude pruning ranks against each other
     * @param recipe how the copies are averaged
     * @param retrain the training of one copy
     * @return the phases, in order
     * @throws IllegalArgumentException if {@code m < 1}, a sparsity is outside [0, 1) or the sparsities do not
     *     increase
     * @throws IllegalStateException if a soup's non-zeros differ from its mask's (a copy was not trained under the
     *     mask), naming the parameter
     */
    public static List<Phase> run(Maskable model, List<Double> sparsities, int m, ComparisonGroup group,
            Recipe recipe, Retrain retrain) {
        if (m < 1) {
            throw new IllegalArgumentException("SMS retrains at least one copy per phase (m = 1 is IMP); got m = " + m);
        }
        List<Phase> phases = new ArrayList<>();
        IterativeMagnitudePruning.withContinuedTraining(model, sparsities, group, (phase, mask) -> {
            WeightSnapshot start = WeightSnapshot.of(model);
            List<WeightSnapshot> copies = new ArrayList<>();
            for (int copy = 0; copy < m; copy++) {
                start.restore(model);
                retrain.retrain(phase, copy, mask);
                copies.add(WeightSnapshot.of(model));
            }
            WeightSnapshot soup = recipe.cook(model, copies, mask);
            requireNonzerosOfMask(soup, mask, phase);
            soup.restore(model);
            phases.add(new Phase(phase, sparsities.get(phase), mask, start, List.copyOf(copies), soup));
        });
        return List.copyOf(phases);
    }

    /**
     * A metric of every copy and of the soup of one phase.
     *
     * @param phase 0-based index
     * @param sparsity the phase's target sparsity
     * @param copies the metric of each retrained copy, in copy order
     * @param soup the metric of the soup
     */
    public record Scores(int phase, double sparsity, double[] copies, double soup) {
        /** @return the best copy's metric (the largest) */
        public double best() {
            return Arrays.stream(copies).max().orElseThrow();
        }

        /** @return the copies' mean metric */
        public double mean() {
            return Arrays.stream(copies).average().orElseThrow();
        }
    }

    /**
     * Scores every copy and every soup on several metrics: each model is written into {@code model} once and
     * measured there by every metric. On return the model holds the last phase's soup.
     *
     * @param model a model of the phases' architecture
     * @param phases the result of {@link #run}
     * @param metrics name → metric, higher is better, e.g. {@code "clean" → m -> accuracy(testX, testY)}
     * @return name → one entry per phase, in order; the map in the metrics' order
     * @throws IllegalArgumentException if there is no phase or no metric
     */
    public static Map<String, List<Scores>> score(Maskable model, List<Phase> phases,
            Map<String, ToDoubleFunction<Maskable>> metrics) {
        if (phases.isEmpty() || metrics.isEmpty()) {
            throw new IllegalArgumentException("scoring needs at least one phase and one metric; got "
                    + phases.size() + " phases and metrics " + metrics.keySet());
        }
        Map<String, List<Scores>> out = new LinkedHashMap<>();
        metrics.keySet().forEach(name -> out.put(name, new ArrayList<>()));
        for (Phase phase : phases) {
            Map<String, double[]> copies = new LinkedHashMap<>();
            metrics.keySet().forEach(name -> copies.put(name, new double[phase.copies().size()]));
            for (int i = 0; i < phase.copies().size(); i++) {
                phase.copies().get(i).restore(model);
                for (Map.Entry<String, ToDoubleFunction<Maskable>> metric : metrics.entrySet()) {
                    copies.get(metric.getKey())[i] = metric.getValue().applyAsDouble(model);
                }
            }
            phase.soup().restore(model);
            metrics.forEach((name, metric) -> out.get(name).add(new Scores(phase.phase(), phase.sparsity(),
                    copies.get(name), metric.applyAsDouble(model))));
        }
        out.replaceAll((name, scores) -> List.copyOf(scores));
        return out;
    }

    /**
     * Writes the point {@code (1 − t)·a + t·b} of the segment between two snapshots into the model, to trace the
     * accuracy between two copies (where model averaging works, the segment stays in one basin).
     *
     * @param model a model of the snapshots' architecture
     * @param a the point at {@code t = 0}
     * @param b the point at {@code t = 1}
     * @param t position on the segment, usually in [0, 1]
     * @throws IllegalArgumentException naming the parameter if the architectures differ
     */
    public static void interpolate(Maskable model, WeightSnapshot a, WeightSnapshot b, double t) {
        if (!a.names().equals(model.parameterNames()) || !b.names().equals(model.parameterNames())) {
            throw new IllegalArgumentException("both snapshots need the model's parameters " + model.parameterNames()
                    + "; got " + a.names() + " and " + b.names());
        }
        for (String name : a.names()) {
            Shape shape = model.parameter(name).getShape();
            if (!a.shape(name).equals(shape) || !b.shape(name).equals(shape)) {
                throw new IllegalArgumentException("parameter " + name + " has shape " + shape + " in the model but "
                        + a.shape(name) + " and " + b.shape(name) + " in the snapshots");
            }
        }
        for (String name : a.names()) {
            float[] u = a.values(name);
            float[] v = b.values(name);
            float[] w = new float[u.length];
            for (int k = 0; k < w.length; k++) {
                w[k] = (float) ((1 - t) * u[k] + t * (double) v[k]);
            }
            model.parameter(name).set(w);
        }
    }

    /**
     * @param weights a snapshot of a model the mask covers
     * @param mask the mask
     * @return the number of non-zero weights among the parameters the mask covers
     * @throws IllegalArgumentException if the snapshot lacks a masked parameter
     */
    public static long nonzeros(WeightSnapshot weights, ParamMask mask) {
        long count = 0;
        for (String name : mask.names()) {
            for (float w : weights.values(name)) {
                if (w != 0) {
                    count++;
                }
            }
        }
        return count;
    }

    /** The SMS invariant: a soup keeps exactly the mask's connectivity, parameter by parameter. */
    private static void requireNonzerosOfMask(WeightSnapshot soup, ParamMask mask, int phase) {
        for (String name : mask.names()) {
            float[] w = soup.values(name);
            long nonzero = 0;
            for (int k = 0; k < w.length; k++) {
                if (w[k] != 0) {
                    nonzero++;
                    if (!mask.isKept(name, k)) {
                        throw new IllegalStateException("phase " + phase + ": the soup has a non-zero weight in "
                                + name + " (flat index " + k + ") that the mask removes");
                    }
                }
            }
            if (nonzero != mask.kept(name)) {
                throw new IllegalStateException("phase " + phase + ": the soup has " + nonzero + " non-zeros in "
                        + name + " but the mask keeps " + mask.kept(name));
            }
        }
    }
}
