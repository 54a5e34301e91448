package org.repro4j.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.repro4j.hooks.HookPoint;

/**
 * One forward pass's access to the model: parameter values read through their weight transforms, and hook points
 * run, with every array owned by the pass's {@code scope} (the manager of the input tokens).
 */
final class ForwardPass {

    private final ParameterStore store;
    private final NDManager scope;
    private final boolean training;
    private final Map<String, UnaryOperator<NDArray>> weightTransforms;

    ForwardPass(ParameterStore store, NDManager scope, boolean training,
            Map<String, UnaryOperator<NDArray>> weightTransforms) {
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
        NDArray value = store.getValue(parameter, scope.getDevice(), training);
        // a view owned by the pass's scope, so arrays derived from the weight are freed with the pass's
        NDArray view = value.reshape(value.getShape());
        view.attach(scope);
        UnaryOperator<NDArray> transform = weightTransforms.get(parameter.getName());
        if (transform == null) {
            return view;
        }
        NDArray effective = transform.apply(view);
        if (!effective.getShape().equals(value.getShape())) {
            throw new IllegalStateException("the weight transform of '" + parameter.getName()
                    + "' changed its shape from " + value.getShape() + " to " + effective.getShape());
        }
        return effective;
    }

    /** @return {@code x} after the hook point (recorded or replaced by whatever hooks are installed) */
    NDArray hook(HookPoint point, NDArray x) {
        return point.forward(store, new NDList(x), training).singletonOrThrow();
    }
}
