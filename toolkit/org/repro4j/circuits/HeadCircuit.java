package org.repro4j.circuits;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.repro4j.analysis.Matrices;

/**
 * One attention head's two circuits (Elhage et al. 2021, "A Mathematical Framework for Transformer Circuits"):
 * OV = W_V·W_O, what the head writes given what it attends to, and QK = W_Q·W_Kᵀ, where it attends. Both are
 * {@code [d_model, d_model]} and kept factored; row-vector convention as in {@link FactoredMatrix}.
 *
 * @param ov W_OV = W_V·W_O, shape {@code [d_model, d_model]}, rank ≤ d_head
 * @param qk W_QK = W_Q·W_Kᵀ, shape {@code [d_model, d_model]}, rank ≤ d_head
 */
public record HeadCircuit(FactoredMatrix ov, FactoredMatrix qk) {

    /**
     * @param ov W_OV, shape {@code [d_model, d_model]}
     * @param qk W_QK, shape {@code [d_model, d_model]}
     * @throws IllegalArgumentException if the circuits are not square of the same size
     */
    public HeadCircuit {
        if (ov.rows() != ov.cols() || qk.rows() != qk.cols() || ov.rows() != qk.rows()) {
            throw new IllegalArgumentException("OV is " + ov + " and QK is " + qk
                    + "; both must be [d_model, d_model] with the same d_model");
        }
    }

    /**
     * @param wQ W_Q, shape {@code [d_model, d_head]}
     * @param wK W_K, shape {@code [d_model, d_head]}
     * @param wV W_V, shape {@code [d_model, d_head]}
     * @param wO W_O, shape {@code [d_head, d_model]}
     * @return the head's circuits
     * @throws IllegalArgumentException if the shapes do not fit together
     */
    public static HeadCircuit of(double[][] wQ, double[][] wK, double[][] wV, double[][] wO) {
        return new HeadCircuit(FactoredMatrix.ov(wV, wO), FactoredMatrix.qk(wQ, wK));
    }

    /**
     * The circuits of every head in one layer, from per-head weights as {@code TinyTransformerLM} stores them.
     *
     * @param wQ shape {@code [n_heads, d_model, d_head]}
     * @param wK shape {@code [n_heads, d_model, d_head]}
     * @param wV shape {@code [n_heads, d_model, d_head]}
     * @param wO shape {@code [n_heads, d_head, d_model]}
     * @return one circuit per head, in head order
     * @throws IllegalArgumentException if the head counts or shapes disagree
     */
    public static List<HeadCircuit> layer(double[][][] wQ, double[][][] wK, double[][][] wV, double[][][] wO) {
        int heads = wQ.length;
        if (wK.length != heads || wV.length != heads || wO.length != heads) {
            throw new IllegalArgumentException("head counts differ: W_Q " + wQ.length + ", W_K " + wK.length
                    + ", W_V " + wV.length + ", W_O " + wO.length);
        }
        List<HeadCircuit> out = new ArrayList<>(heads);
        for (int h = 0; h < heads; h++) {
            out.add(of(wQ[h], wK[h], wV[h], wO[h]));
        }
        return List.copyOf(out);
    }

    /**
     * As {@link #layer(double[][][], double[][][], double[][][], double[][][])}, reading DJL arrays (any float type).
     *
     * @param wQ shape {@code [n_heads, d_model, d_head]}
     * @param wK shape {@code [n_heads, d_model, d_head]}
     * @param wV shape {@code [n_heads, d_model, d_head]}
     * @param wO shape {@code [n_heads, d_head, d_model]}
     * @return one circuit per head, in head order
     * @throws IllegalArgumentException if an array is not 3-D or the shapes disagree
     */
    public static List<HeadCircuit> layer(NDArray wQ, NDArray wK, NDArray wV, NDArray wO) {
        return layer(Matrices.toHeadArrays(wQ), Matrices.toHeadArrays(wK),
                Matrices.toHeadArrays(wV), Matrices.toHeadArrays(wO));
    }

    /** @return d_model, the residual stream width */
    public int dModel() {
        return ov.rows();
    }
}
