package org.repro4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Constants that stay valid inside a recorded (autograd) forward pass. Use these instead of DJL's
 * {@code NDArray.mul(Number)} / {@code div(Number)}, and instead of closing an array made by
 * {@code manager.create(float[] ...)} right after using it, wherever a gradient may flow through the result.
 *
 * <p><b>Why.</b> With the PyTorch engine (DJL 0.36), {@code manager.create(values)} makes a tensor that views a
 * direct {@link java.nio.ByteBuffer} ({@code torch::from_blob}); only the Java wrapper keeps that buffer alive.
 * {@code x.mul(c)} creates such a tensor for {@code c}, multiplies, and closes the wrapper. Autograd has saved the
 * tensor for the backward pass (∂(x·c)/∂x = c), but the garbage collector may free the buffer before
 * {@code backward} runs, which then reads freed memory. On the 2-core machine some steps got W_Q and W_K gradients of
 * exactly 0 this way, and training runs with the same seed diverged after about 20 steps, depending on when G1's
 * concurrent cycle freed the buffer. Tensors made by {@code torch::full} or copied by {@code clone} own their memory,
 * and autograd's reference keeps it alive.
 */
public final class AutogradConstants {

    private AutogradConstants() {}

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

    /**
     * @param manager owner of the new array
     * @param values the constant's elements, row-major
     * @param shape its shape; {@code shape.size()} must equal {@code values.length}
     * @return a {@code float32} copy of {@code values} whose memory PyTorch owns, so it may be closed right after use
     *     in an op
     * @throws IllegalArgumentException if the shape does not match the number of values
     */
    public static NDArray array(NDManager manager, float[] values, Shape shape) {
        if (shape.size() != values.length) {
            throw new IllegalArgumentException(values.length + " values cannot fill shape " + shape);
        }
        try (NDArray view = manager.create(values, shape)) {
            return view.duplicate(); // a clone allocates memory that PyTorch owns
        }
    }
}
