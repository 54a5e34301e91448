package org.repro4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * An optimizer setting: the update rule and its hyper-parameters (the learning rate is the base rate that an
 * {@link LrSchedule} scales). Each training run creates fresh optimizer state (momentum, Adam moments) in the
 * run's own memory scope and frees it when the run ends, so re-running a training cell does not accumulate
 * state, and a second {@link Fit#run()} on the same model starts the optimizer afresh.
 *
 * <p>Updates use DJL's fused native kernels (one native call per parameter tensor; they also zero the
 * parameter's gradient). They follow PyTorch's {@code torch.optim} rules with two documented differences:
 * Adam adds ε to √v before bias correction (PyTorch adds it after: ε differs by a factor √(1−β₂ᵗ), negligible
 * for ε = 1e-8); and SGD with momentum accumulates lr·g in the buffer (PyTorch accumulates g and multiplies by lr
 * afterwards; identical for a constant learning rate).
 */
public abstract sealed class Optimizer permits Optimizer.Sgd, Optimizer.Adam {

    private final double learningRate;
    private final double weightDecay;

    private Optimizer(double learningRate, double weightDecay) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("the learning rate must be a positive number such as 1e-3; got " + learningRate);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be ≥ 0; got " + weightDecay);
        }
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
    }

    /**
     * Plain minibatch SGD, w ← w − lr·g.
     *
     * @param learningRate base learning rate, e.g. 0.01
     * @return the setting
     */
    public static Optimizer sgd(double learningRate) {
        return new Sgd(learningRate, 0, 0);
    }

    /**
     * SGD with momentum and L2 weight decay (g ← g + wd·w).
     *
     * @param learningRate base learning rate
     * @param momentum momentum coefficient in [0, 1), e.g. 0.9
     * @param weightDecay L2 coefficient, e.g. 5e-4; 0 for none
     * @return the setting
     */
    public static Optimizer sgd(double learningRate, double momentum, double weightDecay) {
        return new Sgd(learningRate, momentum, weightDecay);
    }

    /**
     * Adam (Kingma and Ba 2015) with β = (0.9, 0.999), ε = 1e-8 and no weight decay, as {@code torch.optim.Adam}.
     *
     * @param learningRate base learning rate, e.g. 1e-3
     * @return the setting
     */
    public static Optimizer adam(double learningRate) {
        return new Adam(learningRate, 0, false);
    }

    /**
     * AdamW (Loshchilov and Hutter 2019): Adam with decoupled weight decay w ← w − lr·wd·w, β = (0.9, 0.999),
     * ε = 1e-8, as {@code torch.optim.AdamW}.
     *
     * @param learningRate base learning rate, e.g. 3e-3
     * @param weightDecay decoupled decay coefficient; PyTorch's default is 0.01
     * @return the setting
     */
    public static Optimizer adamW(double learningRate, double weightDecay) {
        return new Adam(learningRate, weightDecay, true);
    }

    /** @return the base learning rate */
    public double learningRate() {
        return learningRate;
    }

    /** @return the weight-decay coefficient (L2 for SGD, decoupled for AdamW) */
    public double weightDecay() {
        return weightDecay;
    }

    /**
     * Creates this optimizer's state for {@code parameters}.
     *
     * @param parameters trainable parameter arrays, in a fixed order
     * @param runManager owns the state; closed when the run ends
     */
    abstract Updater start(List<NDArray> parameters, NDManager runManager);

    /** Applies one update to parameter {@code index} of the list given to {@link #start}. */
    interface Updater {
        /**
         * @param index position of the parameter in the list
         * @param step 1-based update count (Adam's bias correction)
         * @param learningRate the scheduled rate for this step
         * @param weight the parameter, updated in place; its gradient is zeroed
         * @param gradient the parameter's gradient
         */
        void update(int index, int step, float learningRate, NDArray weight, NDArray gradient);
    }

    private static final float NO_RESCALE = 1f;
    private static final float NO_CLIP = -1f;

    /** SGD with optional momentum and L2 weight decay. */
    static final class Sgd extends Optimizer {
        private final double momentum;

        Sgd(double learningRate, double momentum, double weightDecay) {
            super(learningRate, weightDecay);
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1); got " + momentum);
            }
            this.momentum = momentum;
        }

        @Override
        Updater start(List<NDArray> parameters, NDManager runManager) {
            List<NDArray> buffers = momentum == 0 ? List.of()
                    : parameters.stream().map(p -> runManager.zeros(p.getShape(), p.getDataType())).toList();
            float wd = (float) weightDecay();
            float mu = (float) momentum;
            return (index, step, lr, weight, gradient) -> {
                NDList inputs = momentum == 0 ? new NDList(weight, gradient) : new NDList(weight, gradient, buffers.get(index));
                weight.getNDArrayInternal().sgdUpdate(inputs, new NDList(weight), lr, wd, NO_RESCALE, NO_CLIP, mu, true);
            };
        }

        @Override
        public String toString() {
            return "SGD(lr=" + learningRate() + (momentum > 0 ? ", momentum=" + momentum : "")
                    + (weightDecay() > 0 ? ", weight_decay=" + weightDecay() : "") + ")";
        }
    }

    /** Adam, or AdamW when the weight decay is decoupled. */
    static final class Adam extends Optimizer {
        private static final float BETA1 = 0.9f;
        private static final float BETA2 = 0.999f;
        private static final float EPSILON = 1e-8f;
        private final boolean decoupled;

        Adam(double learningRate, double weightDecay, boolean decoupled) {
            super(learningRate, weightDecay);
            this.decoupled = decoupled;
        }

        @Override
        Updater start(List<NDArray> parameters, NDManager runManager) {
            List<NDArray> means = parameters.stream().map(p -> runManager.zeros(p.getShape(), p.getDataType())).toList();
            List<NDArray> variances = parameters.stream().map(p -> runManager.zeros(p.getShape(), p.getDataType())).toList();
            float wd = (float) weightDecay();
            return (index, step, lr, weight, gradient) -> {
                double corrected = lr * Math.sqrt(1 - Math.pow(BETA2, step)) / (1 - Math.pow(BETA1, step));
                weight.getNDArrayInternal().adamUpdate(
                        new NDList(weight, gradient, means.get(index), variances.get(index)), new NDList(weight),
                        lr, (float) corrected, wd, NO_RESCALE, NO_CLIP, BETA1, BETA2, EPSILON, true, decoupled);
            };
        }

        @Override
        public String toString() {
            return (decoupled ? "AdamW" : "Adam") + "(lr=" + learningRate()
                    + (weightDecay() > 0 ? ", weight_decay=" + weightDecay() : "") + ")";
        }
    }
}
