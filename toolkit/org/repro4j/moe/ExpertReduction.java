package org.repro4j.moe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.repro4j.analysis.Assignment;
import org.repro4j.analysis.Clustering;

/**
 * Task-specific reduction of a trained MoE layer from {@code E} to fewer experts, offline, from the routing it
 * shows on task data ({@code hook_router_logits} and {@code hook_gates} of the layer, e.g. recorded with an
 * {@code ActivationCache}):
 *
 * <ul>
 *   <li>{@link #keepMostFrequent} — the baseline: keep the experts the router picks most often, drop the rest;</li>
 *   <li>{@link #uncurl} — UNCURL (Sarkar, Lausen, Cevher, Brox, Zha &amp; Karypis, 2024, "Revisiting SMoE
 *       Language Models by Evaluating Inefficiencies with Task Specific Expert Pruning", NeurIPS ENLSP workshop,
 *       PMLR 262:165–181, arXiv 2409.01483): cluster the experts by spectral clustering of their router logits on
 *       the task, then merge each cluster into one expert, neurons aligned by a permutation first and weights
 *       averaged by how much the task used each expert.</li>
 * </ul>
 *
 * <p>Our reading of UNCURL's steps, where this toolkit had to choose (the paper's text was not at hand; the summary
 * in the catalogue was): expert {@code e} is represented by its centred router-logit column over the task tokens;
 * the affinity of two experts is {@code exp(−‖z_e − z_f‖² / σ²)} with {@code σ²} the median squared distance
 * between experts; a cluster's experts are aligned to its most used member by the Hungarian matching of neurons
 * on the cosine similarity of their weights {@code [W_in[:, i] ; b_in[i] ; W_out[i, :]]}; weights are the mean
 * gate each expert received on the task; the merged router column is the same weighted mean. The reduced layer
 * keeps top-k, capped at the new number of experts.
 */
public final class ExpertReduction {

    private ExpertReduction() {}

    /**
     * @param gates recorded gates {@code [..., E]}
     * @return per expert, the number of tokens routed to it (gate &gt; 0)
     */
    public static long[] routingCounts(NDArray gates) {
        int experts = (int) gates.getShape().getLastDimension();
        float[] g = gates.toType(DataType.FLOAT32, false).toFloatArray();
        long[] counts = new long[experts];
        for (int i = 0; i < g.length; i++) {
            counts[i % experts] += g[i] > 0 ? 1 : 0;
        }
        return counts;
    }

    /**
     * @param moe a layer with its own router
     * @param counts routing count per expert on the task (see {@link #routingCounts})
     * @param keep experts to keep, {@code 1 ≤ keep ≤ E}
     * @return a new layer with the {@code keep} most frequently routed experts (ties: lower index), in their
     *     original order; {@code moe} is unchanged
     * @throws IllegalArgumentException if {@code keep} is out of range, the counts do not match, or the layer has
     *     no router of its own
     */
    public static MoeFfn keepMostFrequent(MoeFfn moe, long[] counts, int keep) {
        requireReducible(moe, keep);
        if (counts.length != moe.experts()) {
            throw new IllegalArgumentException(counts.length + " counts for " + moe.experts() + " experts");
        }
        int[] kept = IntStream.range(0, moe.experts()).boxed()
                .sorted(Comparator.comparingLong((Integer e) -> -counts[e]).thenComparing(e -> e))
                .limit(keep).mapToInt(Integer::intValue).sorted().toArray();
        int d = moe.dModel();
        float[] router = moe.routerWeight().toFloatArray();
        float[] reducedRouter = new float[d * keep];
        List<ExpertWeights> experts = new ArrayList<>();
        for (int j = 0; j < keep; j++) {
            experts.add(ExpertWeights.of(moe.expert(kept[j])));
            for (int r = 0; r < d; r++) {
                reducedRouter[r * keep + j] = router[r * moe.experts() + kept[j]];
            }
        }
        return build(moe, experts, reducedRouter, keep);
    }

