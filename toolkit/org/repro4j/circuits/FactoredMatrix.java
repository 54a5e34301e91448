package org.repro4j.circuits;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.repro4j.analysis.Matrices;

/**
 * A low-rank matrix M = A·B kept as its two factors, after TransformerLens's {@code FactoredMatrix}: an attention
 * head's OV circuit W_OV = W_V·W_O and QK circuit W_QK = W_Q·W_Kᵀ are {@code [d_model, d_model]} matrices of rank at
 * most d_head, so norms, products with other circuits and the SVD are computed from the factors.
 *
 * <p><b>Shapes and convention.</b> A is {@code [rows, inner]}, B is {@code [inner, cols]}. Activations are row
 * vectors (TransformerLens's convention): a head reads a residual vector x {@code [d_model]} and writes x·W_OV;
 * its attention score between a query x_q and a key x_k is x_q·W_QK·x_kᵀ.
 *
 * <p><b>SVD.</b> M = Σ_i σ_i u_i v_iᵀ with σ sorted descending. With row vectors, x·M = Σ_i σ_i (x·u_i) v_iᵀ, so
 * u_i ({@link #readDirection}) is what component i reads from the residual stream and v_i ({@link #writeDirection})
 * the direction it writes into it. The SVD is computed from the factors without forming M: with thin SVDs
 * A = U_a S_a V_aᵀ and B = U_b S_b V_bᵀ, M = U_a (S_a V_aᵀ U_b S_b) V_bᵀ, and the SVD U_m S V_mᵀ of the small middle
 * matrix gives M's U = U_a U_m, V = V_b V_m (TransformerLens's method; exact, O(d·inner²) instead of O(d³)). The
 * number of components is r = min(rows, inner, cols), e.g. d_head for a head circuit; components past the true
 * rank have σ = 0. Singular vectors are only defined up to sign; each pair is flipped so that the largest-magnitude
 * entry of v_i is positive, which makes results reproducible across runs and code paths.
 *
 * <p>Instances are immutable; the SVD is computed once on first use.
 */
public final class FactoredMatrix {

    /** Relative size below which a singular value counts as zero in {@link #rank()}. */
    public static final double RANK_TOLERANCE = 1e-10;

    private final DMatrixRMaj a;
    private final DMatrixRMaj b;
    private Svd svd;

    private record Svd(DMatrixRMaj u, double[] s, DMatrixRMaj v) {}

    /**
     * @param a left factor, shape {@code [rows, inner]}
     * @param b right factor, shape {@code [inner, cols]}
     * @throws IllegalArgumentException if the inner dimensions differ or a factor holds NaN or infinity
     */
    public FactoredMatrix(DMatrixRMaj a, DMatrixRMaj b) {
        if (a.numCols != b.numRows) {
            throw new IllegalArgumentException("factors do not chain: A is [" + a.numRows + ", " + a.numCols
                    + "] but B is [" + b.numRows + ", " + b.numCols + "]; A's columns must equal B's rows");
        }
        checkFinite(a, "A");
        checkFinite(b, "B");
        this.a = a.copy();
        this.b = b.copy();
    }

    /**
     * @param a left factor, shape {@code [rows, inner]}
     * @param b right factor, shape {@code [inner, cols]}
     * @return A·B, factored
     * @throws IllegalArgumentException if an array is empty or ragged, or the inner dimensions differ
     */
    public static FactoredMatrix of(double[][] a, double[][] b) {
        return new FactoredMatrix(Matrices.toDMatrix(a), Matrices.toDMatrix(b));
    }

    /**
     * A head's OV circuit (Elhage et al. 2021, "A Mathematical Framework for Transformer Circuits").
     *
     * @param wV the head's W_V, shape {@code [d_model, d_head]}
     * @param wO the head's W_O, shape {@code [d_head, d_model]}
     * @return W_OV = W_V·W_O, shape {@code [d_model, d_model]}
     * @throws IllegalArgumentException if the shapes do not chain
     */
    public static FactoredMatrix ov(double[][] wV, double[][] wO) {
        return of(wV, wO);
    }

    /**
     * A head's QK circuit (Elhage et al. 2021): the attention score is x_q·W_QK·x_kᵀ (before scaling by 1/√d_head).
     *
     * @param wQ the head's W_Q, shape {@code [d_model, d_head]}
     * @param wK the head's W_K, shape {@code [d_model, d_head]}
     * @return W_QK = W_Q·W_Kᵀ, shape {@code [d_model, d_model]}
     * @throws IllegalArgumentException if W_Q and W_K differ in shape
     */
    public static FactoredMatrix qk(double[][] wQ, double[][] wK) {
        DMatrixRMaj q = Matrices.toDMatrix(wQ);
        DMatrixRMaj k = Matrices.toDMatrix(wK);
        if (q.numRows != k.numRows || q.numCols != k.numCols) {
            throw new IllegalArgumentException("W_Q is [" + q.numRows + ", " + q.numCols + "] but W_K is ["
                    + k.numRows + ", " + k.numCols + "]; both must be [d_model, d_head]");
        }
        return new FactoredMatrix(q, CommonOps_DDRM.transpose(k, null));
    }

