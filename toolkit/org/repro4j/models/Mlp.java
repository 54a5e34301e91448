package org.repro4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.repro4j.hooks.HookPoint;

/**
 * A multi-layer perceptron: hidden layers of {@code width} units (or one width per layer) with an activation
 * function, then a linear read-out; no hidden layer is a linear model.
 *
 * <p>Input {@code [batch, inputDim]}; any {@code [batch, ...]} whose trailing sizes multiply to {@code inputDim}
 * (e.g. images {@code [batch, 1, 28, 28]}) is flattened first. Output: logits {@code [batch, outputs]}.
 *
 * <p>Hook points, in forward order (see {@link org.repro4j.hooks.ActivationCache}):
 * {@code hook_input} {@code [batch, inputDim]}; for each hidden layer i: {@code layers.i.hook_pre} (pre-activation)
 * and {@code layers.i.hook_post} (after the activation), both {@code [batch, width_i]}; {@code hook_logits}
 * {@code [batch, outputs]}.
 *
 * <p>Parameters ({@link Maskable} names, PyTorch's {@code [out, in]} order): {@code layers.i.linear.weight}
 * {@code [width_i, in]} and {@code layers.i.linear.bias} {@code [width_i]} for each hidden layer, then
 * {@code readout.weight} {@code [outputs, in]} and {@code readout.bias}; the weights are maskable, each reading the
 * hook point before it ({@code hook_input} or {@code layers.(i−1).hook_post}).
 *
 * <pre>{@code
 * Mlp mlp = new Mlp(784, 2, 256, 10, Nonlinearity.RELU).initialize(manager, Repro.seed());
 * NDArray logits = mlp.logits(images);   // [batch, 10]
 * Mlp tapered = new Mlp(784, new int[] {256, 128}, 10, Nonlinearity.RELU).initialize(manager, Repro.seed());
 * }</pre>
 *
 * Weights start with {@link Init#PYTORCH} unless another {@link Init} is given.
 */
public final class Mlp extends HookedSequential {

    private final int inputDim;
    private final int[] widths;
    private final int outputs;
    private final Nonlinearity activation;
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
        this(inputDim, uniformWidths(inputDim, depth, width, outputs), outputs, activation, init);
    }

    /**
     * An MLP with one width per hidden layer and PyTorch's initialization.
     *
     * @see #Mlp(int, int[], int, Nonlinearity, Init)
     */
    public Mlp(int inputDim, int[] widths, int outputs, Nonlinearity activation) {
        this(inputDim, widths, outputs, activation, Init.PYTORCH);
    }

    /**
     * @param inputDim number of input features (784 for 28×28 images)
     * @param widths units of each hidden layer, in forward order; empty for a linear model
     * @param outputs number of logits (classes; 1 for a binary score)
     * @param activation applied after each hidden layer
     * @param init how weights and biases start
     * @throws IllegalArgumentException if a size is not positive
     */
    public Mlp(int inputDim, int[] widths, int outputs, Nonlinearity activation, Init init) {
        super(init);
        if (inputDim <= 0 || outputs <= 0 || Arrays.stream(widths).anyMatch(w -> w <= 0)) {
            throw new IllegalArgumentException("Mlp needs inputDim > 0, outputs > 0 and every width > 0; got inputDim="
                    + inputDim + ", widths=" + Arrays.toString(widths) + ", outputs=" + outputs);
        }
        this.inputDim = inputDim;
        this.widths = widths.clone();
        this.outputs = outputs;
        this.activation = activation;
        append("flatten", LambdaBlock.singleton(this::flatten, "flatten"));
        append("hook_input", new HookPoint("hook_input"));
        String input = "hook_input";
        for (int i = 0; i < widths.length; i++) {
            Linear linear = Linear.builder().setUnits(widths[i]).build();
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

    /** {@code depth} copies of {@code width}, after checking the sizes (a constructor must call this() first). */
    private static int[] uniformWidths(int inputDim, int depth, int width, int outputs) {
        if (inputDim <= 0 || outputs <= 0 || depth < 0 || (depth > 0 && width <= 0)) {
            throw new IllegalArgumentException("Mlp needs inputDim > 0, outputs > 0, depth ≥ 0 and width > 0; got inputDim="
                    + inputDim + ", depth=" + depth + ", width=" + width + ", outputs=" + outputs);
        }
        int[] widths = new int[depth];
        Arrays.fill(widths, width);
        return widths;
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

    /** @return number of input features */
    public int inputDim() {
        return inputDim;
    }

    /** @return units of each hidden layer, in forward order (a copy; empty for a linear model) */
    public int[] widths() {
        return widths.clone();
    }

    /** @return number of hidden layers */
    public int depth() {
        return widths.length;
    }

    /** @return number of logits */
    public int outputs() {
        return outputs;
    }

    /** @return the activation after each hidden layer */
    public Nonlinearity activation() {
        return activation;
    }

    /**
     * The model's first step, for code that runs the layers itself (e.g. a sub-model's forward pass).
     *
     * @param x {@code [batch, ...]} whose trailing sizes multiply to {@code inputDim}
     * @return {@code [batch, inputDim]}; an input already of that shape passes as is (no native call)
     */
    public NDArray flatten(NDArray x) {
        Shape shape = x.getShape();
        return shape.dimension() == 2 && shape.get(1) == inputDim ? x : x.reshape(shape.get(0), inputDim);
    }

    /** A {@code Linear.weight [out, in]} reading the activation at {@code hook}. */
    private static Function<Shape, WeightLayout> readerOf(String hook) {
        return shape -> WeightLayout.matrix(shape, new int[] {0}, hook);
    }

    @Override
    Shape exampleInputShape() {
        return new Shape(1, inputDim);
    }
}
