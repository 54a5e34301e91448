package org.repro4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The weight transforms of one model, by parameter name: the forward pass reads a parameter {@code W} as
 * {@code transform(W)}. The extension point behind {@link Maskable#setWeightTransform}; models hold one and read
 * every parameter through {@link #read}.
 */
public final class WeightTransforms {

    private final Map<String, UnaryOperator<NDArray>> transforms = new LinkedHashMap<>();

    /**
     * @param name parameter name
     * @param transform maps the raw weight to the effective one, same shape; replaces an earlier one
     */
    public void set(String name, UnaryOperator<NDArray> transform) {
        transforms.put(name, transform);
    }

    /**
     * @param name parameter name
     * @return the removed transform, or null if the parameter was read raw
     */
    public UnaryOperator<NDArray> remove(String name) {
        return transforms.remove(name);
    }

    /** Makes every parameter read raw again. */
    public void clear() {
        transforms.clear();
    }

    /** @return whether every parameter is read raw */
    public boolean isEmpty() {
        return transforms.isEmpty();
    }

    /** @return parameter name → transform, in the order they were set (unmodifiable view) */
    public Map<String, UnaryOperator<NDArray>> asMap() {
        return Collections.unmodifiableMap(transforms);
    }

    /**
     * The parameter as a forward pass sees it.
     *
     * @param name parameter name
     * @param value the raw value the pass's parameter store gives
     * @param scope the pass's manager: it owns the returned array and the transform's temporaries
     * @return {@code transform(value)} if a transform is set, else a view of {@code value}; same shape
     * @throws IllegalStateException if the transform changed the shape
     */
    public NDArray read(String name, NDArray value, NDManager scope) {
        // a view owned by the pass's scope, so arrays derived from the weight are freed with the pass's
        NDArray view = value.reshape(value.getShape());
        view.attach(scope);
        UnaryOperator<NDArray> transform = transforms.get(name);
        if (transform == null) {
            return view;
        }
        NDArray effective = transform.apply(view);
        if (!effective.getShape().equals(value.getShape())) {
            throw new IllegalStateException("the weight transform of '" + name + "' changed its shape from "
                    + value.getShape() + " to " + effective.getShape() + "; a transform must keep the shape");
        }
        return effective;
    }
}
