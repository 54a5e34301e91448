package org.repro4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.repro4j.hooks.HookPoint;

/**
 * A multi-layer perceptron: {@code depth} hidden layers of {@code width} units with an activation function, then
 * a linear read-out; {@code depth = 0} is a linear model.
 *
 * <p>Input {@code [batch, inputDim]}; any {@code [batch, ...]} whose trailing sizes multiply to {@code inputDim}
 * (e.g. images {@code [batch, 1, 28, 28]}) is flattened first. Output: logits {@code [batch, outputs]}.
 *
 * <p>Hook points, in forward order (see {@link org.repro4j.hooks.ActivationCache}):
 * {@code hook_input} {@code [batch, inputDim]}; for each hidden layer i: {@code layers.i.hook_pre} (pre-activation)
 * and {@code layers.i.hook_post} (after the activation), both {@code [batch, width]}; {@code hook_logits}
 * {@code [batch, outputs]}.
 *
 * <p>Parameters ({@link Maskable} names, PyTorch's {@code [out, in]} order): {@code layers.i.linear.weight}
 * {@code [width, in]} and {@code layers.i.linear.bias} {@code [width]} for each hidden layer, then
 * {@code readout.weight} {@code [outputs, in]} and {@code readout.bias}; the weights are maskable, each reading the
 * hook point before it ({@code hook_input} or {@code layers.(i−1).hook_post}).
 *
 * <pre>{@code
 * Mlp mlp = new Mlp(784, 2, 256, 10, Nonlinearity.RELU).initialize(manager, Repro.seed());
 * NDArray logits = mlp.logits(images);   // [batch, 10]
 * }</pre>
 *
 * Weights start with {@link Init#PYTORCH} unless another {@link Init} is given.
 */
public final class Mlp extends HookedSequential {

    private final int inputDim;
    private final List<Linear> linears = new ArrayList<>();

    /**
     * An MLP with PyTorch's initialization.
     *
     * @see #Mlp(int, int, int, int, Nonlinearity, Init)
     */
    public Mlp(int inputDim, int depth, int width, int outputs, Nonlinearity activation) {
        this(inputDim, depth, width, outputs, activation, Init.PYTORCH);
    }

    /**
     * @param inputDim number of input features (784 for 28×28 images)
     * @param depth number of hidden layers; 0 gives a linear model
     * @param width units per hidden layer (ignored when {@code depth} is 0)
     * @param outputs number of logits (classes; 1 for a binary score)
     * @param activation applied after each hidden layer
     * @param init how weights and biases start
     * @throws IllegalArgumentException if a size is not positive or {@code depth} is negative
     */
    public Mlp(int inputDim, int depth, int width, int outputs, Nonlinearity activation, Init init) {
        super(init);
        if (inputDim <= 0 || outputs <= 0 || depth < 0 || (depth > 0 && width <= 0)) {
            throw new IllegalArgumentException("Mlp needs inputDim > 0, outputs > 0, depth ≥ 0 and width > 0; got inputDim="
                    + inputDim + ", depth=" + depth + ", width=" + width + ", outputs=" + outputs);
        }
        this.inputDim = inputDim;
        append("flatten", LambdaBlock.singleton(this::flatten, "flatten"));
        append("hook_input", new HookPoint("hook_input"));
        String input = "hook_input";
        for (int i = 0; i < depth; i++) {
            Linear linear = Linear.builder().setUnits(width).build();
            linears.add(linear);
            appendWeighted("layers." + i + ".linear", linear, readerOf(input));
            append("layers." + i + ".hook_pre", new HookPoint("layers." + i + ".hook_pre"));
            append("layers." + i + ".activation", LambdaBlock.singleton(activation::apply, activation.name()));
            append("layers." + i + ".hook_post", new HookPoint("layers." + i + ".hook_post"));
            input = "layers." + i + ".hook_post";
        }
        Linear readout = Linear.builder().setUnits(outputs).build();
        linears.add(readout);
        appendWeighted("readout", readout, readerOf(input));
        append("hook_logits", new HookPoint("hook_logits"));
    }

    /**
     * Creates the parameters (see {@link Init}) after seeding the engine's random generator.
     *
     * @param manager owns the parameters; closing it frees them
     * @param seed seed for the initial weights, e.g. {@code Repro.seed()}
     * @return this model
     */
    public Mlp initialize(NDManager manager, long seed) {
        initializeSeeded(manager, seed);
        return this;
    }

    /**
     * @return the linear layers in forward order: the {@code depth} hidden layers, then the read-out. Each holds
     *     {@code weight [out, in]} and {@code bias [out]} parameters.
     */
    public List<Linear> linears() {
        return List.copyOf(linears);
    }

    /** A {@code Linear.weight [out, in]} reading the activation at {@code hook}. */
    private static Function<Shape, WeightLayout> readerOf(String hook) {
        return shape -> WeightLayout.matrix(shape, new int[] {0}, hook);
    }

    @Override
    Shape exampleInputShape() {
        return new Shape(1, inputDim);
    }

    /** {@code [batch, ...]} → {@code [batch, inputDim]}; an input already of that shape passes as is (no native call). */
    private NDArray flatten(NDArray x) {
        Shape shape = x.getShape();
        return shape.dimension() == 2 && shape.get(1) == inputDim ? x : x.reshape(shape.get(0), inputDim);
    }
}
