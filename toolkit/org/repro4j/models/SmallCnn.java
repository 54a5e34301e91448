package org.repro4j.models;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.Arrays;
import org.repro4j.hooks.HookPoint;

/**
 * A small convolutional classifier for 28×28 grey images: for each entry of {@code channels} a stage
 * conv 3×3 (padding 1) → optional batch norm → ReLU → max-pool 2×2, then a linear read-out of the flattened
 * feature map.
 *
 * <p>Input {@code [batch, 1, 28, 28]} (a flat {@code [batch, 784]} is reshaped to it); output logits
 * {@code [batch, classes]}. With channels {@code (8, 16)} the feature map before the read-out is
 * {@code [batch, 16, 7, 7]}.
 *
 * <p>Hook points, in forward order: {@code hook_input} {@code [batch, 1, 28, 28]}; for each stage i:
 * {@code layers.i.hook_pre} (after conv and batch norm), {@code layers.i.hook_post} (after ReLU), both
 * {@code [batch, c_i, s, s]}, and {@code layers.i.hook_pool} {@code [batch, c_i, s/2, s/2]}; {@code hook_logits}
 * {@code [batch, classes]}. Weights start with {@link Init#PYTORCH} unless another {@link Init} is given.
 *
 * <p>Parameters ({@link Maskable} names): per stage i {@code layers.i.conv.weight} {@code [c_i, c_(i−1), 3, 3]} and
 * {@code layers.i.conv.bias} {@code [c_i]}; with batch norm {@code layers.i.norm.gamma}, {@code .beta},
 * {@code .runningMean}, {@code .runningVar} {@code [c_i]}; then {@code readout.weight} {@code [classes, features]}
 * and {@code readout.bias}. The conv kernels and the read-out weight are maskable; a kernel reads
 * {@code hook_input} or {@code layers.(i−1).hook_pool}, the read-out the last {@code hook_pool}, flattened.
 */
public final class SmallCnn extends HookedSequential {

    private static final int SIDE = 28;

    /**
     * A CNN with PyTorch's initialization.
     *
     * @see #SmallCnn(int, boolean, Init, int...)
     */
    public SmallCnn(int classes, boolean batchNorm, int... channels) {
        this(classes, batchNorm, Init.PYTORCH, channels);
    }

    /**
     * @param classes number of logits
     * @param batchNorm whether each conv is followed by batch normalization (running statistics at evaluation)
     * @param init how weights and biases start
     * @param channels output channels of each conv stage, e.g. {@code 8, 16}; at most 4 stages (28 → 1 pixel)
     * @throws IllegalArgumentException if no stage is given, more than 4, or a count is not positive
     */
    public SmallCnn(int classes, boolean batchNorm, Init init, int... channels) {
        super(init);
        if (classes <= 0 || channels.length == 0 || channels.length > 4 || Arrays.stream(channels).anyMatch(c -> c <= 0)) {
            throw new IllegalArgumentException("SmallCnn needs classes > 0 and 1–4 positive channel counts such as (8, 16); got classes="
                    + classes + ", channels=" + Arrays.toString(channels));
        }
        append("to_image", LambdaBlock.singleton(x -> x.reshape(x.getShape().get(0), 1, SIDE, SIDE), "to_image"));
        append("hook_input", new HookPoint("hook_input"));
        String input = "hook_input";
        for (int i = 0; i < channels.length; i++) {
            String layer = "layers." + i;
            String reads = input;
            long pixels = (long) (SIDE >> i) * (SIDE >> i); // padding 1 keeps the side; each stage's pool halves it
            appendWeighted(layer + ".conv", Conv2d.builder()
                    .setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(channels[i]).build(),
                    shape -> WeightLayout.conv2d(shape, reads, 1, pixels));
            if (batchNorm) {
                append(layer + ".norm", BatchNorm.builder().build());
            }
            append(layer + ".hook_pre", new HookPoint(layer + ".hook_pre"));
            append(layer + ".activation", LambdaBlock.singleton(Nonlinearity.RELU::apply, "RELU"));
            append(layer + ".hook_post", new HookPoint(layer + ".hook_post"));
            append(layer + ".pool", Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
            append(layer + ".hook_pool", new HookPoint(layer + ".hook_pool"));
            input = layer + ".hook_pool";
        }
        String features = input;
        append("flatten", Blocks.batchFlattenBlock());
        appendWeighted("readout", Linear.builder().setUnits(classes).build(),
                shape -> WeightLayout.matrix(shape, new int[] {0}, features));
        append("hook_logits", new HookPoint("hook_logits"));
    }

    /**
     * Creates the parameters (see {@link Init}) after seeding the engine's random generator.
     *
     * @param manager owns the parameters; closing it frees them
     * @param seed seed for the initial weights, e.g. {@code Repro.seed()}
     * @return this model
     */
    public SmallCnn initialize(NDManager manager, long seed) {
        initializeSeeded(manager, seed);
        return this;
    }

    @Override
    Shape exampleInputShape() {
        return new Shape(1, 1, SIDE, SIDE);
    }
}
