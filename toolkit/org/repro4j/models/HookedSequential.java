package org.repro4j.models;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.repro4j.hooks.HookPoint;

/**
 * A chain of blocks run in order, with {@link HookPoint}s among them; the shared body of {@link Mlp} and
 * {@link SmallCnn}. Subclasses add their children in the constructor.
 *
 * <p>Parameters are named {@code <block>.<DJL parameter>}, e.g. {@code layers.0.linear.weight}; the weights of the
 * linear and convolutional blocks a subclass registers with {@link #appendWeighted} are maskable. Weight transforms
 * are read through a parameter store that wraps the caller's only while at least one transform is set, so without
 * transforms the forward pass and training are exactly DJL's.
 */
abstract class HookedSequential extends AbstractBlock implements Maskable {

    private final Init init;
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Function<Shape, WeightLayout>> layouts = new LinkedHashMap<>();
    private final WeightTransforms weightTransforms = new WeightTransforms();

    HookedSequential(Init init) {
        this.init = init;
    }

    /** Adds the next block of the chain; its parameters are named {@code <name>.<parameter>}. */
    final void append(String name, Block block) {
        addChildBlock(name, block);
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            parameters.put(name + "." + p.getKey(), p.getValue());
        }
    }

    /**
     * Adds a block whose {@code weight} is maskable.
     *
     * @param layout the weight's layout for its shape (known once the model is initialized)
     */
    final void appendWeighted(String name, Block block, Function<Shape, WeightLayout> layout) {
        append(name, block);
        layouts.put(name + ".weight", layout);
    }

    /** @return the shape of one input example batch of size 1, e.g. {@code [1, 784]} */
    abstract Shape exampleInputShape();

    /**
     * Creates the parameters in {@code manager} with this model's {@link Init} scheme, after seeding the engine's
     * random generator (a global setting) with {@code seed}, so the same seed gives the same weights.
     *
     * @param manager owns the parameters; closing it frees them
     * @param seed random seed for the initial weights
     * @return this model
     */
    final HookedSequential initializeSeeded(NDManager manager, long seed) {
        Engine.getInstance().setRandomSeed(Long.hashCode(seed));
        initialize(manager, DataType.FLOAT32, exampleInputShape());
        init.apply(this);
        return this;
    }

    /**
     * Runs the model in evaluation mode (batch norm uses running statistics; no gradient is recorded unless a
     * gradient collector is open).
     *
     * @param x input batch, attached to the manager that should own the activations
     * @return logits, shape {@code [batch, outputs]}
     */
    @Override
    public NDArray logits(NDArray x) {
        return forward(new ParameterStore(x.getManager(), false), new NDList(x), false).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        ParameterStore read = weightTransforms.isEmpty() ? store
                : new TransformingStore(store, inputs.head().getManager());
        NDList x = inputs;
        for (Block child : children.values()) {
            x = child.forward(read, x, training, params);
        }
        return x;
    }

    /** Hands the children each parameter through its weight transform; the rest as the wrapped store gives it. */
    private final class TransformingStore extends ParameterStore {
        private final ParameterStore base;
        private final NDManager scope;
        private final Map<Parameter, String> transformed = new IdentityHashMap<>();

        TransformingStore(ParameterStore base, NDManager scope) {
            super(base.getManager(), false);
            this.base = base;
            this.scope = scope;
            weightTransforms.asMap().keySet().forEach(name -> transformed.put(parameters.get(name), name));
        }

        @Override
        public NDArray getValue(Parameter parameter, Device device, boolean training) {
            NDArray value = base.getValue(parameter, device, training);
            String name = parameter == null ? null : transformed.get(parameter);
            return name == null ? value : weightTransforms.read(name, value, scope);
        }
    }

    @Override
    public List<String> parameterNames() {
        return List.copyOf(parameters.keySet());
    }

    @Override
    public List<String> maskableParameterNames() {
        return List.copyOf(layouts.keySet());
    }

    @Override
    public NDArray parameter(String name) {
        NDArray array = requireParameter(name).getArray();
        if (array == null) {
            throw new IllegalStateException("initialize the model before reading its parameters, e.g. "
                    + "model.initialize(manager, Repro.seed())");
        }
        return array;
    }

    private Parameter requireParameter(String name) {
        Parameter parameter = parameters.get(name);
        if (parameter == null) {
            throw new NoSuchElementException("no parameter '" + name + "' in this model; its parameters are "
                    + parameters.keySet());
        }
        return parameter;
    }

    @Override
    public WeightLayout layout(String name) {
        Function<Shape, WeightLayout> layout = layouts.get(name);
        if (layout == null) {
            throw new NoSuchElementException("'" + name + "' is not a maskable weight of this model; its maskable "
                    + "weights are " + layouts.keySet());
        }
        return layout.apply(parameter(name).getShape());
    }

    @Override
    public void setWeightTransform(String name, UnaryOperator<NDArray> transform) {
        requireParameter(name);
        weightTransforms.set(name, transform);
    }

    @Override
    public UnaryOperator<NDArray> removeWeightTransform(String name) {
        return weightTransforms.remove(name);
    }

    @Override
    public Map<String, UnaryOperator<NDArray>> weightTransforms() {
        return weightTransforms.asMap();
    }

    @Override
    public NDArray effectiveWeight(String name, NDManager scope) {
        return weightTransforms.read(name, parameter(name), scope);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block child : children.values()) {
            child.initialize(manager, dataType, shapes);
            shapes = child.getOutputShapes(shapes);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block child : children.values()) {
            shapes = child.getOutputShapes(shapes);
        }
        return shapes;
    }
}
