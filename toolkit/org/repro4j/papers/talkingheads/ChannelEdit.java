package org.repro4j.papers.talkingheads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.repro4j.analysis.Matrices;
import org.repro4j.circuits.FactoredMatrix;
import org.repro4j.engine.AutogradConstants;

/**
 * The channel intervention of Merullo, Eickhoff, Pavlick 2024 ("Talking Heads", arXiv 2406.09519): scale the part
 * of one head's output that lies in a set S of its write directions v_i (right singular vectors of its W_OV, see
 * {@link FactoredMatrix#writeDirection}) by γ. γ = 0 ablates the components, γ = 1 is the identity, γ > 1 boosts.
 *
 * <p>With the projector P_S = Σ_{i∈S} v_i v_iᵀ and the residual map M = I + (γ−1)·P_S ({@code [d_model, d_model]},
 * symmetric):
 * <ul>
 *   <li>activation form, on the head's output o_h (row vector, {@code [.., d_model]}):
 *       o_h ← o_h·M = o_h + (γ−1)·Σ_{i∈S} (o_h·v_i) v_i;</li>
 *   <li>weight form: W_O ← W_O·M = W_O + (γ−1)·W_O·P_S, so W_OV ← Σ_{i∉S} σ_i u_i v_iᵀ + γ·Σ_{i∈S} σ_i u_i v_iᵀ:
 *       exactly the named components' singular values are multiplied by γ.</li>
 * </ul>
 * The two forms agree whenever the directions are the head's own v_i. Hooks and effective-weight overrides for
 * {@code TinyTransformerLM} are built by {@link #resultHook} ({@code blocks.{l}.attn.hook_result}) and
 * {@link #weightOverride} ({@code blocks.{l}.attn.W_O}); {@link #zeroHead} ablates a whole head.
 *
 * <pre>{@code
 * FactoredMatrix ov = l0.get(0).ov();                                  // head L0H0's W_OV
 * ChannelEdit ablateTop3 = ChannelEdit.components(ov, 0.0, 0, 1, 2);    // γ = 0 on components 0, 1, 2
 * UnaryOperator<NDArray> w = ablateTop3.weightOverride(0);             // for "blocks.0.attn.W_O"
 * UnaryOperator<NDArray> act = ablateTop3.resultHook(0);               // or on "blocks.0.attn.hook_result"
 * }</pre>
 */
public final class ChannelEdit {

    private static final double ORTHONORMAL_TOLERANCE = 1e-6;

    private final double[][] directions;
    private final double gamma;

    private ChannelEdit(double[][] directions, double gamma) {
        this.directions = directions;
        this.gamma = gamma;
    }

    /**
     * Edits named SVD components of a head's OV circuit.
     *
     * @param ov the head's W_OV = W_V·W_O, shape {@code [d_model, d_model]}
     * @param gamma the scale for the components: 0 ablates, 1 leaves them, 2 doubles them
     * @param components distinct component indices, 0 for the largest σ
     * @return the edit along v_i for i in {@code components}
     * @throws IllegalArgumentException if {@code components} is empty or repeats an index, or γ is not finite
     * @throws IndexOutOfBoundsException if an index is not a component of {@code ov}
     */
    public static ChannelEdit components(FactoredMatrix ov, double gamma, int... components) {
        if (components.length == 0) {
            throw new IllegalArgumentException("no components named; pass at least one index, e.g. 0 for the top one");
        }
        if (Arrays.stream(components).distinct().count() != components.length) {
            throw new IllegalArgumentException("component indices repeat: " + Arrays.toString(components));
        }
        double[][] dirs = new double[components.length][];
        for (int k = 0; k < components.length; k++) {
            dirs[k] = ov.writeDirection(components[k]);
        }
        return directions(dirs, gamma);
    }

    /**
     * Edits along given residual directions, e.g. a probe's or a mean-difference direction.
     *
     * @param directions orthonormal rows, shape {@code [k, d_model]}
     * @param gamma the scale for the subspace they span
     * @return the edit
     * @throws IllegalArgumentException if the rows are empty, ragged or not orthonormal (±1e-6; orthonormalise them
     *     first, e.g. by QR), or γ is not finite
     */
    public static ChannelEdit directions(double[][] directions, double gamma) {
        Matrices.checkRectangular(directions, "directions");
        if (!Double.isFinite(gamma)) {
            throw new IllegalArgumentException("gamma must be finite but was " + gamma);
        }
        for (int i = 0; i < directions.length; i++) {
            for (int j = 0; j <= i; j++) {
                double dot = dot(directions[i], directions[j]);
                double expected = i == j ? 1 : 0;
                if (Math.abs(dot - expected) > ORTHONORMAL_TOLERANCE) {
                    throw new IllegalArgumentException("directions are not orthonormal: row " + i + " · row " + j
                            + " = " + dot + " (expected " + expected + "); orthonormalise them first");
                }
            }
        }
        return new ChannelEdit(Arrays.stream(directions).map(double[]::clone).toArray(double[][]::new), gamma);
    }

