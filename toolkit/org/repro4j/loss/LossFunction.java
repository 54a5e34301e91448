package org.repro4j.loss;

import ai.djl.ndarray.NDArray;

/**
 * A training objective: maps the model's output and the batch's targets to a scalar to minimize.
 *
 * <p>A lambda is enough for a paper's own loss, e.g. a mean squared error
 * {@code (f, y) -> f.squeeze(-1).sub(y).square().mean()}; the binary logistic loss softplus(−y·f) is
 * {@link LogisticLoss}.
 */
@FunctionalInterface
public interface LossFunction {

    /**
     * @param prediction the model's output for the batch, e.g. logits {@code [batch, classes]}
     * @param target the batch's targets, shape defined by the loss
     * @return the loss, a scalar (shape {@code []}) that keeps the autograd graph of {@code prediction}
     */
    NDArray apply(NDArray prediction, NDArray target);
}
