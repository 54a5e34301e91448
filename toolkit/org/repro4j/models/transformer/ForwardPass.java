package org.repro4j.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import org.repro4j.hooks.HookPoint;
import org.repro4j.models.WeightTransforms;

/**
 * One forward pass's access to the model: parameter values read through their weight transforms, and hook points
 * run, with every array owned by the pass's {@code scope} (the manager of the input tokens).
 */
final class ForwardPass {

    private final ParameterStore store;
    private final NDManager scope;
    private final boolean training;
    private final WeightTransforms weightTransforms;

    ForwardPass(ParameterStore store, NDManager scope, boolean training, WeightTransforms weightTransforms) {
        this.store = store;
        this.scope = scope;
        this.training = training;
        this.weightTransforms = weightTransforms;
    }

    /**
     * @param parameter a parameter of the model
     * @return its value as this pass sees it: {@code transform(W)} if a transform is set, else a view of {@code W}
     * @throws IllegalStateException if the transform changed the parameter's shape
     */
    NDArray weight(Parameter parameter) {
        return weightTransforms.read(parameter.getName(), store.getValue(parameter, scope.getDevice(), training), scope);
    }

    /** @return {@code x} after the hook point (recorded or replaced by whatever hooks are installed) */
    NDArray hook(HookPoint point, NDArray x) {
        return point.forward(store, new NDList(x), training).singletonOrThrow();
    }

    /** @return the output of a block that maps one array to one array, run in this pass's mode */
    NDArray run(Block block, NDArray x) {
        return block.forward(store, new NDList(x), training).singletonOrThrow();
    }
}
