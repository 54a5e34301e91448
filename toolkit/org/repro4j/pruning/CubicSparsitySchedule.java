package org.repro4j.pruning;

/**
 * The sparsity schedule of gradual pruning (Zhu &amp; Gupta, 2017, "To prune, or not to prune: exploring the
 * efficacy of pruning for model compression", arXiv 1710.01878, eq. 1): starting at step {@code t₀} the mask is
 * updated every {@code Δt} steps, {@code n} times, to
 * <pre>    s_t = s_f + (s_i − s_f) · (1 − (t − t₀)/(n·Δt))³,   t ∈ {t₀, t₀ + Δt, …, t₀ + n·Δt},</pre>
 * so the sparsity rises fast while the network is redundant and slowly as it approaches the final {@code s_f}.
 *
 * @param initialSparsity {@code s_i}, in [0, 1), usually 0
 * @param finalSparsity {@code s_f}, in [{@code s_i}, 1)
 * @param startStep {@code t₀}, ≥ 0, in optimizer steps
 * @param pruningSteps {@code n}, the number of mask updates after {@code t₀}, ≥ 1
 * @param frequency {@code Δt}, steps between mask updates, ≥ 1 (the paper uses 100 to 1000)
 */
public record CubicSparsitySchedule(double initialSparsity, double finalSparsity, long startStep, long pruningSteps,
        long frequency) {

    /** @throws IllegalArgumentException naming the value that is out of range */
    public CubicSparsitySchedule {
        Ranking.requireSparsity(initialSparsity);
        Ranking.requireSparsity(finalSparsity);
        if (finalSparsity < initialSparsity) {
            throw new IllegalArgumentException("the final sparsity " + finalSparsity + " is below the initial "
                    + initialSparsity + "; gradual pruning only removes weights");
        }
        if (startStep < 0 || pruningSteps < 1 || frequency < 1) {
            throw new IllegalArgumentException("the schedule needs startStep ≥ 0, pruningSteps ≥ 1 and frequency ≥ 1; "
                    + "got " + startStep + ", " + pruningSteps + ", " + frequency);
        }
    }

    /**
     * @param step optimizer steps taken so far
     * @return the target sparsity of the mask in force after {@code step} steps: 0 before {@code t₀} (the model
     *     is dense), then eq. 1 at the last update step {@code ≤ step}, and {@code s_f} from {@code t₀ + n·Δt} on
     */
    public double sparsityAt(long step) {
        if (step < startStep) {
            return 0;
        }
        long updates = Math.min(pruningSteps, (step - startStep) / frequency);
        double remaining = 1 - (double) updates / pruningSteps;
        return finalSparsity + (initialSparsity - finalSparsity) * remaining * remaining * remaining;
    }

    /**
     * @param step optimizer steps taken so far
     * @return whether the mask is updated at {@code step}: {@code t₀ + kΔt} for {@code k = 0..n}
     */
    public boolean isPruningStep(long step) {
        return step >= startStep && (step - startStep) % frequency == 0 && (step - startStep) / frequency <= pruningSteps;
    }

    /** @return {@code t₀ + n·Δt}, the step at which the final sparsity is reached */
    public long endStep() {
        return startStep + pruningSteps * frequency;
    }
}