    /**
     * The clusters UNCURL merges: spectral clustering of the experts' router-logit columns on the task.
     *
     * @param routerLogits recorded logits {@code [..., E]} on task tokens
     * @param clusters number of clusters, {@code 1 ≤ clusters ≤ E}
     * @param seed seed of the clustering
     * @return the cluster of each expert
     */
    public static int[] clusterExperts(NDArray routerLogits, int clusters, long seed) {
        int experts = (int) routerLogits.getShape().getLastDimension();
        float[] z = routerLogits.toType(DataType.FLOAT32, false).toFloatArray();
        int tokens = z.length / experts;
        double[][] columns = new double[experts][tokens];
        for (int t = 0; t < tokens; t++) {
            for (int e = 0; e < experts; e++) {
                columns[e][t] = z[t * experts + e];
            }
        }
        for (double[] column : columns) {
            double mean = Arrays.stream(column).average().orElse(0);
            for (int t = 0; t < tokens; t++) {
                column[t] -= mean;
            }
        }
        double[][] distance = new double[experts][experts];
        List<Double> offDiagonal = new ArrayList<>();
        for (int e = 0; e < experts; e++) {
            for (int f = 0; f < experts; f++) {
                double s = 0;
                for (int t = 0; t < tokens; t++) {
                    double diff = columns[e][t] - columns[f][t];
                    s += diff * diff;
                }
                distance[e][f] = s;
                if (e < f) {
                    offDiagonal.add(s);
                }
            }
        }
        double scale = offDiagonal.isEmpty() ? 1 : offDiagonal.stream().sorted().toList().get(offDiagonal.size() / 2);
        double[][] affinity = new double[experts][experts];
        for (int e = 0; e < experts; e++) {
            for (int f = 0; f < experts; f++) {
                affinity[e][f] = Math.exp(-distance[e][f] / (scale > 0 ? scale : 1));
            }
        }
        return Clustering.spectral(affinity, clusters, seed);
    }

    /**
     * UNCURL: merges the experts of a layer into {@code keep} experts.
     *
     * @param moe a layer with its own router and experts of one width
     * @param routerLogits its recorded logits {@code [..., E]} on task tokens
     * @param gates its recorded gates {@code [..., E]} on the same tokens
     * @param keep experts after merging, {@code 1 ≤ keep ≤ E}
     * @param seed seed of the clustering
     * @return a new layer of {@code keep} merged experts; {@code moe} is unchanged
     * @throws IllegalArgumentException if {@code keep} is out of range, the experts differ in width, or the layer
     *     has no router of its own
     */
    public static MoeFfn uncurl(MoeFfn moe, NDArray routerLogits, NDArray gates, int keep, long seed) {
        requireReducible(moe, keep);
        if (Arrays.stream(moe.widths()).distinct().count() != 1) {
            throw new IllegalArgumentException("merging aligns neurons one to one, so the experts must have one"
                    + " width; they have " + Arrays.toString(moe.widths()));
        }
        int[] cluster = clusterExperts(routerLogits, keep, seed);
        double[] usage = meanGates(gates, moe.experts());
        int d = moe.dModel();
        float[] router = moe.routerWeight().toFloatArray();
        float[] mergedRouter = new float[d * keep];
        List<ExpertWeights> merged = new ArrayList<>();
        for (int c = 0; c < keep; c++) {
            int id = c;
            int[] members = IntStream.range(0, moe.experts()).filter(e -> cluster[e] == id).toArray();
            double total = Arrays.stream(members).mapToDouble(e -> usage[e]).sum();
            double[] weight = Arrays.stream(members)
                    .mapToDouble(e -> total > 0 ? usage[e] / total : 1.0 / members.length).toArray();
            int reference = members[0];
            for (int e : members) {
                reference = usage[e] > usage[reference] ? e : reference;
            }
            ExpertWeights anchor = ExpertWeights.of(moe.expert(reference));
            ExpertWeights sum = anchor.zeros();
            for (int j = 0; j < members.length; j++) {
                ExpertWeights member = ExpertWeights.of(moe.expert(members[j]));
                sum.addScaled(member.permuted(Assignment.maximize(anchor.cosine(member))), weight[j]);
                for (int r = 0; r < d; r++) {
                    mergedRouter[r * keep + c] += (float) (weight[j] * router[r * moe.experts() + members[j]]);
                }
            }
            merged.add(sum);
        }
        return build(moe, merged, mergedRouter, keep);
    }