    /** @return the number of rows of A·B (d_model for a head circuit) */
    public int rows() {
        return a.numRows;
    }

    /** @return the number of columns of A·B (d_model for a head circuit) */
    public int cols() {
        return b.numCols;
    }

    /** @return the shared dimension of the factors (d_head for a head circuit) */
    public int inner() {
        return a.numCols;
    }

    /** @return a copy of A, shape {@code [rows, inner]} */
    public DMatrixRMaj a() {
        return a.copy();
    }

    /** @return a copy of B, shape {@code [inner, cols]} */
    public DMatrixRMaj b() {
        return b.copy();
    }

    /** @return the product A·B, shape {@code [rows, cols]} (formed on request only) */
    public DMatrixRMaj product() {
        return CommonOps_DDRM.mult(a, b, null);
    }

    /** @return the product A·B as {@code double[rows][cols]} */
    public double[][] toArray() {
        return Matrices.toArray(product());
    }

    /** @return Mᵀ = Bᵀ·Aᵀ, factored, shape {@code [cols, rows]} */
    public FactoredMatrix transpose() {
        return new FactoredMatrix(CommonOps_DDRM.transpose(b, null), CommonOps_DDRM.transpose(a, null));
    }

    /**
     * Chains two circuits, e.g. an upstream head's OV with a downstream head's QK (Q-composition).
     *
     * @param other N = C·D, shape {@code [cols, other.cols]}
     * @return M·N = A·(B·C·D), factored through this matrix's inner dimension
     * @throws IllegalArgumentException if this matrix's columns differ from {@code other}'s rows
     */
    public FactoredMatrix times(FactoredMatrix other) {
        if (cols() != other.rows()) {
            throw new IllegalArgumentException("cannot multiply a [" + rows() + ", " + cols() + "] matrix by a ["
                    + other.rows() + ", " + other.cols() + "] one");
        }
        DMatrixRMaj bc = CommonOps_DDRM.mult(b, other.a, null);
        return new FactoredMatrix(a, CommonOps_DDRM.mult(bc, other.b, null));
    }

    /**
     * Applies the matrix to a row vector, as a head applies its OV circuit to a residual vector.
     *
     * @param x row vector, length {@code rows}
     * @return x·A·B, length {@code cols}
     * @throws IllegalArgumentException if {@code x} has the wrong length
     */
    public double[] leftMultiply(double[] x) {
        if (x.length != rows()) {
            throw new IllegalArgumentException("vector has length " + x.length + " but the matrix has " + rows() + " rows");
        }
        DMatrixRMaj xa = CommonOps_DDRM.mult(new DMatrixRMaj(1, x.length, true, x), a, null);
        return CommonOps_DDRM.mult(xa, b, null).data;
    }

    /**
     * Frobenius norm from the factors: ‖AB‖_F² = trace((AᵀA)(BBᵀ)), two {@code [inner, inner]} Gram matrices.
     *
     * @return ‖A·B‖_F
     */
    public double frobeniusNorm() {
        DMatrixRMaj gramA = CommonOps_DDRM.multTransA(a, a, null);
        DMatrixRMaj gramB = CommonOps_DDRM.multTransB(b, b, null);
        double sum = 0;
        for (int i = 0; i < gramA.data.length; i++) {
            sum += gramA.data[i] * gramB.data[i]; // both symmetric, so the elementwise sum is the trace
        }
        return Math.sqrt(Math.max(sum, 0));
    }

    /** @return r = min(rows, inner, cols), the number of SVD components */
    public int components() {
        return Math.min(inner(), Math.min(rows(), cols()));
    }

    /**
     * Numerical rank: the number of σ_i above {@value #RANK_TOLERANCE}·σ_1. Components past it are not part of the
     * matrix (their singular vectors are an arbitrary orthonormal completion) and analyses skip them.
     *
     * @return the number of non-zero components, 0 for the zero matrix
     */
    public int rank() {
        double[] s = svd().s;
        int rank = 0;
        while (rank < s.length && s[rank] > RANK_TOLERANCE * s[0]) {
            rank++;
        }
        return rank;
    }

    /** @return the singular values σ_1 ≥ σ_2 ≥ … ≥ σ_r ≥ 0, length r (a copy) */
    public double[] singularValues() {
        return svd().s.clone();
    }

    /** @return the left singular vectors as columns, shape {@code [rows, r]}, orthonormal columns (a copy) */
    public DMatrixRMaj u() {
        return svd().u.copy();
    }

