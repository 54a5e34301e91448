package org.repro4j.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.ejml.data.DMatrixRMaj;
import org.repro4j.engine.AutogradConstants;

/**
 * Conversions between the three forms a weight matrix takes in the analyses: DJL {@link NDArray} (what the model
 * stores), {@code double[][]} (what notebooks and tests write by hand) and EJML {@link DMatrixRMaj} (what the linear
 * algebra runs on). Index order is always {@code [row][column]}; nothing is transposed on the way.
 */
public final class Matrices {

    private Matrices() {}

    /**
     * @param rows a rectangular array, shape {@code [rows, cols]}
     * @return a copy as an EJML matrix
     * @throws IllegalArgumentException if {@code rows} is empty or ragged
     */
    public static DMatrixRMaj toDMatrix(double[][] rows) {
        checkRectangular(rows, "matrix");
        return new DMatrixRMaj(rows);
    }

    /**
     * @param m an EJML matrix
     * @return a copy as {@code double[rows][cols]}
     */
    public static double[][] toArray(DMatrixRMaj m) {
        double[][] out = new double[m.numRows][m.numCols];
        for (int i = 0; i < m.numRows; i++) {
            System.arraycopy(m.data, i * m.numCols, out[i], 0, m.numCols);
        }
        return out;
    }

    /**
     * Copies a 2-D array of any float type to doubles (the array stays where it is).
     *
     * @param x shape {@code [rows, cols]}
     * @return a copy as {@code double[rows][cols]}
     * @throws IllegalArgumentException if {@code x} is not 2-D
     */
    public static double[][] toArray(NDArray x) {
        Shape shape = x.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException(
                    "expected a matrix [rows, cols] but got shape " + shape + "; select one head first, e.g. W_O.get(h)");
        }
        return reshape(doubles(x), (int) shape.get(0), (int) shape.get(1));
    }

    /**
     * Splits per-head weights into one matrix per head, e.g. {@code W_V [n_heads, d_model, d_head]}.
     *
     * @param x shape {@code [n_heads, rows, cols]}
     * @return {@code double[n_heads][rows][cols]}
     * @throws IllegalArgumentException if {@code x} is not 3-D
     */
    public static double[][][] toHeadArrays(NDArray x) {
        Shape shape = x.getShape();
        if (shape.dimension() != 3) {
            throw new IllegalArgumentException(
                    "expected per-head weights [n_heads, rows, cols] but got shape " + shape);
        }
        int heads = (int) shape.get(0);
        int rows = (int) shape.get(1);
        int cols = (int) shape.get(2);
        double[] flat = doubles(x);
        double[][][] out = new double[heads][][];
        for (int h = 0; h < heads; h++) {
            double[] block = new double[rows * cols];
            System.arraycopy(flat, h * rows * cols, block, 0, rows * cols);
            out[h] = reshape(block, rows, cols);
        }
        return out;
    }

    /**
     * @param manager owner of the new array
     * @param rows shape {@code [rows, cols]}
     * @return a {@code float32} array of shape {@code [rows, cols]} (the models' dtype) whose memory PyTorch owns
     *     ({@link AutogradConstants#array})
     */
    public static NDArray toNDArray(NDManager manager, double[][] rows) {
        checkRectangular(rows, "matrix");
        int cols = rows[0].length;
        float[] f = new float[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < cols; j++) {
                f[i * cols + j] = (float) rows[i][j];
            }
        }
        return AutogradConstants.array(manager, f, new Shape(rows.length, cols));
    }

    /**
     * @param rows a matrix as {@code double[rows][cols]}
     * @param what its name in the error message, e.g. {@code "W_OV"}
     * @throws IllegalArgumentException if {@code rows} is empty or ragged
     */
    public static void checkRectangular(double[][] rows, String what) {
        if (rows == null || rows.length == 0 || rows[0].length == 0) {
            throw new IllegalArgumentException(what + " is empty; pass a [rows, cols] array with rows, cols >= 1");
        }
        for (int i = 1; i < rows.length; i++) {
            if (rows[i].length != rows[0].length) {
                throw new IllegalArgumentException(what + " is ragged: row 0 has " + rows[0].length
                        + " columns but row " + i + " has " + rows[i].length);
            }
        }
    }

    private static double[] doubles(NDArray x) {
        if (x.getDataType() == DataType.FLOAT64) {
            return x.toDoubleArray();
        }
        try (NDArray d = x.toType(DataType.FLOAT64, true)) {
            return d.toDoubleArray();
        }
    }

    private static double[][] reshape(double[] flat, int rows, int cols) {
        double[][] out = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, i * cols, out[i], 0, cols);
        }
        return out;
    }
}
