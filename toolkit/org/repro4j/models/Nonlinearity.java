package org.repro4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.function.UnaryOperator;

/**
 * Element-wise activation functions for {@link Mlp} and {@link SmallCnn} hidden layers.
 *
 * <p>Each maps an array to one of the same shape. {@link #GELU} is the tanh approximation that DJL's
 * {@link Activation#gelu(NDArray)} computes (PyTorch's {@code approximate='tanh'}).
 */
public enum Nonlinearity {
    /** max(0, x). */
    RELU(Activation::relu),
    /** tanh(x). */
    TANH(Activation::tanh),
    /** x·Φ(x), tanh approximation (Hendrycks and Gimpel 2016). */
    GELU(Activation::gelu),
    /** 1 / (1 + e^(−x)). */
    SIGMOID(Activation::sigmoid),
    /** x (a deep linear network). */
    IDENTITY(x -> x);

    private final UnaryOperator<NDArray> function;

    Nonlinearity(UnaryOperator<NDArray> function) {
        this.function = function;
    }

    /**
     * @param x any shape
     * @return the activation, same shape as {@code x}
     */
    public NDArray apply(NDArray x) {
        return function.apply(x);
    }
}
