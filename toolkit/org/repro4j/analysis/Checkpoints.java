package org.repro4j.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.Arrays;

/** Checkpoint steps of a training run, and a model's logits read at them; shared by the shortcut sweeps. */
final class Checkpoints {

    private Checkpoints() {}

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
