package org.repro4j.papers.shortcutlearning;

import java.util.Random;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Vector data with a <em>shortcut</em> and a <em>core</em> latent feature whose predictivity and availability are
 * set independently: the generative framework of Hermann, Mobahi, Fel &amp; Mozer, "On the Foundations of Shortcut
 * Learning", ICLR 2024 (arXiv 2310.16228). The paper's exact equations could not be retrieved; this is the
 * <b>reconstructed</b> design of repro4j (package documentation), which keeps the paper's stated meaning.
 *
 * <ul>
 *   <li>Label y ∈ {−1, +1}, uniform.
 *   <li>Latents z_i = y·μ_i + ε_i, ε_i ~ N(0, 1) independent, for i ∈ {s (shortcut), c (core)}.
 *   <li><b>Predictivity</b> p_i = P(sign z_i = y), hence μ_i = Φ⁻¹(p_i).
 *   <li><b>Availability</b>: amplitude α_i (the feature's magnitude in the input) and nesting depth η_i (how many
 *       fixed random tanh layers the latent passes through first; η = 0 leaves it a scalar, see the nesting
 *       paragraph below).
 *   <li>Input x = U·[α_s φ_s(z_s); α_c φ_c(z_c)] ∈ ℝ^d, U a fixed random d×k matrix with orthonormal columns
 *       (k = 2 without nesting; default d = {@value #DEFAULT_DIM}).
 *   <li>Bayes-optimal log-odds log P(y=+1|x)/P(y=−1|x) = 2(μ_s z_s + μ_c z_c), linear in the latents (the LDA
 *       line of the paper's Fig. 2) and independent of α and η.
 * </ul>
 *
 * <p><b>Nesting (reconstructed).</b> With η_i ≥ 1 the latent z_i is replaced by φ_i(z_i) ∈ ℝ^16: a first layer
 * tanh(a z + b) with a, b ~ N(0, 1)^16, then η_i − 1 layers tanh(W h + b) with W_jk ~ N(0, 4/16), b_j ~ N(0, 1),
 * then centring and scaling so that φ_i has the same total variance 1 + μ_i² as the raw latent. The map is
 * injective, so the Bayes log-odds above still hold; it only makes the feature harder to read linearly. Each nested
 * feature takes 16 columns of U instead of 1.
 *
 * <p>Everything is derived from one seed: the same seed gives the same U, nesting weights and samples; another seed
 * gives others. Each kind of set ({@link #training}, {@link #test}, {@link #probe}, {@link #conflict}) has its own
 * random stream, so the sets are independent of each other and of the order in which they are requested.
 *
 * <pre>{@code
 * ShortcutData data = ShortcutData.create(Feature.of(0.7, 16), Feature.of(0.9, 1), seed);
 * ShortcutData.Samples train = data.training(2000);   // x [2000, 100], y in {-1, +1}
 * ShortcutData.Samples probe = data.probe(4000);      // z_c shuffled against z_s
 * }</pre>
 */
public final class ShortcutData {

    /** Default input dimension d. */
    public static final int DEFAULT_DIM = 100;

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);
    private static final long STREAM_PARAMETERS = 0;
    private static final long STREAM_TRAINING = 1;
    private static final long STREAM_TEST = 2;
    private static final long STREAM_PROBE = 3;
    private static final long STREAM_CONFLICT = 4;

    /**
     * One latent feature's settings.
     *
     * @param predictivity p = P(sign z = y), in the open interval (0.5, 1)
     * @param amplitude α &gt; 0, the factor the (nested) latent is multiplied by before the embedding
     * @param nesting η ≥ 0, the number of fixed random tanh layers before the embedding
     */
    public record Feature(double predictivity, double amplitude, int nesting) {

        /**
         * @throws IllegalArgumentException if p ∉ (0.5, 1), α ≤ 0 or not finite, or η &lt; 0
         */
        public Feature {
            if (!(predictivity > 0.5 && predictivity < 1)) {
                throw new IllegalArgumentException("predictivity p = " + predictivity + " must lie strictly between"
                        + " 0.5 and 1: p = P(sign z = y), so p <= 0.5 means the feature does not indicate the label"
                        + " (use 1 - p and flip its sign) and p = 1 needs an infinite class mean; try p = 0.7 or 0.9");
            }
            if (!(amplitude > 0 && Double.isFinite(amplitude))) {
                throw new IllegalArgumentException("amplitude alpha = " + amplitude + " must be a finite number > 0"
                        + " (it scales the feature in the input; 1 is neutral, 16 makes it highly available)");
            }
            if (nesting < 0) {
                throw new IllegalArgumentException("nesting depth eta = " + nesting + " must be >= 0 (the number of"
                        + " random tanh layers before the embedding; 0 embeds the latent directly)");
            }
        }

        /**
         * @param predictivity p = P(sign z = y), in (0.5, 1)
         * @param amplitude α &gt; 0
         * @return the feature without nesting (η = 0)
         */
        public static Feature of(double predictivity, double amplitude) {
            return new Feature(predictivity, amplitude, 0);
        }

        /** @return the class mean μ = Φ⁻¹(p) of the latent (z = y·μ + N(0, 1)) */
        public double mu() {
            return STANDARD_NORMAL.inverseCumulativeProbability(predictivity);
        }
    }

    /**
     * A drawn set. Arrays are shared, not copied.
     *
     * @param x inputs, shape [n, d]
     * @param y labels in {−1, +1}, shape [n] (a float so that it enters losses such as softplus(−y·f) directly)
     * @param zShortcut shortcut latents z_s, shape [n]
     * @param zCore core latents z_c, shape [n]
     */
    public record Samples(float[][] x, float[] y, double[] zShortcut, double[] zCore) {

        /** @return the number of samples n */
        public int size() {
            return y.length;
        }
    }

    private final Feature shortcut;
    private final Feature core;
    private final int dim;
    private final long seed;
    private final double muShortcut;
    private final double muCore;
    private final Nesting nestShortcut;
    private final Nesting nestCore;
    private final double[][] embedding; // U, [d, k]

    private ShortcutData(Feature shortcut, Feature core, int dim, long seed) {
        this.shortcut = shortcut;
        this.core = core;
        this.dim = dim;
        this.seed = seed;
        this.muShortcut = shortcut.mu();
        this.muCore = core.mu();
        Random random = stream(STREAM_PARAMETERS);
        this.nestShortcut = new Nesting(shortcut.nesting(), muShortcut, random);
        this.nestCore = new Nesting(core.nesting(), muCore, random);
        this.embedding = orthonormalColumns(dim, nestShortcut.width() + nestCore.width(), random);
    }

    /**
     * @param shortcut the shortcut feature z_s (typically less predictive, more available)
     * @param core the core feature z_c
     * @param dim input dimension d ≥ the number of embedded coordinates (2 without nesting, 16 per nested feature)
     * @param seed determines U, the nesting weights and every sample
     * @return the generator
     * @throws IllegalArgumentException if a feature is null or d is too small for the embedded coordinates
     */
    public static ShortcutData create(Feature shortcut, Feature core, int dim, long seed) {
        if (shortcut == null || core == null) {
            throw new IllegalArgumentException("both features are needed, e.g. Feature.of(0.7, 16) for the shortcut"
                    + " and Feature.of(0.9, 1) for the core");
        }
        int needed = (shortcut.nesting() == 0 ? 1 : Nesting.WIDTH) + (core.nesting() == 0 ? 1 : Nesting.WIDTH);
        if (dim < needed) {
            throw new IllegalArgumentException("input dimension d = " + dim + " is too small: the features occupy "
                    + needed + " orthonormal directions (1 per plain feature, " + Nesting.WIDTH
                    + " per nested one); use d >= " + needed + ", e.g. the default " + DEFAULT_DIM);
        }
        return new ShortcutData(shortcut, core, dim, seed);
    }

    /**
     * @param shortcut the shortcut feature z_s
     * @param core the core feature z_c
     * @param seed determines U, the nesting weights and every sample
     * @return the generator with d = {@value #DEFAULT_DIM}
     * @throws IllegalArgumentException if a feature is null
     */
    public static ShortcutData create(Feature shortcut, Feature core, long seed) {
        return create(shortcut, core, DEFAULT_DIM, seed);
    }

    /**
     * @param n number of samples ≥ 1
     * @return a training set: z_s and z_c both correlated with y as configured
     * @throws IllegalArgumentException if n &lt; 1
     */
    public Samples training(int n) {
        return draw(n, stream(STREAM_TRAINING), false);
    }

    /**
     * @param n number of samples ≥ 1
     * @return a held-out set from the training distribution, independent of {@link #training}
     * @throws IllegalArgumentException if n &lt; 1
     */
    public Samples test(int n) {
        return draw(n, stream(STREAM_TEST), false);
    }

    /**
     * A probe set for measuring reliance: n samples from the training distribution whose core latents are then
     * randomly permuted across samples, so that z_s and z_c are independent (each keeps its marginal). The label y
     * is the one z_s was drawn with; the regression in {@code ShortcutBias} does not use it.
     *
     * @param n number of samples ≥ 1 (the notebook uses 4000)
     * @return the decorrelated probe set
     * @throws IllegalArgumentException if n &lt; 1
     */
    public Samples probe(int n) {
        return draw(n, stream(STREAM_PROBE), true);
    }

    /**
     * A conflict set: samples of the training distribution on which the two features disagree,
     * sign z_s ≠ sign z_c (drawn by rejection; y is the true label, so it agrees with exactly one feature).
     *
     * @param n number of samples ≥ 1
     * @return the conflict set
     * @throws IllegalArgumentException if n &lt; 1
     */
    public Samples conflict(int n) {
        requirePositive(n);
        Random random = stream(STREAM_CONFLICT);
        float[] y = new float[n];
        double[] zs = new double[n];
        double[] zc = new double[n];
        int filled = 0;
        while (filled < n) {
            int label = random.nextBoolean() ? 1 : -1;
            double s = label * muShortcut + random.nextGaussian();
            double c = label * muCore + random.nextGaussian();
            if (Math.signum(s) * Math.signum(c) < 0) {
                y[filled] = label;
                zs[filled] = s;
                zc[filled] = c;
                filled++;
            }
        }
        return new Samples(embed(zs, zc), y, zs, zc);
    }

    /**
     * Maps latents to inputs through this generator's nesting and embedding (used for decision surfaces).
     *
     * @param zShortcut shortcut latents, shape [n]
     * @param zCore core latents, shape [n]
     * @return inputs x = U·[α_s φ_s(z_s); α_c φ_c(z_c)], shape [n, d]
     * @throws IllegalArgumentException if the lengths differ
     */
    public float[][] embed(double[] zShortcut, double[] zCore) {
        if (zShortcut.length != zCore.length) {
            throw new IllegalArgumentException("got " + zShortcut.length + " shortcut latents but " + zCore.length
                    + " core latents; pass one of each per sample");
        }
        float[][] x = new float[zShortcut.length][];
        for (int i = 0; i < x.length; i++) {
            x[i] = embed(zShortcut[i], zCore[i]);
        }
        return x;
    }

    private float[] embed(double zs, double zc) {
        double[] hs = nestShortcut.apply(zs);
        double[] hc = nestCore.apply(zc);
        double[] coords = new double[hs.length + hc.length];
        for (int j = 0; j < hs.length; j++) {
            coords[j] = shortcut.amplitude() * hs[j];
        }
        for (int j = 0; j < hc.length; j++) {
            coords[hs.length + j] = core.amplitude() * hc[j];
        }
        float[] x = new float[dim];
        for (int row = 0; row < dim; row++) {
            double sum = 0;
            for (int j = 0; j < coords.length; j++) {
                sum += embedding[row][j] * coords[j];
            }
            x[row] = (float) sum;
        }
        return x;
    }

    /**
     * The Bayes-optimal classifier's logit, the reference of the shortcut bias.
     *
     * @param zShortcut z_s
     * @param zCore z_c
     * @return log P(y=+1 | z) / P(y=−1 | z) = 2(μ_s z_s + μ_c z_c), in nats
     */
    public double bayesLogit(double zShortcut, double zCore) {
        return 2 * (muShortcut * zShortcut + muCore * zCore);
    }

    /**
     * @param samples any set of this generator
     * @return the Bayes logits of its samples, shape [n]
     */
    public double[] bayesLogits(Samples samples) {
        double[] logits = new double[samples.size()];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = bayesLogit(samples.zShortcut()[i], samples.zCore()[i]);
        }
        return logits;
    }

    /**
     * The Bayes (LDA) decision line 2(μ_s z_s + μ_c z_c) = 0, for plots.
     *
     * @param zShortcut z_s
     * @return the z_c on the Bayes decision line at this z_s: −(μ_s/μ_c)·z_s
     */
    public double bayesBoundary(double zShortcut) {
        return -muShortcut / muCore * zShortcut;
    }

    /** @return the Bayes classifier's reliance on the shortcut R*_s = μ_s / (μ_s + μ_c), in (0, 1) */
    public double bayesReliance() {
        return muShortcut / (muShortcut + muCore);
    }

    /** @return the shortcut feature's settings */
    public Feature shortcut() {
        return shortcut;
    }

    /** @return the core feature's settings */
    public Feature core() {
        return core;
    }

    /** @return the input dimension d */
    public int dim() {
        return dim;
    }

    /** @return the seed everything is derived from */
    public long seed() {
        return seed;
    }

    /**
     * @return a copy of the embedding U, shape [d, k] with orthonormal columns; columns 0..k_s−1 carry the shortcut
     *     (k_s = 1, or 16 if nested), the rest the core
     */
    public double[][] embedding() {
        double[][] copy = new double[dim][];
        for (int row = 0; row < dim; row++) {
            copy[row] = embedding[row].clone();
        }
        return copy;
    }

    @Override
    public String toString() {
        return "ShortcutData[shortcut=" + shortcut + ", core=" + core + ", d=" + dim + ", seed=" + seed + "]";
    }

    private Samples draw(int n, Random random, boolean decorrelate) {
        requirePositive(n);
        float[] y = new float[n];
        double[] zs = new double[n];
        double[] zc = new double[n];
        for (int i = 0; i < n; i++) {
            int label = random.nextBoolean() ? 1 : -1;
            y[i] = label;
            zs[i] = label * muShortcut + random.nextGaussian();
            zc[i] = label * muCore + random.nextGaussian();
        }
        if (decorrelate) {
            shuffle(zc, random);
        }
        return new Samples(embed(zs, zc), y, zs, zc);
    }

    private Random stream(long id) {
        // Distinct odd multipliers keep the streams of neighbouring seeds apart.
        return new Random(seed * 0x9E3779B97F4A7C15L + id * 0xBF58476D1CE4E5B9L);
    }

    private static void shuffle(double[] values, Random random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            double swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }

    private static void requirePositive(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("sample count n = " + n + " must be >= 1 (the notebook uses 2000 for"
                    + " training and 4000 for probing)");
        }
    }

    /** Gaussian d×k matrix orthonormalised by modified Gram–Schmidt: a Haar-random orthonormal frame. */
    private static double[][] orthonormalColumns(int rows, int cols, Random random) {
        double[][] u = new double[rows][cols];
        for (double[] row : u) {
            for (int j = 0; j < cols; j++) {
                row[j] = random.nextGaussian();
            }
        }
        for (int j = 0; j < cols; j++) {
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (double[] row : u) {
                    dot += row[j] * row[k];
                }
                for (double[] row : u) {
                    row[j] -= dot * row[k];
                }
            }
            double norm = 0;
            for (double[] row : u) {
                norm += row[j] * row[j];
            }
            norm = Math.sqrt(norm);
            for (double[] row : u) {
                row[j] /= norm;
            }
        }
        return u;
    }
}
