package org.repro4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a constant that is safe inside a recorded (autograd) forward pass. Use it instead of DJL's
 * {@code NDArray.mul(Number)} / {@code div(Number)} wherever a gradient will flow through the result.
 *
 * <p><b>Why.</b> With the PyTorch engine (DJL 0.36), {@code x.mul(c)} wraps {@code c} in a tensor that views a
 * direct {@link java.nio.ByteBuffer} ({@code torch::from_blob}), multiplies, and closes that wrapper. Autograd has
 * saved the scalar tensor for the backward pass (∂(x·c)/∂x = c), but its memory belongs to the buffer, which the
 * garbage collector may free before {@code backward} runs. The backward pass then reads freed memory: on the 2-core
 * machine some steps got W_Q and W_K gradients of exactly 0, and training runs with the same seed diverged after
 * about 20 steps, depending on when G1's concurrent cycle freed the buffer. Here the constant is made by
 * {@code torch::full}, so PyTorch owns its memory and autograd's reference keeps it alive.
 */
public final class ScalarOps {

    private ScalarOps() {}

    /**
     * @param x any array, e.g. attention scores {@code [batch, heads, seq, seq]}
     * @param factor the constant
     * @return {@code x · factor}, same shape and data type as {@code x}, owned by {@code x}'s manager
     */
    public static NDArray times(NDArray x, double factor) {
        try (NDArray constant = x.getManager().full(new Shape(), (float) factor, x.getDataType())) {
            return x.mul(constant);
        }
    }
}
