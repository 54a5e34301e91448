package org.repro4j.loss;

import ai.djl.ndarray.NDArray;

/**
 * Cross-entropy against a target distribution per row, averaged over rows:
 * L = −(1/N) Σ_n Σ_k p_n[k] · log softmax(z_n)[k].
 *
 * <p>Used for knowledge distillation (targets are a teacher's softmax; Hinton et al. 2015), for training a
 * subnetwork towards bigram next-token distributions (Chang and Bergen, "Bigram subnetworks", 2025) and for
 * mixed labels (CutMix). With one-hot targets it equals {@link CrossEntropy}. Equivalent to PyTorch's
 * {@code F.cross_entropy(z, p)} with probability targets.
 */
public final class SoftTargetCrossEntropy implements LossFunction {

    /**
     * @param logits {@code [..., classes]}, e.g. {@code [batch, seq, vocab]}
     * @param targets same shape as {@code logits}; each row a probability distribution (non-negative, sums to 1)
     * @return mean cross-entropy in nats, shape {@code []}; it includes the targets' entropy, so it equals
     *     KL(p ‖ softmax z) + H(p)
     * @throws IllegalArgumentException if the shapes differ
     */
    @Override
    public NDArray apply(NDArray logits, NDArray targets) {
        if (!logits.getShape().equals(targets.getShape())) {
            throw new IllegalArgumentException("SoftTargetCrossEntropy needs targets shaped like the logits "
                    + logits.getShape() + " (one distribution per row); got " + targets.getShape()
                    + ". For integer class labels use CrossEntropy.");
        }
        return logits.logSoftmax(-1).mul(targets).sum(new int[] {-1}).mean().neg();
    }

    @Override
    public String toString() {
        return "SoftTargetCrossEntropy";
    }
}
