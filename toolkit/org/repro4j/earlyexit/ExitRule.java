package org.repro4j.earlyexit;

import java.util.Arrays;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * When a multi-exit model stops computing for an example: a decision taken step by step from what the steps so far
 * produced — the halting probability {@code λ_i} and the exit classifier's prediction. The model always exits at its
 * last step.
 *
 * <ul>
 *   <li>{@link #qExit(double)} — PALBERT's deterministic Q-exit: the first step whose exit-distribution CDF
 *       {@code Σ_{j≤i} p_j} reaches {@code q} (Balagansky &amp; Gavrilov, 2022, "PALBERT: Teaching ALBERT to
 *       Ponder", NeurIPS, arXiv 2204.03276). The same input always exits at the same step.</li>
 *   <li>{@link #sampled(long)} — PonderNet's exit: at step {@code i} exit with probability {@code λ_i}
 *       (Banino, Balaguer &amp; Blundell, 2021, "PonderNet: Learning to Ponder", arXiv 2107.05407, §2), the
 *       rule whose variance PALBERT replaces.</li>
 *   <li>{@link #patience(int)} — PABEE: exit once the prediction has stayed the same for {@code t} consecutive
 *       steps (Zhou et al., 2020, "BERT Loses Patience: Fast and Robust Inference with Early Exit", NeurIPS, arXiv
 *       2006.04152, §3).</li>
 *   <li>{@link #fixedStep(int)} — every example exits at one step: the static-depth baseline.</li>
 * </ul>
 *
 * {@code p_i = λ_i · Π_{j<i} (1 − λ_j)} as in {@link Halting}. A rule is immutable; {@link #start(int)} makes the
 * per-batch state.
 */
public final class ExitRule {

    /** The per-example state of a rule over one batch, asked once per step for every example still running. */
    @FunctionalInterface
    public interface Tracker {
        /**
         * @param example row of the batch
         * @param step 1-based step just computed
         * @param lambda that step's halting probability {@code λ_i}
         * @param prediction that step's predicted class
         * @return whether the example exits at this step
         */
        boolean exitsAt(int example, int step, double lambda, int prediction);
    }

    private final String name;
    private final IntFunction<Tracker> start;

    private ExitRule(String name, IntFunction<Tracker> start) {
        this.name = name;
        this.start = start;
    }

    /**
     * @param q the CDF threshold, in {@code (0, 1)}: small exits early, near 1 late
     * @return Q-exit at threshold {@code q}
     * @throws IllegalArgumentException if {@code q} is not in {@code (0, 1)}
     */
    public static ExitRule qExit(double q) {
        if (!(q > 0 && q < 1)) {
            throw new IllegalArgumentException("the halting threshold q must be in (0, 1), got " + q + ": the exit"
                    + " distribution's CDF is above 0 after the first step and reaches 1 only at the last, so q ≤ 0"
                    + " always exits at step 1 and q ≥ 1 never exits early. PALBERT tunes q on validation data,"
                    + " e.g. 0.5");
        }
        return new ExitRule("Q-exit(q=" + q + ")", batch -> {
            double[] cdf = new double[batch];
            double[] stay = new double[batch];
            Arrays.fill(stay, 1);
            return (e, step, lambda, prediction) -> {
                cdf[e] += lambda * stay[e];
                stay[e] *= 1 - lambda;
                return cdf[e] >= q;
            };
        });
    }

    /**
     * @param seed seed of the Bernoulli draws; a batch draws in row order, step by step
     * @return PonderNet's sampled exit
     */
    public static ExitRule sampled(long seed) {
        return new ExitRule("sampled exit(seed=" + seed + ")", batch -> {
            Random rng = new Random(seed);
            return (e, step, lambda, prediction) -> rng.nextDouble() < lambda;
        });
    }

    /**
     * @param patience consecutive steps with an unchanged prediction before exiting, ≥ 1 (exits at step
     *     {@code patience + 1} at the earliest)
     * @return PABEE's patience rule
     * @throws IllegalArgumentException if {@code patience < 1}
     */
    public static ExitRule patience(int patience) {
        if (patience < 1) {
            throw new IllegalArgumentException("PABEE's patience must be ≥ 1 (steps with an unchanged prediction),"
                    + " got " + patience + "; to exit after the first step use ExitRule.fixedStep(1)");
        }
        return new ExitRule("PABEE(patience=" + patience + ")", batch -> {
            int[] last = new int[batch];
            Arrays.fill(last, -1);
            int[] unchanged = new int[batch];
            return (e, step, lambda, prediction) -> {
                unchanged[e] = prediction == last[e] ? unchanged[e] + 1 : 0;
                last[e] = prediction;
                return unchanged[e] >= patience;
            };
        });
    }

    /**
     * @param step 1-based step every example exits at, ≥ 1 (a step past the model's last exits at the last)
     * @return a static exit
     * @throws IllegalArgumentException if {@code step < 1}
     */
    public static ExitRule fixedStep(int step) {
        if (step < 1) {
            throw new IllegalArgumentException("steps count from 1, got " + step);
        }
        return new ExitRule("fixed step " + step, batch -> (e, s, lambda, prediction) -> s >= step);
    }

    /**
     * @param batch examples in the batch
     * @return fresh per-example state
     */
    public Tracker start(int batch) {
        return start.apply(batch);
    }

    @Override
    public String toString() {
        return name;
    }
}
