package org.repro4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * The binary logistic loss on a single logit with labels y ∈ {−1, +1}, averaged over the batch:
 * L = (1/N) Σ_n softplus(−y_n f_n) = (1/N) Σ_n log(1 + e^(−y_n f_n)).
 *
 * <p>The loss of Hermann et al., "On the Foundations of Shortcut Learning", ICLR 2024 (arXiv 2310.16228), for its
 * binary tasks; it equals PyTorch's {@code F.binary_cross_entropy_with_logits(f, (y + 1) / 2)}. The softplus is
 * PyTorch's numerically stable one, so large margins neither overflow nor lose the gradient.
 */
public final class LogisticLoss implements LossFunction {

    /**
     * @param logits f, shape {@code [batch, 1]} (a model with one output) or {@code [batch]}
     * @param labels y ∈ {−1, +1}, shape {@code [batch]}, a float type; other values are not checked (reading them
     *     back every step would cost a host copy) and give a meaningless loss
     * @return mean logistic loss in nats, shape {@code []}
     * @throws IllegalArgumentException if the logits have more than one output per row or the batch sizes differ
     */
    @Override
    public NDArray apply(NDArray logits, NDArray labels) {
        Shape shape = logits.getShape();
        boolean column = shape.dimension() == 2 && shape.get(1) == 1;
        if (!(shape.dimension() == 1 || column) || !labels.getShape().equals(new Shape(shape.get(0)))) {
            throw new IllegalArgumentException("LogisticLoss needs one logit per row, shaped [batch] or [batch, 1],"
                    + " and labels in {-1, +1} shaped [batch]; got logits " + shape + " and labels "
                    + labels.getShape() + ". For several classes use CrossEntropy.");
        }
        NDArray f = column ? logits.squeeze(1) : logits;
        return Activation.softPlus(f.mul(labels).neg()).mean();
    }

    @Override
    public String toString() {
        return "LogisticLoss";
    }
}
