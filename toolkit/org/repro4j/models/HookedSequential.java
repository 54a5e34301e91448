package org.repro4j.models;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.repro4j.hooks.HookPoint;

/**
 * A chain of blocks run in order, with {@link HookPoint}s among them; the shared body of {@link Mlp} and
 * {@link SmallCnn}. Subclasses add their children in the constructor.
 */
abstract class HookedSequential extends AbstractBlock {

    private final Init init;

    HookedSequential(Init init) {
        this.init = init;
    }

    /** Adds the next block of the chain. */
    final void append(String name, Block block) {
        addChildBlock(name, block);
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
    public NDArray logits(NDArray x) {
        return forward(new ParameterStore(x.getManager(), false), new NDList(x), false).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = inputs;
        for (Block child : children.values()) {
            x = child.forward(store, x, training, params);
        }
        return x;
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
