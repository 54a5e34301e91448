package org.repro4j.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;

/**
 * Linear centered kernel alignment (CKA) between two representations of the same examples (Kornblith, Norouzi,
 * Lee &amp; Hinton, 2019, "Similarity of Neural Network Representations Revisited", ICML, §3).
 *
 * <p>With {@code X [n, p]} and {@code Y [n, q]} column-centered, linear HSIC is {@code ‖YᵀX‖²_F / (n−1)²} (their
 * Eq. 4 with linear kernels) and
 * <pre>
 *   CKA(X, Y) = ‖YᵀX‖²_F / (‖XᵀX‖_F · ‖YᵀY‖_F)
 * </pre>
 * which lies in [0, 1], equals 1 for {@code Y = X}, and is invariant to orthogonal transforms and isotropic scaling
 * of either side (but not to arbitrary invertible linear maps). The {@code p × p}, {@code q × q} and {@code q × p}
 * Gram matrices are formed in EJML, so the cost is {@code O(n·(p+q)²)} and the feature counts may differ.
 */
public final class Cka {

    private Cka() {}

    /**
     * @param x representation {@code [n, p]}, row = example
     * @param y representation {@code [n, q]} of the same examples
     * @return linear CKA in [0, 1]; NaN if either side is constant (zero after centering)
     * @throws IllegalArgumentException if the row counts differ, fewer than 2 rows, or a matrix is ragged
     */
    public static double linear(double[][] x, double[][] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("CKA compares representations of the same examples: x has " + x.length
                    + " rows but y has " + y.length);
        }
        if (x.length < 2) {
            throw new IllegalArgumentException("CKA needs at least 2 examples; got " + x.length);
        }
        return linear(centered(Matrices.toDMatrix(x)), centered(Matrices.toDMatrix(y)));
    }

    /**
     * Linear CKA of two activation arrays, every axis but the last flattened into examples (e.g. residual streams
     * {@code [batch, seq, d_model]} give {@code batch·seq} token examples).
     *
     * @param x activations {@code [..., p]}
     * @param y activations {@code [..., q]} with the same leading axes
     * @return linear CKA in [0, 1]
     * @throws IllegalArgumentException if the leading axes differ
     */
    public static double linear(NDArray x, NDArray y) {
        Shape xs = x.getShape();
        Shape ys = y.getShape();
        if (!xs.slice(0, xs.dimension() - 1).equals(ys.slice(0, ys.dimension() - 1))) {
            throw new IllegalArgumentException("CKA needs the same examples on both sides: shapes " + xs + " and " + ys
                    + " differ before the feature axis");
        }
        return linear(centered(rows(x)), centered(rows(y)));
    }

    private static double linear(DMatrixRMaj x, DMatrixRMaj y) {
        DMatrixRMaj xx = new DMatrixRMaj(x.numCols, x.numCols);
        DMatrixRMaj yy = new DMatrixRMaj(y.numCols, y.numCols);
        DMatrixRMaj yx = new DMatrixRMaj(y.numCols, x.numCols);
        CommonOps_DDRM.multTransA(x, x, xx);
        CommonOps_DDRM.multTransA(y, y, yy);
        CommonOps_DDRM.multTransA(y, x, yx);
        double cross = NormOps_DDRM.normF(yx);
        return cross * cross / (NormOps_DDRM.normF(xx) * NormOps_DDRM.normF(yy));
    }

    private static DMatrixRMaj rows(NDArray x) {
        int features = Math.toIntExact(x.getShape().get(x.getShape().dimension() - 1));
        float[] values = x.toType(DataType.FLOAT32, false).toFloatArray();
        DMatrixRMaj m = new DMatrixRMaj(values.length / features, features);
        for (int i = 0; i < values.length; i++) {
            m.data[i] = values[i];
        }
        return m;
    }

    /** Subtracts each column's mean in place (the centering matrix H of HSIC applied on the example side). */
    private static DMatrixRMaj centered(DMatrixRMaj m) {
        double[] mean = new double[m.numCols];
        for (int r = 0; r < m.numRows; r++) {
            for (int c = 0; c < m.numCols; c++) {
                mean[c] += m.data[r * m.numCols + c];
            }
        }
        for (int c = 0; c < m.numCols; c++) {
            mean[c] /= m.numRows;
        }
        for (int r = 0; r < m.numRows; r++) {
            for (int c = 0; c < m.numCols; c++) {
                m.data[r * m.numCols + c] -= mean[c];
            }
        }
        return m;
    }
}
