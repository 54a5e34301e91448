package org.repro4j.earlyexit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.repro4j.engine.AutogradConstants;
import org.repro4j.loss.LossFunction;

/**
 * PALBERT's training objective for a {@link PonderClassifier}: the task loss expected under the exit distribution
 * plus a pull towards a geometric prior,
 * {@code L = Σ_i p_i · CE(y, ŷ_i) + β · KL(p ‖ p_G(λ_p))}, averaged over the batch (Balagansky &amp; Gavrilov,
 * 2022, "PALBERT: Teaching ALBERT to Ponder", NeurIPS, arXiv 2204.03276, which trains with PonderNet's loss:
 * Banino et al., 2021, arXiv 2107.05407, §2).
 *
 * <p>The KL term is written as in PonderNet's equation, {@code KL(p ‖ p_G) = Σ_i p_i (log p_i − log p_G(i))}.
 * PALBERT's released code ({@code src/loss.py}) calls PyTorch's {@code KLDivLoss(log p, p_G)}, which computes
 * the reverse, {@code KL(p_G ‖ p)}; we follow the equation. {@code p} follows {@link Halting} (last step takes the remaining
 * mass).
 *
 * <p>Prediction layout: {@code [batch, N, classes + 1]}, class logits then the halting logit of each step, as
 * {@link PonderClassifier} returns; labels {@code [batch]} class indices.
 */
public final class PonderLoss implements LossFunction {

    private final double beta;
    private final double lambdaP;

    /**
     * @param beta weight of the KL term, ≥ 0 (PALBERT's released training commands use 0.5)
     * @param lambdaP the prior's per-step halting probability, in {@code (0, 1)}
     * @throws IllegalArgumentException if either is out of range
     */
    public PonderLoss(double beta, double lambdaP) {
        if (!(beta >= 0)) {
            throw new IllegalArgumentException("β (the weight of the KL term) must be ≥ 0, got " + beta);
        }
        Halting.geometricPrior(lambdaP, 1); // validates λ_p
        this.beta = beta;
        this.lambdaP = lambdaP;
    }

    @Override
    public NDArray apply(NDArray prediction, NDArray labels) {
        NDArray logP = Halting.logExitDistribution(PonderClassifier.haltingLogits(prediction));   // [b, N]
        NDArray expected = logP.exp().mul(stepLosses(prediction, labels)).sum(new int[] {1}).mean();
        return beta == 0 ? expected : expected.add(AutogradConstants.times(kl(logP), beta));
    }

    /**
     * @param prediction {@code [batch, N, classes + 1]}
     * @param labels {@code [batch]}
     * @return {@code mean_b Σ_i p_i · CE_i}, nats, scalar
     */
    public NDArray expectedTaskLoss(NDArray prediction, NDArray labels) {
        NDArray p = Halting.exitDistribution(PonderClassifier.haltingLogits(prediction));
        return p.mul(stepLosses(prediction, labels)).sum(new int[] {1}).mean();
    }

    /**
     * @param prediction {@code [batch, N, classes + 1]}
     * @return {@code mean_b KL(p ‖ p_G(λ_p))}, nats, scalar
     */
    public NDArray klToPrior(NDArray prediction) {
        return kl(Halting.logExitDistribution(PonderClassifier.haltingLogits(prediction)));
    }

    private NDArray kl(NDArray logP) {
        double[] prior = Halting.geometricPrior(lambdaP, (int) logP.getShape().get(1));
        float[] logPrior = new float[prior.length];
        for (int i = 0; i < prior.length; i++) {
            logPrior[i] = (float) Math.log(prior[i]);
        }
        NDArray logQ = AutogradConstants.array(logP.getManager(), logPrior, new Shape(prior.length));   // [N]
        return logP.exp().mul(logP.sub(logQ)).sum(new int[] {1}).mean();
    }

    /**
     * Cross-entropy of every step's classifier, {@code [batch, N]} nats.
     *
     * @throws IllegalArgumentException if the labels are not one per example
     */
    static NDArray stepLosses(NDArray prediction, NDArray labels) {
        NDArray logits = PonderClassifier.classLogits(prediction);                              // [b, N, C]
        if (labels.getShape().dimension() != 1 || labels.getShape().get(0) != logits.getShape().get(0)) {
            throw new IllegalArgumentException("labels must be one class index per example, shape ["
                    + logits.getShape().get(0) + "], got " + labels.getShape());
        }
        long steps = logits.getShape().get(1);
        NDArray index = labels.toType(DataType.INT64, false).reshape(-1, 1, 1).repeat(1, steps);   // [b, N, 1]
        return logits.logSoftmax(-1).gather(index, -1).squeeze(-1).neg();
    }

    @Override
    public String toString() {
        return "PonderLoss(β=" + beta + ", λ_p=" + lambdaP + ")";
    }
}
