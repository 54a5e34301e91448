package org.repro4j.papers.shortcutlearning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.IntConsumer;
import org.repro4j.loss.LogisticLoss;
import org.repro4j.train.Fit;
import org.repro4j.train.Optimizer;

/**
 * The training loop of the shortcut sweeps (logistic loss, plain SGD, measurements at checkpoint steps), and a
 * model's logits read at those checkpoints.
 */
final class Checkpoints {

    /** Called after a checkpoint step with the training thread's CPU seconds since the run began. */
    @FunctionalInterface
    interface AtCheckpoint {
        void accept(int step, double cpuSeconds);
    }

    private Checkpoints() {}

    /**
     * Trains a one-logit model in place with the logistic loss softplus(−y·f) and plain minibatch SGD, up to the
     * last checkpoint.
     *
     * @param model inputs [n, ...] to logits [n, 1], initialized
     * @param x training inputs [n, ...]
     * @param y labels ±1, shape [n]
     * @param batchSize minibatch size
     * @param learningRate SGD learning rate
     * @param seed seed of the batch order
     * @param steps strictly increasing checkpoint steps ≥ 1; the last one is the training budget
     * @param atCheckpoint called after each checkpoint step (its CPU time includes earlier measurements)
     * @param eachStep called after every step, after that step's checkpoint call if any
     * @throws IllegalArgumentException if the checkpoints are empty, not increasing or not positive
     */
    static void trainLogistic(Block model, NDArray x, NDArray y, int batchSize, double learningRate, long seed,
            int[] steps, AtCheckpoint atCheckpoint, IntConsumer eachStep) {
        requireIncreasing(steps);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        Fit.of(model)
                .data(x, y, batchSize)
                .loss(new LogisticLoss())
                .optimizer(Optimizer.sgd(learningRate))
                .steps(steps[steps.length - 1])
                .seed(seed)
                .quiet()
                .afterStep(step -> {
                    if (contains(steps, step)) {
                        atCheckpoint.accept(step, (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9);
                    }
                    eachStep.accept(step);
                })
                .run();
    }

    /**
     * @param steps checkpoint steps
     * @throws IllegalArgumentException if there are none, the first is below 1 or they do not increase strictly
     */
    static void requireIncreasing(int[] steps) {
        if (steps.length == 0 || steps[0] < 1) {
            throw new IllegalArgumentException("give at least one checkpoint step >= 1, e.g. 30, 100, 300; got "
                    + Arrays.toString(steps));
        }
        for (int k = 1; k < steps.length; k++) {
            if (steps[k] <= steps[k - 1]) {
                throw new IllegalArgumentException("checkpoint steps must increase strictly; got "
                        + Arrays.toString(steps));
            }
        }
    }

    /** @return whether {@code step} is one of the (increasing) checkpoint steps */
    static boolean contains(int[] steps, int step) {
        return Arrays.binarySearch(steps, step) >= 0;
    }

    /**
     * Runs a one-logit model in evaluation mode; its activations live in a scope freed before returning, so
     * reading logits during training does not grow native memory.
     *
     * @param model inputs [n, ...] to logits [n, 1]
     * @param x the inputs, shape [n, ...]; left untouched
     * @return the logits, shape [n]
     */
    static double[] logits(Block model, NDArray x) {
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray input = x.duplicate();
            input.attach(scope);
            float[] f = model.forward(new ParameterStore(scope, false), new NDList(input), false)
                    .singletonOrThrow().toFloatArray();
            double[] out = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                out[i] = f[i];
            }
            return out;
        }
    }
}