    /** @return the right singular vectors as columns, shape {@code [cols, r]}, orthonormal columns (a copy) */
    public DMatrixRMaj v() {
        return svd().v.copy();
    }

    /**
     * @param i component index, 0 for the largest σ
     * @return u_i, the unit residual direction component i reads, length {@code rows}
     * @throws IndexOutOfBoundsException if {@code i} is not in [0, r)
     */
    public double[] readDirection(int i) {
        return column(svd().u, checkComponent(i));
    }

    /**
     * @param i component index, 0 for the largest σ
     * @return v_i, the unit residual direction component i writes, length {@code cols}
     * @throws IndexOutOfBoundsException if {@code i} is not in [0, r)
     */
    public double[] writeDirection(int i) {
        return column(svd().v, checkComponent(i));
    }

    /**
     * @param i component index, 0 for the largest σ
     * @return the rank-1 component σ_i·u_i·v_iᵀ, factored as (σ_i u_i)·v_iᵀ, shape {@code [rows, cols]}
     * @throws IndexOutOfBoundsException if {@code i} is not in [0, r)
     */
    public FactoredMatrix component(int i) {
        double[] u = readDirection(i);
        double sigma = svd().s[i];
        DMatrixRMaj left = new DMatrixRMaj(u.length, 1);
        for (int j = 0; j < u.length; j++) {
            left.data[j] = sigma * u[j];
        }
        double[] v = writeDirection(i);
        return new FactoredMatrix(left, new DMatrixRMaj(1, v.length, true, v));
    }

    @Override
    public String toString() {
        return "FactoredMatrix[" + rows() + " x " + inner() + " x " + cols() + "]";
    }

    private int checkComponent(int i) {
        if (i < 0 || i >= components()) {
            throw new IndexOutOfBoundsException("component " + i + " does not exist; this matrix has "
                    + components() + " components (0.." + (components() - 1) + ")");
        }
        return i;
    }

    private synchronized Svd svd() {
        if (svd == null) {
            Svd left = thinSvd(a);
            Svd right = thinSvd(b);
            // middle = S_a · V_aᵀ · U_b · S_b, shape [min(rows, inner), min(inner, cols)]
            DMatrixRMaj middle = CommonOps_DDRM.multTransA(left.v, right.u, null);
            for (int i = 0; i < middle.numRows; i++) {
                for (int j = 0; j < middle.numCols; j++) {
                    middle.set(i, j, left.s[i] * middle.get(i, j) * right.s[j]);
                }
            }
            Svd mid = thinSvd(middle);
            Svd full = new Svd(CommonOps_DDRM.mult(left.u, mid.u, null), mid.s, CommonOps_DDRM.mult(right.v, mid.v, null));
            fixSigns(full);
            svd = full;
        }
        return svd;
    }

    /** Compact SVD sorted descending: u {@code [m, k]}, s {@code [k]}, v {@code [n, k]} with k = min(m, n). */
    private static Svd thinSvd(DMatrixRMaj m) {
        SingularValueDecomposition_F64<DMatrixRMaj> dec =
                DecompositionFactory_DDRM.svd(m.numRows, m.numCols, true, true, true);
        if (!dec.decompose(m.copy())) {
            throw new IllegalStateException("EJML's SVD did not converge on a [" + m.numRows + ", " + m.numCols
                    + "] matrix; check the weights for extreme values");
        }
        DMatrixRMaj u = dec.getU(null, false);
        DMatrixRMaj w = dec.getW(null);
        DMatrixRMaj v = dec.getV(null, false);
        SingularOps_DDRM.descendingOrder(u, false, w, v, false);
        double[] s = new double[w.numCols];
        for (int i = 0; i < s.length; i++) {
            s[i] = w.get(i, i);
        }
        return new Svd(u, s, v);
    }

    private static void fixSigns(Svd svd) {
        for (int c = 0; c < svd.s.length; c++) {
            int argmax = 0;
            for (int r = 1; r < svd.v.numRows; r++) {
                if (Math.abs(svd.v.get(r, c)) > Math.abs(svd.v.get(argmax, c))) {
                    argmax = r;
                }
            }
            if (svd.v.get(argmax, c) < 0) {
                for (int r = 0; r < svd.v.numRows; r++) {
                    svd.v.set(r, c, -svd.v.get(r, c));
                }
                for (int r = 0; r < svd.u.numRows; r++) {
                    svd.u.set(r, c, -svd.u.get(r, c));
                }
            }
        }
    }

    private static double[] column(DMatrixRMaj m, int c) {
        double[] out = new double[m.numRows];
        for (int r = 0; r < m.numRows; r++) {
            out[r] = m.get(r, c);
        }
        return out;
    }

    private static void checkFinite(DMatrixRMaj m, String name) {
        for (double x : m.data) {
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException("factor " + name + " holds " + x
                        + "; the weights are not finite (did training diverge?)");
            }
        }
    }
}
