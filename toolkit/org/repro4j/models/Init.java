package org.repro4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.Initializer;
import java.util.Random;

/**
 * How the weights and biases of linear and convolutional layers start.
 *
 * <p>The two schemes differ, and papers written in PyTorch assume {@link #PYTORCH}, so models here default to it
 * and say so:
 *
 * <ul>
 *   <li>{@link #PYTORCH}: weight and bias ~ U(−1/√fan_in, 1/√fan_in), as {@code torch.nn.Linear} and
 *       {@code torch.nn.Conv2d} ({@code kaiming_uniform_(a=√5)} gives exactly this bound for weights).
 *   <li>{@link #DJL_DEFAULT}: what DJL 0.36 does when nothing is set: weight ~ N(0, 2/fan_in) (its
 *       {@code XavierInitializer(GAUSSIAN, IN, 2)}, i.e. He/Kaiming normal) and bias = 0.
 * </ul>
 *
 * fan_in is the number of inputs of one output unit: {@code in_features} for a linear layer,
 * {@code in_channels · kernel_h · kernel_w} for a convolution.
 */
public enum Init {
    /** Weight and bias ~ U(±1/√fan_in), PyTorch's default for Linear and Conv2d. */
    PYTORCH,
    /** DJL's own default: weight ~ N(0, 2/fan_in), bias 0. */
    DJL_DEFAULT;

    /**
     * Re-draws the weights and biases of every {@link Linear} and {@link Convolution} in an initialized model
     * (no-op for {@link #DJL_DEFAULT}, which DJL already applied). Uses the engine's random generator, so seed
     * it first for reproducible weights.
     *
     * @param model an initialized block tree
     * @throws IllegalStateException if {@code model} is not initialized
     */
    public void apply(Block model) {
        if (!model.isInitialized()) {
            throw new IllegalStateException("initialize the model before applying an init scheme");
        }
        if (this == DJL_DEFAULT) {
            return;
        }
        reinitialize(model);
    }

    /**
     * Normal weights drawn from a seeded {@link Random}, not from the engine's generator, so a seed gives the same
     * weights on every machine; parameters initialised in a fixed order draw from one generator in that order.
     *
     * @param rng the model's initialisation generator
     * @param std standard deviation
     * @return an initializer drawing N(0, std²)
     */
    public static Initializer normal(Random rng, float std) {
        return (manager, shape, dataType) -> {
            float[] values = new float[Math.toIntExact(shape.size())];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (rng.nextGaussian() * std);
            }
            return manager.create(values, shape).toType(dataType, false);
        };
    }

    private static void reinitialize(Block block) {
        if (block instanceof Linear || block instanceof Convolution) {
            Parameter weight = block.getParameters().get("weight");
            NDArray w = weight.getArray();
            long fanIn = w.getShape().size() / w.getShape().get(0); // weight is [out, in, ...kernel]
            float bound = (float) (1.0 / Math.sqrt(fanIn));
            uniform(weight.getArray(), bound);
            Parameter bias = block.getParameters().get("bias");
            if (bias != null && bias.getArray() != null) {
                uniform(bias.getArray(), bound);
            }
        }
        block.getChildren().values().forEach(Init::reinitialize);
    }

    private static void uniform(NDArray target, float bound) {
        NDManager manager = target.getManager();
        try (NDArray draw = manager.randomUniform(-bound, bound, target.getShape(), target.getDataType())) {
            draw.copyTo(target);
        }
    }
}