    private static double[] meanGates(NDArray gates, int experts) {
        float[] g = gates.toType(DataType.FLOAT32, false).toFloatArray();
        double[] mean = new double[experts];
        for (int i = 0; i < g.length; i++) {
            mean[i % experts] += g[i];
        }
        int tokens = g.length / experts;
        for (int e = 0; e < experts; e++) {
            mean[e] /= tokens;
        }
        return mean;
    }

    private static void requireReducible(MoeFfn moe, int keep) {
        if (moe.routerWeight() == null) {
            throw new IllegalArgumentException("this layer is routed by a pre-gating router; reduce layers that"
                    + " have a router of their own");
        }
        if (keep < 1 || keep > moe.experts()) {
            throw new IllegalArgumentException("keep must be in [1, " + moe.experts() + "], got " + keep);
        }
    }

    private static MoeFfn build(MoeFfn moe, List<ExpertWeights> experts, float[] router, int keep) {
        try (NDManager scratch = moe.manager().newSubManager()) {
            List<MoeFfn.Expert> list = experts.stream().map(w -> w.toExpert(scratch, moe.dModel())).toList();
            return MoeFfn.of(moe.prefix(), list, moe.bOut(), scratch.create(router, new Shape(moe.dModel(), keep)),
                    Math.min(moe.topK(), keep), moe.gating());
        }
    }

    /** One expert's weights as Java arrays: {@code W_in [d, m]}, {@code b_in [m]}, {@code W_out [m, d]}. */
    private record ExpertWeights(float[] wIn, float[] bIn, float[] wOut) {

        static ExpertWeights of(MoeFfn.Expert e) {
            return new ExpertWeights(e.wIn().toFloatArray(), e.bIn().toFloatArray(), e.wOut().toFloatArray());
        }

        int width() {
            return bIn.length;
        }

        int d() {
            return wOut.length / bIn.length;
        }

        ExpertWeights zeros() {
            return new ExpertWeights(new float[wIn.length], new float[bIn.length], new float[wOut.length]);
        }

        /** Neuron {@code i} of the result is neuron {@code match[i]} of this expert. */
        ExpertWeights permuted(int[] match) {
            int m = width();
            int d = d();
            ExpertWeights p = zeros();
            for (int i = 0; i < m; i++) {
                int j = match[i];
                p.bIn[i] = bIn[j];
                for (int r = 0; r < d; r++) {
                    p.wIn[r * m + i] = wIn[r * m + j];
                }
                System.arraycopy(wOut, j * d, p.wOut, i * d, d);
            }
            return p;
        }

        /** Cosine similarity of neuron i of this expert and neuron j of {@code other}, {@code [m, m]}. */
        double[][] cosine(ExpertWeights other) {
            int m = width();
            double[][] a = neuronVectors();
            double[][] b = other.neuronVectors();
            double[][] s = new double[m][m];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    double dot = 0;
                    double na = 0;
                    double nb = 0;
                    for (int k = 0; k < a[i].length; k++) {
                        dot += a[i][k] * b[j][k];
                        na += a[i][k] * a[i][k];
                        nb += b[j][k] * b[j][k];
                    }
                    s[i][j] = na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
                }
            }
            return s;
        }

        private double[][] neuronVectors() {
            int m = width();
            int d = d();
            double[][] v = new double[m][2 * d + 1];
            for (int i = 0; i < m; i++) {
                for (int r = 0; r < d; r++) {
                    v[i][r] = wIn[r * m + i];
                    v[i][d + 1 + r] = wOut[i * d + r];
                }
                v[i][d] = bIn[i];
            }
            return v;
        }

        void addScaled(ExpertWeights x, double w) {
            for (int i = 0; i < wIn.length; i++) {
                wIn[i] += (float) (w * x.wIn[i]);
            }
            for (int i = 0; i < bIn.length; i++) {
                bIn[i] += (float) (w * x.bIn[i]);
            }
            for (int i = 0; i < wOut.length; i++) {
                wOut[i] += (float) (w * x.wOut[i]);
            }
        }

        MoeFfn.Expert toExpert(NDManager manager, int d) {
            int m = width();
            return new MoeFfn.Expert(manager.create(wIn, new Shape(d, m)), manager.create(bIn),
                    manager.create(wOut, new Shape(m, d)));
        }
    }
}
