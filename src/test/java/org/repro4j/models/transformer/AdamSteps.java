package org.repro4j.models.transformer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.List;

/** A minimal next-token training loop for tests and the benchmark (the toolkit's trainer lives elsewhere). */
final class AdamSteps {

    private final TinyTransformerLM lm;
    private final Optimizer adam;
    private final List<Parameter> parameters;

    AdamSteps(TinyTransformerLM lm, float learningRate) {
        this.lm = lm;
        this.adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate)).build();
        this.parameters = lm.getParameters().values();
    }

    /**
     * One optimiser step on next-token cross-entropy.
     *
     * @param tokens [batch, seq + 1] ids, in a manager the caller closes after the step
     * @return the loss before the step, nats
     */
    float step(NDArray tokens) {
        NDArray loss;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            loss = lm.loss(tokens);
            collector.backward(loss);
        }
        for (Parameter parameter : parameters) {
            NDArray weight = parameter.getArray();
            try (NDArray grad = weight.getGradient()) {
                adam.update(parameter.getId(), weight, grad);
                grad.subi(grad);
            }
        }
        return loss.getFloat();
    }
}
