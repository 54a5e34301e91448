package org.repro4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * A weight read as the linear map it applies: a matrix {@code [out, in]} whose row {@code i} holds the weights of
 * output unit {@code i}, whatever the parameter's own axis order, and the hook point whose activation holds the
 * inputs it multiplies. Pruning criteria that compare weights per output (Wanda) or weigh them by their inputs'
 * statistics (Wanda, DSnoT) work on this view, so one implementation serves every model.
 *
 * <table>
 * <caption>the toolkit's weights as {@code [out, in]}</caption>
 * <tr><th>weight</th><th>shape</th><th>output axes</th><th>input axes</th></tr>
 * <tr><td>DJL/PyTorch {@code Linear.weight}</td><td>{@code [out, in]}</td><td>0</td><td>1</td></tr>
 * <tr><td>{@code Conv2d.weight}</td><td>{@code [out, in, kh, kw]}</td><td>0</td><td>1, 2, 3</td></tr>
 * <tr><td>TransformerLens {@code W_in}, {@code W_out}</td><td>{@code [in, out]}</td><td>1</td><td>0</td></tr>
 * <tr><td>TransformerLens {@code W_Q, W_K, W_V}</td><td>{@code [H, d, e]}</td><td>0, 2</td><td>1</td></tr>
 * <tr><td>TransformerLens {@code W_O}</td><td>{@code [H, e, d]}</td><td>2</td><td>0, 1</td></tr>
 * </table>
 * Rows and columns enumerate their axes in row-major order, so row {@code h·e + k} of {@code W_Q} is head
 * {@code h}, component {@code k}.
 */
public final class WeightLayout {

    private final Shape shape;
    private final int[] outputAxes;
    private final int[] inputAxes;
    private final String inputHook;
    private final long applicationsPerExample;
    private final int convolutionPadding;
    private final int[] rowOffsets;
    private final int[] columnOffsets;

    private WeightLayout(Shape shape, int[] outputAxes, String inputHook, long applicationsPerExample,
            int convolutionPadding) {
        int rank = shape.dimension();
        boolean[] isOutput = new boolean[rank];
        for (int axis : outputAxes) {
            if (axis < 0 || axis >= rank || isOutput[axis]) {
                throw new IllegalArgumentException("output axes " + Arrays.toString(outputAxes)
                        + " must be distinct axes of the weight's shape " + shape);
            }
            isOutput[axis] = true;
        }
        if (outputAxes.length == rank) {
            throw new IllegalArgumentException("a weight of shape " + shape + " needs at least one input axis");
        }
        if (applicationsPerExample < 1) {
            throw new IllegalArgumentException("a weight is applied at least once per example; got "
                    + applicationsPerExample);
        }
        this.shape = shape;
        this.outputAxes = outputAxes.clone();
        this.inputAxes = IntStream.range(0, rank).filter(a -> !isOutput[a]).toArray();
        this.inputHook = inputHook;
        this.applicationsPerExample = applicationsPerExample;
        this.convolutionPadding = convolutionPadding;
        long[] strides = new long[rank];
        long stride = 1;
        for (int a = rank - 1; a >= 0; a--) {
            strides[a] = stride;
            stride *= shape.get(a);
        }
        this.rowOffsets = offsets(this.outputAxes, strides);
        this.columnOffsets = offsets(this.inputAxes, strides);
    }

