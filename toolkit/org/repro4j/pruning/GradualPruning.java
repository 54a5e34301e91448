package org.repro4j.pruning;

import java.util.function.IntConsumer;
import org.repro4j.models.Maskable;

/**
 * Gradual magnitude pruning during training (Zhu &amp; Gupta, 2017, "To prune, or not to prune", arXiv 1710.01878):
 * at each update step of a {@link CubicSparsitySchedule} the smallest-magnitude weights are masked until the
 * scheduled sparsity is reached, and training continues on the masked model, so the remaining weights recover
 * from the pruning. Masks are nested (a removed weight is never grown back), as in the paper, where pruned weights
 * stay at 0 and so stay the smallest.
 *
 * <p>It is a {@code Fit} after-step callback. The forward pass reads {@code W ⊙ M}, so removed weights get no
 * gradient; and after every optimizer step their stored values are set to 0 again, because momentum or Adam
 * moments gathered before a weight was removed would otherwise move it. A removed weight is therefore exactly 0
 * after every step.
 *
 * <pre>{@code
 * CubicSparsitySchedule schedule = new CubicSparsitySchedule(0, 0.9, 200, 10, 100);   // 90 % at step 1200
 * try (GradualPruning pruning = GradualPruning.start(mlp, schedule, ComparisonGroup.LAYER)) {
 *     Fit.of(mlp).data(x, y, 128).steps(2000).afterStep(pruning).run();
 *     pruning.mask().sparsity();   // 0.9
 * }
 * }</pre>
 */
public final class GradualPruning implements IntConsumer, AutoCloseable {

    private final Maskable model;
    private final CubicSparsitySchedule schedule;
    private final ComparisonGroup group;
    private ParamMask mask;
    private ParamMask.Applied applied;

    private GradualPruning(Maskable model, CubicSparsitySchedule schedule, ComparisonGroup group) {
        this.model = model;
        this.schedule = schedule;
        this.group = group;
        this.mask = ParamMask.ones(model);
    }

    /**
     * Prepares gradual pruning of every maskable weight; if {@code t₀ = 0} the first update (to {@code s_i}) happens
     * now, before training.
     *
     * @param model the model, pruned in place as training goes
     * @param schedule when and how far to prune
     * @param group {@link ComparisonGroup#LAYER} for the paper's equal sparsity in every layer, or
     *     {@link ComparisonGroup#GLOBAL}
     * @return the callback, to pass to {@code Fit.afterStep}; close it after training to remove the forward mask
     *     (the pruned weights stay 0)
     */
    public static GradualPruning start(Maskable model, CubicSparsitySchedule schedule, ComparisonGroup group) {
        GradualPruning pruning = new GradualPruning(model, schedule, group);
        pruning.accept(0);
        return pruning;
    }

    /**
     * Called after optimizer step {@code step}: updates the mask on the schedule's update steps, and sets removed
     * weights back to 0.
     *
     * @param step optimizer steps taken (1-based, as {@code Fit} counts)
     */
    @Override
    public void accept(int step) {
        double target = schedule.sparsityAt(step);
        if (schedule.isPruningStep(step) && target > 0) {
            ParamMask next = MagnitudePruning.prune(model, mask, target, group);
            if (applied != null) {
                applied.close();
            }
            mask = next;
            applied = mask.prune(model);
        } else if (applied != null) {
            applied.zeroRemoved();
        }
    }

    /** @return the mask in force (all ones before the first update) */
    public ParamMask mask() {
        return mask;
    }

    /** @return the schedule */
    public CubicSparsitySchedule schedule() {
        return schedule;
    }

    /** Removes the forward mask from the model; the removed weights stay 0. */
    @Override
    public void close() {
        if (applied != null) {
            applied.close();
            applied = null;
        }
    }
}
