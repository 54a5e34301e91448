package org.repro4j.pruning;

import java.util.ArrayList;
import java.util.List;
import org.repro4j.models.Maskable;
import org.repro4j.models.WeightSnapshot;

/**
 * Iterative magnitude pruning (IMP): phases of prune, then retrain under the mask, each phase pruning the retrained
 * model further to the next sparsity (Han, Pool, Tran &amp; Dally, 2015, arXiv 1506.02626). After pruning, a
 * phase either continues from the pruned weights (fine-tuning; the prune–retrain cycle Sparse Model Soups builds
 * on) or rewinds the surviving weights to an earlier snapshot (Frankle &amp; Carbin, 2019, "The Lottery Ticket
 * Hypothesis", arXiv 1803.03635, rewinding to initialization; Renda, Frankle &amp; Carbin, 2020, "Comparing
 * Rewinding and Fine-tuning in Neural Network Pruning", arXiv 2003.02389, to an early step).
 *
 * <pre>{@code
 * List<IterativeMagnitudePruning.Phase> phases = IterativeMagnitudePruning.withContinuedTraining(mlp,
 *         List.of(0.5, 0.75, 0.875), ComparisonGroup.GLOBAL,
 *         (phase, mask) -> Fit.of(mlp).data(x, y, 128).epochs(1).seed(phase).quiet().run());
 * }</pre>
 */
public final class IterativeMagnitudePruning {

    private IterativeMagnitudePruning() {}

    /** The retraining of one phase. */
    @FunctionalInterface
    public interface Retrain {
        /**
         * Trains the model in place. It runs pruned: the forward pass reads {@code W ⊙ mask} and the removed
         * weights are 0, so any training that starts its optimizer afresh (every {@code Fit} run) keeps them 0.
         * It may also train several copies in turn and leave their soup in the model ({@link ModelSoup}).
         *
         * @param phase 0-based phase index
         * @param mask the phase's mask
         */
        void retrain(int phase, ParamMask mask);
    }

    /**
     * @param phase 0-based index
     * @param sparsity the phase's target sparsity
     * @param mask the mask the phase retrained under; nested in the previous phase's
     */
    public record Phase(int phase, double sparsity, ParamMask mask) {}

    /**
     * IMP that retrains each phase from the pruned weights.
     *
     * @param model the model, trained dense beforehand; pruned and retrained in place
     * @param sparsities increasing target sparsities, one per phase, each in [0, 1)
     * @param group which weights are ranked against each other
     * @param retrain the training of each phase
     * @return the phases; on return the model holds the last phase's retrained weights, 0 where its mask removes
     *     them, without a forward mask (apply {@code phases.get(last).mask()} again to keep training sparse)
     * @throws IllegalArgumentException if a sparsity is outside [0, 1) or the sparsities do not increase
     */
    public static List<Phase> withContinuedTraining(Maskable model, List<Double> sparsities, ComparisonGroup group,
            Retrain retrain) {
        return run(model, sparsities, group, null, retrain);
    }

    /**
     * IMP that rewinds the kept weights to a snapshot before each phase's retraining.
     *
     * @param model the model, trained dense beforehand; pruned and retrained in place
     * @param sparsities increasing target sparsities, one per phase, each in [0, 1)
     * @param group which weights are ranked against each other
     * @param rewindTo the weights to rewind to, e.g. {@code WeightSnapshot.of(model)} taken at initialization or
     *     after a few hundred steps
     * @param retrain the training of each phase
     * @return the phases, as {@link #withContinuedTraining}
     * @throws IllegalArgumentException as {@link #withContinuedTraining}, or if the snapshot is of another
     *     architecture (naming the parameter)
     */
    public static List<Phase> withRewinding(Maskable model, List<Double> sparsities, ComparisonGroup group,
            WeightSnapshot rewindTo, Retrain retrain) {
        return run(model, sparsities, group, rewindTo, retrain);
    }

    private static List<Phase> run(Maskable model, List<Double> sparsities, ComparisonGroup group,
            WeightSnapshot rewindTo, Retrain retrain) {
        double previous = -1;
        for (double s : sparsities) {
            Ranking.requireSparsity(s);
            if (s <= previous) {
                throw new IllegalArgumentException("IMP's sparsities must increase phase by phase; got " + sparsities);
            }
            previous = s;
        }
        List<Phase> phases = new ArrayList<>();
        ParamMask mask = ParamMask.ones(model);
        for (int phase = 0; phase < sparsities.size(); phase++) {
            mask = MagnitudePruning.prune(model, mask, sparsities.get(phase), group);
            if (rewindTo != null) {
                rewindTo.restore(model);
            }
            try (ParamMask.Applied pruned = mask.prune(model)) {
                retrain.retrain(phase, mask);
            }
            phases.add(new Phase(phase, sparsities.get(phase), mask));
        }
        return List.copyOf(phases);
    }
}
