package org.repro4j.circuits;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Composition scores: how much of what an upstream head writes a downstream head reads.
 *
 * <p><b>Whole matrix</b> (Elhage et al. 2021, "A Mathematical Framework for Transformer Circuits"):
 * CS(A, B) = ‖A·B‖_F / (‖A‖_F ‖B‖_F) ∈ [0, 1], with A = OV_up and, by which input of the downstream head the
 * upstream output feeds ({@link Kind}): Q-composition B = QK_down, K-composition B = QK_downᵀ, V-composition
 * B = OV_down. Row-vector convention as in {@link FactoredMatrix}.
 *
 * <p><b>Per rank-1 component</b> (Merullo, Eickhoff, Pavlick 2024, "Talking Heads: Understanding Inter-layer
 * Communication in Transformer Language Models", NeurIPS, arXiv 2406.09519): with OV_up = Σ_i σ_i u_i v_iᵀ and v_i
 * the direction component i writes, CS_i = CS(u_i v_iᵀ, B) = ‖v_iᵀ·B‖₂ / ‖B‖_F. It does not depend on σ_i, and a
 * few components scoring far above the whole matrix is the paper's low-rank communication channel.
 *
 * <p><b>Baselines.</b> For random matrices and random unit directions both scores are about 1/√d_model
 * ({@link #chanceLevel}); {@link #randomMatrixBaseline} and {@link #randomDirectionBaseline} give the seeded
 * empirical distribution.
 *
 * <p>A score against a zero matrix (e.g. an ablated head) is 0/0 and returned as NaN.
 *
 * <pre>{@code
 * List<HeadCircuit> l0 = HeadCircuit.layer(wQ0, wK0, wV0, wO0);   // per-head weights [n_heads, .., ..]
 * List<HeadCircuit> l1 = HeadCircuit.layer(wQ1, wK1, wV1, wO1);
 * double[][] whole = CompositionScore.grid(Kind.V, l0, l1);           // [n_heads_up][n_heads_down]
 * double[][] best = CompositionScore.bestComponentGrid(Kind.V, l0, l1);
 * double[] cs = CompositionScore.perComponent(Kind.V, l0.get(0), l1.get(1)); // one per component, largest σ first
 * }</pre>
 */
public final class CompositionScore {

    /** Which input of the downstream head the upstream head's output feeds. */
    public enum Kind {
        /** Query side: the upstream output changes where the downstream head attends from; B = QK_down. */
        Q,
        /** Key side: the upstream output changes what the downstream head attends to; B = QK_downᵀ. */
        K,
        /** Value side: the upstream output is moved on by the downstream head; B = OV_down. */
        V;

        /**
         * @param down the downstream head
         * @return the matrix B the upstream OV is composed with, shape {@code [d_model, d_model]}
         */
        public FactoredMatrix reader(HeadCircuit down) {
            return switch (this) {
                case Q -> down.qk();
                case K -> down.qk().transpose();
                case V -> down.ov();
            };
        }
    }

    /**
     * An empirical distribution of scores under a random null: its mean and a central band.
     *
     * @param mean mean score
     * @param lower the 5th percentile
     * @param upper the 95th percentile
     */
    public record Baseline(double mean, double lower, double upper) {}

    private CompositionScore() {}

    /**
     * @param a the writer, shape {@code [d, d]}
     * @param b the reader, shape {@code [d, d]}
     * @return ‖A·B‖_F / (‖A‖_F ‖B‖_F), in [0, 1]; NaN if either is zero
     * @throws IllegalArgumentException if A's columns differ from B's rows
     */
    public static double score(FactoredMatrix a, FactoredMatrix b) {
        return a.times(b).frobeniusNorm() / (a.frobeniusNorm() * b.frobeniusNorm());
    }

    /**
     * @param kind which input of {@code down} is read
     * @param up the upstream (writing) head
     * @param down the downstream (reading) head
     * @return the whole-matrix composition score
     */
    public static double score(Kind kind, HeadCircuit up, HeadCircuit down) {
        return score(up.ov(), kind.reader(down));
    }

    /**
     * @param direction a unit vector written into the residual stream, length d
     * @param b the reader, shape {@code [d, d]}
     * @return ‖directionᵀ·B‖₂ / ‖B‖_F, in [0, 1] for a unit direction; NaN if B is zero
     * @throws IllegalArgumentException if the lengths differ or {@code direction} is not unit length (±1e-6)
     */
    public static double directionScore(double[] direction, FactoredMatrix b) {
        double norm = norm(direction);
        if (Math.abs(norm - 1) > 1e-6) {
            throw new IllegalArgumentException("direction has norm " + norm + "; pass a unit vector");
        }
        return norm(b.leftMultiply(direction)) / b.frobeniusNorm();
    }

    /**
     * Per-component scores CS_i for the non-zero components of the writer ({@link FactoredMatrix#rank()}).
     *
     * @param ovUp the writer's OV, shape {@code [d, d]}
     * @param b the reader, shape {@code [d, d]}
     * @return CS_i for i = 0 … rank−1, in the writer's σ order (largest first)
     */
    public static double[] perComponent(FactoredMatrix ovUp, FactoredMatrix b) {
        double[] out = new double[ovUp.rank()];
        for (int i = 0; i < out.length; i++) {
            out[i] = directionScore(ovUp.writeDirection(i), b);
        }
        return out;
    }

    /**
     * @param kind which input of {@code down} is read
     * @param up the upstream (writing) head
     * @param down the downstream (reading) head
     * @return CS_i per non-zero component of the upstream OV, largest σ first
     */
    public static double[] perComponent(Kind kind, HeadCircuit up, HeadCircuit down) {
        return perComponent(up.ov(), kind.reader(down));
    }

    /**
     * Head-to-head whole-matrix scores for a pair of layers, the left-hand heat map of the paper's analysis.
     *
     * @param kind which input of the downstream heads is read
     * @param up the upstream layer's heads
     * @param down the downstream layer's heads
     * @return scores {@code [n_heads_up][n_heads_down]}
     */
    public static double[][] grid(Kind kind, List<HeadCircuit> up, List<HeadCircuit> down) {
        double[][] out = new double[up.size()][down.size()];
        for (int i = 0; i < up.size(); i++) {
            for (int j = 0; j < down.size(); j++) {
                out[i][j] = score(kind, up.get(i), down.get(j));
            }
        }
        return out;
    }

    /**
     * Head-to-head best per-component scores, max_i CS_i, beside {@link #grid} in the paper's comparison.
     *
     * @param kind which input of the downstream heads is read
     * @param up the upstream layer's heads
     * @param down the downstream layer's heads
     * @return scores {@code [n_heads_up][n_heads_down]}; NaN where the upstream OV is zero
     */
    public static double[][] bestComponentGrid(Kind kind, List<HeadCircuit> up, List<HeadCircuit> down) {
        double[][] out = new double[up.size()][down.size()];
        for (int i = 0; i < up.size(); i++) {
            for (int j = 0; j < down.size(); j++) {
                out[i][j] = Arrays.stream(perComponent(kind, up.get(i), down.get(j))).max().orElse(Double.NaN);
            }
        }
        return out;
    }

    /**
     * @param dModel residual width d
     * @return 1/√d, the expected score of random matrices or random unit directions
     * @throws IllegalArgumentException if {@code dModel < 1}
     */
    public static double chanceLevel(int dModel) {
        if (dModel < 1) {
            throw new IllegalArgumentException("d_model must be >= 1 but was " + dModel);
        }
        return 1 / Math.sqrt(dModel);
    }

    /**
     * Whole-matrix scores of random head circuits: writer and reader are each W·W' with i.i.d. Gaussian factors
     * {@code [d_model, d_head]} and {@code [d_head, d_model]}, the same rank as a real head.
     *
     * @param dModel residual width
     * @param dHead head width
     * @param samples number of random pairs, ≥ 2
     * @param seed random seed; the same seed gives the same baseline
     * @return mean and 5–95% band of the scores
     * @throws IllegalArgumentException if a size is below 1 or {@code samples < 2}
     */
    public static Baseline randomMatrixBaseline(int dModel, int dHead, int samples, long seed) {
        checkSamples(samples);
        if (dModel < 1 || dHead < 1) {
            throw new IllegalArgumentException("d_model and d_head must be >= 1 but were " + dModel + ", " + dHead);
        }
        Random rng = new Random(seed);
        double[] scores = new double[samples];
        for (int s = 0; s < samples; s++) {
            FactoredMatrix a = FactoredMatrix.of(gaussian(rng, dModel, dHead), gaussian(rng, dHead, dModel));
            FactoredMatrix b = FactoredMatrix.of(gaussian(rng, dModel, dHead), gaussian(rng, dHead, dModel));
            scores[s] = score(a, b);
        }
        return summarize(scores);
    }

    /**
     * Per-component scores of uniformly random unit directions against a given reader: the null for
     * {@link #perComponent} that keeps the reader's own spectrum.
     *
     * @param b the reader, shape {@code [d, d]}
     * @param samples number of random directions, ≥ 2
     * @param seed random seed; the same seed gives the same baseline
     * @return mean and 5–95% band of ‖vᵀB‖₂ / ‖B‖_F
     * @throws IllegalArgumentException if {@code samples < 2}
     */
    public static Baseline randomDirectionBaseline(FactoredMatrix b, int samples, long seed) {
        checkSamples(samples);
        Random rng = new Random(seed);
        double[] scores = new double[samples];
        for (int s = 0; s < samples; s++) {
            double[] v = gaussian(rng, 1, b.rows())[0];
            double n = norm(v);
            for (int i = 0; i < v.length; i++) {
                v[i] /= n;
            }
            scores[s] = directionScore(v, b);
        }
        return summarize(scores);
    }

    private static Baseline summarize(double[] scores) {
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        return new Baseline(Arrays.stream(sorted).average().orElseThrow(),
                quantile(sorted, 0.05), quantile(sorted, 0.95));
    }

    /** Linear interpolation between order statistics (numpy's default). */
    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static void checkSamples(int samples) {
        if (samples < 2) {
            throw new IllegalArgumentException("need at least 2 samples for a baseline band but got " + samples);
        }
    }

    private static double[][] gaussian(Random rng, int rows, int cols) {
        double[][] out = new double[rows][cols];
        for (double[] row : out) {
            for (int j = 0; j < cols; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        return out;
    }

    private static double norm(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return Math.sqrt(s);
    }
}