    /** Flat offset of each combination of {@code axes}' indices, combinations in row-major order. */
    private int[] offsets(int[] axes, long[] strides) {
        int count = 1;
        for (int axis : axes) {
            count = Math.multiplyExact(count, Math.toIntExact(shape.get(axis)));
        }
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            long rest = i;
            long offset = 0;
            for (int k = axes.length - 1; k >= 0; k--) {
                long size = shape.get(axes[k]);
                offset += (rest % size) * strides[axes[k]];
                rest /= size;
            }
            out[i] = Math.toIntExact(offset);
        }
        return out;
    }

    /**
     * A weight that multiplies its input features directly: a linear layer or a projection of every token.
     *
     * @param shape the parameter's shape
     * @param outputAxes the axes that index output units, e.g. {@code {0}} for a DJL {@code Linear.weight}
     *     {@code [out, in]}; the other axes index input features
     * @param inputHook the hook point whose activation, reshaped to {@code [N, in]}, is the weight's input
     * @return the layout; applied once per example (once per token for a language model)
     * @throws IllegalArgumentException if the axes are not distinct axes of {@code shape} or leave no input axis
     */
    public static WeightLayout matrix(Shape shape, int[] outputAxes, String inputHook) {
        return new WeightLayout(shape, outputAxes, inputHook, 1, -1);
    }

    /**
     * A 2-D convolution kernel {@code [out, in, kh, kw]} with stride 1: output channel {@code o} is row {@code o},
     * its input features are the {@code in·kh·kw} entries of one input patch.
     *
     * @param shape the kernel's shape {@code [out, in, kh, kw]}
     * @param inputHook the hook point whose activation {@code [batch, in, h, w]} the convolution reads
     * @param padding zero padding on each side of both spatial axes
     * @param outputPositions output pixels per example ({@code h_out·w_out}), the times the kernel is applied
     * @return the layout
     * @throws IllegalArgumentException if {@code shape} is not 4-D or a count is negative
     */
    public static WeightLayout conv2d(Shape shape, String inputHook, int padding, long outputPositions) {
        if (shape.dimension() != 4 || padding < 0) {
            throw new IllegalArgumentException("a conv2d kernel is [out, in, kh, kw] with padding ≥ 0; got " + shape
                    + " and padding " + padding);
        }
        return new WeightLayout(shape, new int[] {0}, inputHook, outputPositions, padding);
    }

    /** @return the parameter's shape */
    public Shape shape() {
        return shape;
    }

    /** @return number of output units, the rows of the {@code [out, in]} view */
    public int outputs() {
        return rowOffsets.length;
    }

    /** @return number of input features, the columns of the {@code [out, in]} view */
    public int inputs() {
        return columnOffsets.length;
    }

    /** @return the hook point whose activation holds the weight's inputs, e.g. {@code layers.0.hook_post} */
    public String inputHook() {
        return inputHook;
    }

    /**
     * @return how many times one example applies the weight: 1 for a linear layer (per token for a language
     *     model), {@code h_out·w_out} for a convolution; its multiply-adds per example are this times its size
     */
    public long applicationsPerExample() {
        return applicationsPerExample;
    }

    /**
     * @param row output unit, in {@code [0, outputs())}
     * @param column input feature, in {@code [0, inputs())}
     * @return the row-major flat index of that weight in the parameter
     */
    public int flatIndex(int row, int column) {
        return rowOffsets[row] + columnOffsets[column];
    }

    /**
     * The weight's inputs as rows of features, in the column order of the {@code [out, in]} view: the recorded
     * activation reshaped to {@code [N, in]} (every token, or every example), or for a convolution its input patches
     * ({@code im2col}: one row per example and output pixel).
     *
     * @param activation the activation recorded at {@link #inputHook()}, e.g. {@code [batch, seq, d_model]} or
     *     {@code [batch, in, h, w]}; the result belongs to its manager
     * @return {@code [N, inputs()]}
     * @throws IllegalArgumentException if the activation's size does not fit {@code inputs()}
     */
    public NDArray inputFeatures(NDArray activation) {
        if (convolutionPadding >= 0) {
            return patches(activation);
        }
        if (activation.size() % inputs() != 0) {
            throw new IllegalArgumentException("the activation at " + inputHook + " has shape " + activation.getShape()
                    + ", which does not split into rows of " + inputs() + " input features");
        }
        return activation.reshape(-1, inputs());
    }

    /** {@code [b, c, h, w]} → {@code [b·h_out·w_out, c·kh·kw]}, patch entries in kernel order (c, i, j). */
    private NDArray patches(NDArray x) {
        Shape s = x.getShape();
        long channels = shape.get(1);
        int kh = (int) shape.get(2);
        int kw = (int) shape.get(3);
        if (s.dimension() != 4 || s.get(1) != channels) {
            throw new IllegalArgumentException("the convolution reads [batch, " + channels + ", h, w] at " + inputHook
                    + " but the activation has shape " + s);
        }
        int p = convolutionPadding;
        NDArray padded = p == 0 ? x : x.pad(new Shape(p, p, p, p), 0);   // [b, c, h + 2p, w + 2p]
        long hOut = s.get(2) + 2L * p - kh + 1;
        long wOut = s.get(3) + 2L * p - kw + 1;
        NDList shifted = new NDList();
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                shifted.add(padded.get(new NDIndex(":, :, {}:{}, {}:{}", i, i + hOut, j, j + wOut)));
            }
        }
        return NDArrays.stack(shifted, 2)                      // [b, c, kh·kw, h_out, w_out]
                .transpose(0, 3, 4, 1, 2)                     // [b, h_out, w_out, c, kh·kw]
                .reshape(-1, inputs());
    }

    @Override
    public String toString() {
        return "WeightLayout[" + shape + " as [" + outputs() + ", " + inputs() + "], outputs " + Arrays.toString(outputAxes)
                + ", inputs " + Arrays.toString(inputAxes) + " from " + inputHook + "]";
    }
}
