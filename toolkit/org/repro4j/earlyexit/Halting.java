package org.repro4j.earlyexit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;

/**
 * PonderNet's halting distribution: at step {@code i} of {@code N} a halting probability {@code λ_i} gives the
 * probability of exiting exactly there, {@code p_i = λ_i · Π_{j<i} (1 − λ_j)} (Banino, Balaguer &amp; Blundell,
 * 2021, "PonderNet: Learning to Ponder", arXiv 2107.05407, §2), and the geometric prior that PonderNet and
 * PALBERT pull it towards.
 *
 * <p>The last step takes the remaining mass ({@code λ_N = 1}, PonderNet's truncation at the maximum step), so
 * {@code p} is a distribution over steps {@code 1..N} and its CDF reaches 1 at step {@code N}. (PALBERT's released
 * code instead leaves the remaining mass unassigned during training; at inference both exit at {@code N} at the
 * latest.)
 *
 * <p>Computed in log space from the halting logits {@code z_i} ({@code λ_i = σ(z_i)}):
 * {@code log p_i = log σ(z_i) + Σ_{j<i} log σ(−z_j)}, so tiny exit probabilities do not underflow to
 * {@code log 0}.
 */
public final class Halting {

    private Halting() {}

    /**
     * @param haltingLogits {@code z [batch, N]} with {@code λ_i = σ(z_i)}; the last column is ignored
     *     ({@code λ_N = 1})
     * @return {@code log p [batch, N]}, each row's exponentials summing to 1; differentiable
     */
    public static NDArray logExitDistribution(NDArray haltingLogits) {
        long steps = haltingLogits.getShape().get(1);
        NDArray logHalt = Activation.softPlus(haltingLogits.neg()).neg();             // log λ_i
        NDArray logStay = Activation.softPlus(haltingLogits).neg();                   // log (1 − λ_i)
        NDArray zeros = haltingLogits.get(new NDIndex(":, :1")).zerosLike();          // [b, 1]
        if (steps == 1) {
            return zeros;
        }
        NDArray before = zeros.concat(logStay.get(new NDIndex(":, :-1")).cumSum(1), 1); // Σ_{j<i} log (1 − λ_j)
        NDArray halt = logHalt.get(new NDIndex(":, :-1")).concat(zeros, 1);           // λ_N = 1
        return halt.add(before);
    }

    /**
     * @param haltingLogits {@code z [batch, N]}
     * @return the exit distribution {@code p [batch, N]}; differentiable
     */
    public static NDArray exitDistribution(NDArray haltingLogits) {
        return logExitDistribution(haltingLogits).exp();
    }

    /**
     * The truncated geometric prior {@code p_G(i) = λ_p (1 − λ_p)^{i−1}} for {@code i < N}, with the remaining
     * mass {@code (1 − λ_p)^{N−1}} at {@code N}: PonderNet's prior (§2), as PALBERT's released code truncates it; its mean number of steps is about
     * {@code 1/λ_p} when {@code N} is large.
     *
     * @param lambdaP the prior's halting probability per step, in {@code (0, 1)}
     * @param steps {@code N ≥ 1}
     * @return {@code p_G [N]}, summing to 1
     * @throws IllegalArgumentException if {@code lambdaP} is outside {@code (0, 1)} or {@code steps < 1}
     */
    public static double[] geometricPrior(double lambdaP, int steps) {
        if (!(lambdaP > 0 && lambdaP < 1) || steps < 1) {
            throw new IllegalArgumentException("the geometric prior needs λ_p in (0, 1) (its mean is about 1/λ_p"
                    + " steps) and at least 1 step; got λ_p = " + lambdaP + ", steps = " + steps);
        }
        double[] prior = new double[steps];
        double stay = 1;
        for (int i = 0; i < steps - 1; i++) {
            prior[i] = stay * lambdaP;
            stay *= 1 - lambdaP;
        }
        prior[steps - 1] = stay;
        return prior;
    }
}