    /** @return γ */
    public double gamma() {
        return gamma;
    }

    /** @return d_model, the length of the directions */
    public int dModel() {
        return directions[0].length;
    }

    /** @return the edited directions as rows, shape {@code [k, d_model]} (a copy) */
    public double[][] directions() {
        return Arrays.stream(directions).map(double[]::clone).toArray(double[][]::new);
    }

    /** @return M = I + (γ−1)·Σ_i v_i v_iᵀ, shape {@code [d_model, d_model]} */
    public double[][] residualMap() {
        int d = dModel();
        double[][] m = new double[d][d];
        for (int r = 0; r < d; r++) {
            m[r][r] = 1;
        }
        for (double[] v : directions) {
            for (int r = 0; r < d; r++) {
                for (int c = 0; c < d; c++) {
                    m[r][c] += (gamma - 1) * v[r] * v[c];
                }
            }
        }
        return m;
    }

    /**
     * Weight form on one head.
     *
     * @param wO the head's W_O, shape {@code [d_head, d_model]}
     * @return W_O + (γ−1)·W_O·P_S, shape {@code [d_head, d_model]}
     * @throws IllegalArgumentException if W_O's width is not d_model
     */
    public double[][] editWO(double[][] wO) {
        Matrices.checkRectangular(wO, "W_O");
        checkWidth(wO[0].length, "W_O [d_head, d_model]");
        double[][] out = new double[wO.length][];
        for (int r = 0; r < wO.length; r++) {
            out[r] = apply(wO[r]);
        }
        return out;
    }

    /**
     * Weight form on a factored OV circuit: W_V·(W_O·M).
     *
     * @param ov W_OV = W_V·W_O, shape {@code [d_model, d_model]}
     * @return the edited circuit, same shape and factor sizes
     * @throws IllegalArgumentException if the circuit's width is not d_model
     */
    public FactoredMatrix editOV(FactoredMatrix ov) {
        checkWidth(ov.cols(), "W_OV");
        return new FactoredMatrix(ov.a(), Matrices.toDMatrix(editWO(Matrices.toArray(ov.b()))));
    }

    /**
     * Activation form on one output vector.
     *
     * @param o a head's output, length d_model
     * @return o + (γ−1)·Σ_i (o·v_i) v_i
     * @throws IllegalArgumentException if {@code o} has the wrong length
     */
    public double[] apply(double[] o) {
        checkWidth(o.length, "output vector");
        double[] out = o.clone();
        for (double[] v : directions) {
            double coefficient = (gamma - 1) * dot(o, v);
            for (int c = 0; c < out.length; c++) {
                out[c] += coefficient * v[c];
            }
        }
        return out;
    }

    /**
     * Activation form on arrays, differentiable and on the input's device.
     *
     * @param o outputs of one head, shape {@code [.., d_model]}
     * @return o·M, same shape and dtype
     * @throws IllegalArgumentException if the last axis is not d_model
     */
    public NDArray apply(NDArray o) {
        Shape shape = o.getShape();
        checkWidth(shape.get(shape.dimension() - 1), "output's last axis");
        try (NDArray m = Matrices.toNDArray(o.getManager(), residualMap()).toType(o.getDataType(), false)) {
            return o.matMul(m);
        }
    }

    /**
     * A hook for {@code blocks.{l}.attn.hook_result} that edits one head's output and passes the others through.
     *
     * @param head the edited head
     * @return {@code result [batch, pos, n_heads, d_model] -> same shape}, for {@code Hooks.add}
     * @throws IllegalArgumentException (when applied) if the array is not {@code [.., n_heads, d_model]} or the head
     *     is out of range
     */
    public UnaryOperator<NDArray> resultHook(int head) {
        return result -> {
            Shape shape = result.getShape();
            if (shape.dimension() < 2) {
                throw new IllegalArgumentException(
                        "expected hook_result [batch, pos, n_heads, d_model] but got shape " + shape);
            }
            int heads = checkHead((int) shape.get(shape.dimension() - 2), head);
            try (NDArray edited = apply(result);
                    NDArray delta = edited.sub(result);
                    NDArray mask = headMask(result, new Shape(heads, 1), head, 1, 0)) {
                return result.add(delta.muli(mask));
            }
        };
    }

