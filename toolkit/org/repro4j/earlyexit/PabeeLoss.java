package org.repro4j.earlyexit;

import ai.djl.ndarray.NDArray;
import org.repro4j.engine.AutogradConstants;
import org.repro4j.loss.LossFunction;

/**
 * PABEE's training objective for a multi-exit classifier: the cross-entropies of the exits averaged with weight
 * {@code j} for exit {@code j}, {@code L = Σ_j j·L_j / Σ_j j}, so deeper exits count more (Zhou, Xu, Ge, McAuley,
 * Xu &amp; Wei, 2020, "BERT Loses Patience: Fast and Robust Inference with Early Exit", NeurIPS, arXiv 2006.04152,
 * §3; the weights as in the PABEE model of PALBERT's released code). The halting channel of a {@link PonderClassifier}'s prediction is ignored.
 *
 * <p>Prediction {@code [batch, N, classes + 1]}, labels {@code [batch]}.
 */
public final class PabeeLoss implements LossFunction {

    @Override
    public NDArray apply(NDArray prediction, NDArray labels) {
        NDArray losses = PonderLoss.stepLosses(prediction, labels).mean(new int[] {0});           // [N]
        long steps = losses.getShape().get(0);
        NDArray weights = losses.getManager().arange(1f, steps + 1f);
        return AutogradConstants.times(losses.mul(weights).sum(), 2.0 / (steps * (steps + 1)));
    }

    @Override
    public String toString() {
        return "PabeeLoss";
    }
}
