package org.repro4j.loss;

import ai.djl.ndarray.NDArray;

/**
 * A training objective: maps the model's output and the batch's targets to a scalar to minimize.
 *
 * <p>A lambda is enough for a paper's own loss, e.g. the logistic loss softplus(−y·f) of the shortcut paper:
 * {@code (f, y) -> Activation.softPlus(f.squeeze(-1).mul(y).neg()).mean()}.
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
