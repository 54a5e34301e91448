package org.repro4j.train;

import ai.djl.ndarray.NDArray;

/**
 * What one training step of {@link Fit} computes before its optimizer update. The default step is the model's
 * forward pass on the batch, the loss and one backward pass; a custom step (set with {@link Fit#step}) may run
 * several forward and backward passes on the same batch, e.g. one per sampled sub-model of a supernet or one per
 * exit layer. Every backward pass adds to the parameters' gradients, and Fit applies one update to their sum:
 * gradient accumulation within a step.
 *
 * <pre>{@code
 * CrossEntropy crossEntropy = new CrossEntropy();
 * Fit.of(mlp).data(x, y, 128).step((batch, backward) -> {   // the default step, written out
 *     NDArray loss = crossEntropy.apply(mlp.logits(batch.inputs()), batch.targets());
 *     backward.backward(loss);
 *     return loss.toFloatArray()[0];
 * }).steps(1000).run();
 * }</pre>
 */
@FunctionalInterface
public interface TrainingStep {

    /**
     * Runs one step's forward and backward passes; gradients are recorded while it runs.
     *
     * @param batch the step's batch; its arrays, and everything computed from them, are freed when the step ends
     * @param backward back-propagates a loss; the gradients of successive calls add up
     * @return the step's training loss as the history reports it ({@code train_loss}); a NaN or infinite value
     *     stops training before this step's update (see {@link TrainingDivergedException})
     */
    double run(Batch batch, Backward backward);

    /** Back-propagation inside a {@link TrainingStep}. */
    @FunctionalInterface
    interface Backward {
        /**
         * Adds the gradient of {@code loss} to every parameter it depends on, and frees the graph behind it (a
         * second call on the same loss fails).
         *
         * @param loss a scalar, shape {@code []}, built from the model's parameters in this step
         * @throws IllegalStateException if the loss is not a scalar
         */
        void backward(NDArray loss);
    }
}