    /**
     * An effective-weight override for {@code blocks.{l}.attn.W_O} that applies the weight form to one head. It is a
     * batched matrix product, so gradients still reach every head.
     *
     * @param head the edited head
     * @return {@code W_O [n_heads, d_head, d_model] -> same shape}
     * @throws IllegalArgumentException (when applied) if the array is not {@code [n_heads, d_head, d_model]} with
     *     this edit's d_model, or the head is out of range
     */
    public UnaryOperator<NDArray> weightOverride(int head) {
        return wO -> {
            Shape shape = wO.getShape();
            int heads = weightHeads(shape, head);
            checkWidth(shape.get(2), "W_O's last axis");
            int d = dModel();
            double[][] m = residualMap();
            float[] maps = new float[heads * d * d];
            for (int h = 0; h < heads; h++) {
                for (int r = 0; r < d; r++) {
                    for (int c = 0; c < d; c++) {
                        maps[(h * d + r) * d + c] = h == head ? (float) m[r][c] : r == c ? 1f : 0f;
                    }
                }
            }
            try (NDArray perHead = AutogradConstants.array(wO.getManager(), maps, new Shape(heads, d, d))
                    .toType(wO.getDataType(), false)) {
                return wO.matMul(perHead);
            }
        };
    }

    /**
     * Head ablation: an effective-weight override for {@code blocks.{l}.attn.W_O} that zeroes one head's W_O, so the
     * head writes nothing (its output bias, if the model has one, is not touched).
     *
     * @param head the ablated head
     * @return {@code W_O [n_heads, d_head, d_model] -> same shape}
     * @throws IllegalArgumentException (when applied) if the array is not 3-D or the head is out of range
     */
    public static UnaryOperator<NDArray> zeroHead(int head) {
        return wO -> {
            int heads = weightHeads(wO.getShape(), head);
            try (NDArray mask = headMask(wO, new Shape(heads, 1, 1), head, 0, 1)) {
                return wO.mul(mask);
            }
        };
    }

    /**
     * An effective-weight override for {@code blocks.{l}.attn.W_O} that replaces one head's W_O by a matrix computed
     * elsewhere (e.g. by {@link #editWO}). The replaced head gets no gradient: use it for evaluation.
     *
     * @param head the replaced head
     * @param wO its new W_O, shape {@code [d_head, d_model]}
     * @return {@code W_O [n_heads, d_head, d_model] -> same shape}
     * @throws IllegalArgumentException if {@code wO} is empty or ragged, or (when applied) if its shape does not
     *     match the layer's per-head W_O or the head is out of range
     */
    public static UnaryOperator<NDArray> replaceHead(int head, double[][] wO) {
        Matrices.checkRectangular(wO, "W_O");
        return layer -> {
            Shape shape = layer.getShape();
            weightHeads(shape, head);
            if (shape.get(1) != wO.length || shape.get(2) != wO[0].length) {
                throw new IllegalArgumentException("replacement W_O is [" + wO.length + ", " + wO[0].length
                        + "] but the layer's per-head W_O is [" + shape.get(1) + ", " + shape.get(2) + "]");
            }
            NDArray out = layer.duplicate();
            try (NDArray replacement = Matrices.toNDArray(layer.getManager(), wO).toType(layer.getDataType(), false)) {
                out.set(new NDIndex(head), replacement);
            }
            return out;
        };
    }

    /**
     * @return the head count of per-head weights {@code [n_heads, d_head, d_model]}
     * @throws IllegalArgumentException if the array is not 3-D or {@code head} is out of range
     */
    private static int weightHeads(Shape shape, int head) {
        if (shape.dimension() != 3) {
            throw new IllegalArgumentException("expected W_O [n_heads, d_head, d_model] but got shape " + shape);
        }
        return checkHead((int) shape.get(0), head);
    }

    private static int checkHead(int heads, int head) {
        if (head < 0 || head >= heads) {
            throw new IllegalArgumentException("head " + head + " does not exist; the layer has " + heads + " heads");
        }
        return heads;
    }

    /** @return an array of {@code shape} (head axis first) holding {@code on} at {@code head}, {@code off} elsewhere */
    private static NDArray headMask(NDArray like, Shape shape, int head, float on, float off) {
        float[] mask = new float[(int) shape.get(0)];
        Arrays.fill(mask, off);
        mask[head] = on;
        return AutogradConstants.array(like.getManager(), mask, shape).toType(like.getDataType(), false);
    }

    private void checkWidth(long width, String what) {
        if (width != dModel()) {
            throw new IllegalArgumentException(what + " has width " + width + " but the edit's directions have d_model = "
                    + dModel());
        }
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
}
