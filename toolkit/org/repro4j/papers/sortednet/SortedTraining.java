package org.repro4j.papers.sortednet;

import org.repro4j.nas.SamplingRule;
import org.repro4j.nas.SubModelSpace;
import org.repro4j.nas.SupernetTraining;

/**
 * SortedNet's sorted training of a nested ("sorted") supernet: in every update, {@code g_acc} sub-models are drawn
 * uniformly from the sorted space, each one's loss on the batch is back-propagated into the shared weights, and the
 * accumulated gradient makes one optimizer step,
 * <pre>
 *   θ ← θ − η · Σ_{i=1..g_acc} ∇_θ L(y, f(x; θ_{b_i})),   b_i ~ Uniform(space),
 * </pre>
 * where {@code θ_b} is sub-model b's prefix of the weights (so the gradient of sub-model b reaches only its prefix).
 * On SortedNet's grid of one width per depth, a uniform draw from the grid is a uniform draw of the depth and an
 * independent uniform draw of the width, the paper's per-dimension sampling.
 *
 * <p>Source: Valipour, Rezagholizadeh, Rajabzadeh, Kavehzadeh, Tahaei, Chen &amp; Ghodsi, "SortedNet, a Place for
 * Every Network and Every Network in its Place: Towards a Generalized Solution for Training Many-in-One Neural
 * Networks", arXiv 2309.00255, 2023 (later versions: "SortedNet: A Scalable and Generalized Framework for Training
 * Modular Deep Neural Networks"); the abstract's update scheme, random sampling of sub-networks combined with
 * gradient accumulation. The paper's own value of {@code g_acc} and whether its accumulated passes share a batch
 * could not be checked here: this class draws all {@code g_acc} sub-models on the same batch (as
 * {@link SupernetTraining} does) and offers {@link #budgetMatchedAccumulation} as a principled default.
 *
 * <pre>{@code
 * SubModelSpace space = SubModelSpace.uniformWidths(supernet, new int[] {1, 2, 3}, new int[] {32, 64, 128, 256, 512});
 * int gAcc = SortedTraining.budgetMatchedAccumulation(space);      // 4 for this grid
 * Fit.of(supernet.supernet()).data(x, y, 128).step(SortedTraining.of(space, gAcc)).epochs(4).run();
 * }</pre>
 */
public final class SortedTraining {

    private SortedTraining() {}

    /**
     * The sorted-training step for {@code Fit.step}.
     *
     * @param space the nested sub-models, e.g. {@link SubModelSpace#uniformWidths}
     * @param accumulation {@code g_acc}: sub-models drawn, and gradients accumulated, per optimizer update, ≥ 1
     * @return the step: cross-entropy on the labels, {@code g_acc} independent uniform draws per update, sampling
     *     seeded by {@code Repro.seed()}
     * @throws IllegalArgumentException if {@code accumulation < 1}
     */
    public static SupernetTraining of(SubModelSpace space, int accumulation) {
        return SupernetTraining.of(SamplingRule.random(space, accumulation));
    }

    /**
     * The number of sub-models per update whose expected forward cost equals the largest sub-model's:
     * {@code g_acc = max(1, round(FLOPs(largest) / mean FLOPs of the space))}. Sorted training with it costs about
     * as much per update as training the full model alone, so the supernet and a standalone full model see the
     * same data for about the same compute (the later abstract's claim: no significant extra training cost).
     *
     * @param space the sub-models the step samples from
     * @return {@code g_acc ≥ 1}
     */
    public static int budgetMatchedAccumulation(SubModelSpace space) {
        double mean = 0;
        for (int i = 0; i < space.size(); i++) {
            mean += space.flops(i);
        }
        mean /= space.size();
        return (int) Math.max(1, Math.round(space.flops(space.size() - 1) / mean));
    }
}
