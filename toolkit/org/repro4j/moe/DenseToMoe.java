package org.repro4j.moe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.repro4j.analysis.Clustering;
import org.repro4j.hooks.ActivationCache;
import org.repro4j.models.transformer.TinyTransformerLM;

/**
 * Turns a trained dense FFN into experts by grouping its hidden neurons on their activation patterns, as Read-ME
 * refactors a dense LLM into a mixture of experts (Cai et al., 2024, "Read-ME: Refactorizing LLMs as
 * Router-Decoupled Mixture of Experts with System Co-Design", NeurIPS, arXiv 2410.19123): neurons that fire on the
 * same tokens go to the same expert, so a token needs few experts.
 *
 * <ol>
 *   <li>{@link #neuronActivations}: the GELU outputs {@code a [T, d_mlp]} of one block's MLP over calibration
 *       tokens;</li>
 *   <li>{@link #clusterNeurons}: k-means over the neurons, each neuron a point {@code a[:, i]} in {@code R^T}, with
 *       clusters of equal size ({@code d_mlp / E} neurons per expert);</li>
 *   <li>{@link #toExperts}: expert {@code e} takes the neurons of cluster {@code e}: the columns of {@code W_in},
 *       entries of {@code b_in} and rows of {@code W_out}; {@code b_out} is shared. With every expert selected and
 *       unit gates the layer computes the dense FFN again (up to float rounding of the reordered sums).</li>
 * </ol>
 *
 * {@link #oracleScores} and {@link #topKAgreement} say how well a router picks the experts whose neurons are most
 * active for a token: the oracle a router is trained towards and judged against.
 */
public final class DenseToMoe {

    private DenseToMoe() {}

    /**
     * @param lm the dense model (with MLPs)
     * @param layer block index
     * @param tokens calibration ids {@code [b, s]}
     * @return the block's MLP activations after GELU ({@code mlp.hook_post}), {@code [b·s, d_mlp]}, owned by the
     *     tokens' manager
     */
    public static NDArray neuronActivations(TinyTransformerLM lm, int layer, NDArray tokens) {
        String name = "blocks." + layer + ".mlp.hook_post";
        try (ActivationCache cache = ActivationCache.record(name::equals, () -> lm.logits(tokens))) {
            NDArray post = cache.get(name);
            NDArray copy = post.reshape(-1, post.getShape().get(2)).duplicate();
            copy.attach(tokens.getManager());
            return copy;
        }
    }

    /**
     * @param activations {@code [T, d_mlp]} neuron activations over calibration tokens
     * @param experts number of experts {@code E}, dividing {@code d_mlp}
     * @param seed seed of the k-means
     * @return the expert of each neuron, {@code [d_mlp]} values in {@code [0, E)}, {@code d_mlp / E} per expert
     * @throws IllegalArgumentException if {@code E} does not divide {@code d_mlp}
     */
    public static int[] clusterNeurons(NDArray activations, int experts, long seed) {
        int tokens = (int) activations.getShape().get(0);
        int neurons = (int) activations.getShape().get(1);
        if (experts < 1 || neurons % experts != 0) {
            throw new IllegalArgumentException("experts of equal width need E to divide d_mlp = " + neurons
                    + ", got E = " + experts);
        }
        float[] a = activations.toType(DataType.FLOAT32, false).toFloatArray();
        double[][] points = new double[neurons][tokens];
        for (int t = 0; t < tokens; t++) {
            for (int i = 0; i < neurons; i++) {
                points[i][t] = a[t * neurons + i];
            }
        }
        return Clustering.kMeans(points, experts, seed, true);
    }

    /**
     * Cuts block {@code layer}'s MLP into experts.
     *
     * @param lm the dense model
     * @param layer block index
     * @param expertOfNeuron expert of each of the {@code d_mlp} neurons (e.g. from {@link #clusterNeurons}); every
     *     expert must get at least one neuron
     * @param topK experts per token
     * @param gating how selected experts are weighted ({@link MoeFfn.Gating#UNIT} keeps the dense scale)
     * @param ownRouter whether the layer gets its own router ({@code N(0, 0.02²)} from the seed); false for a
     *     layer routed by a {@link PreGatingRouter}
     * @param seed seed of the router
     * @return the MoE layer, hook prefix {@code blocks.layer.mlp.}; the dense model is unchanged
     * @throws IllegalArgumentException if the assignment does not cover {@code d_mlp} neurons, leaves an expert
     *     empty, or {@code topK} is out of range
     */
    public static MoeFfn toExperts(TinyTransformerLM lm, int layer, int[] expertOfNeuron, int topK,
            MoeFfn.Gating gating, boolean ownRouter, long seed) {
        int d = lm.config().dModel();
        int m = lm.config().dMlp();
        if (expertOfNeuron.length != m) {
            throw new IllegalArgumentException("the assignment has " + expertOfNeuron.length
                    + " entries but the MLP has d_mlp = " + m + " neurons");
        }
        int experts = Arrays.stream(expertOfNeuron).max().orElse(-1) + 1;
        float[] wIn = lm.W_in(layer).toFloatArray();
        float[] bIn = lm.b_in(layer).toFloatArray();
        float[] wOut = lm.W_out(layer).toFloatArray();
        try (NDManager scratch = lm.manager().newSubManager()) {
            List<MoeFfn.Expert> list = new ArrayList<>();
            for (int e = 0; e < experts; e++) {
                int expert = e;
                int[] neurons = IntStream.range(0, m).filter(i -> expertOfNeuron[i] == expert)
                        .toArray();
                if (neurons.length == 0) {
                    throw new IllegalArgumentException("expert " + e + " gets no neuron; number the experts 0..E−1"
                            + " and give each at least one");
                }
                int w = neurons.length;
                float[] in = new float[d * w];
                float[] bias = new float[w];
                float[] out = new float[w * d];
                for (int j = 0; j < w; j++) {
                    int i = neurons[j];
                    bias[j] = bIn[i];
                    for (int r = 0; r < d; r++) {
                        in[r * w + j] = wIn[r * m + i];
                    }
                    System.arraycopy(wOut, i * d, out, j * d, d);
                }
                list.add(new MoeFfn.Expert(scratch.create(in, new Shape(d, w)), scratch.create(bias),
                        scratch.create(out, new Shape(w, d))));
            }
            NDArray router = null;
            if (ownRouter) {
                Random rng = new Random(seed);
                float[] r = new float[d * experts];
                for (int i = 0; i < r.length; i++) {
                    r[i] = (float) (rng.nextGaussian() * 0.02);
                }
                router = scratch.create(r, new Shape(d, experts));
            }
            return MoeFfn.of("blocks." + layer + ".mlp.", list, lm.b_out(layer), router, topK, gating);
        }
    }

    /**
     * The activation oracle: how active each expert's neurons are for each token.
     *
     * @param activations {@code [..., d_mlp]} GELU outputs in the dense model's neuron order
     * @param expertOfNeuron expert of each neuron
     * @param experts {@code E}
     * @return {@code Σ_{i ∈ e} |a_i|} per expert, {@code [..., E]}, in the activations' manager
     */
    public static NDArray oracleScores(NDArray activations, int[] expertOfNeuron, int experts) {
        int m = expertOfNeuron.length;
        float[] member = new float[m * experts];
        for (int i = 0; i < m; i++) {
            member[i * experts + expertOfNeuron[i]] = 1;
        }
        NDArray membership = activations.getManager().create(member, new Shape(m, experts));
        return activations.abs().matMul(membership);
    }

    /**
     * @param routerLogits {@code [..., E]}
     * @param oracleScores {@code [..., E]} (e.g. {@link #oracleScores})
     * @param k experts per token compared
     * @return the mean over tokens of {@code |top-k(router) ∩ top-k(oracle)| / k}, in {@code [0, 1]}
     * @throws IllegalArgumentException if the shapes differ or {@code k} is outside {@code [1, E]}
     */
    public static double topKAgreement(NDArray routerLogits, NDArray oracleScores, int k) {
        if (!routerLogits.getShape().equals(oracleScores.getShape())) {
            throw new IllegalArgumentException("router logits " + routerLogits.getShape() + " and oracle scores "
                    + oracleScores.getShape() + " must have the same shape [..., experts]");
        }
        int experts = (int) routerLogits.getShape().getLastDimension();
        if (k < 1 || k > experts) {
            throw new IllegalArgumentException("k must be in [1, " + experts + "], got " + k);
        }
        NDArray a = routerLogits.topK(k, -1, true, false).get(1).oneHot(experts).sum(new int[] {-2});
        NDArray b = oracleScores.topK(k, -1, true, false).get(1).oneHot(experts).sum(new int[] {-2});
        return a.mul(b).sum(new int[] {-1}).toType(DataType.FLOAT32, false).mean().getFloat() / k;
    }
}
