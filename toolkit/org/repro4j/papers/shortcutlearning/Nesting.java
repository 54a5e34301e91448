package org.repro4j.papers.shortcutlearning;

import java.util.Random;

/**
 * The fixed random nonlinear map a latent passes through before the embedding: the <em>nesting</em> knob of
 * availability in Hermann et al. (ICLR 2024, arXiv 2310.16228), in the form reconstructed for repro4j (the paper's
 * exact construction could not be retrieved).
 *
 * <p>Depth η = 0 is the identity: the latent z stays one scalar coordinate. For η ≥ 1 the latent is spread over
 * {@link #WIDTH} coordinates by η random tanh layers,
 * <pre>
 *   h₁ = tanh(a·z + b₁),           a, b₁ ∈ ℝ^w,      a_j, b_1j ~ N(0, 1)
 *   h_ℓ = tanh(W_ℓ h_{ℓ−1} + b_ℓ), W_ℓ ∈ ℝ^{w×w},  W_ℓ,jk ~ N(0, 4/w), b_ℓj ~ N(0, 1)   (ℓ = 2..η)
 * </pre>
 * then centred and scaled so that E‖h − E h‖² equals Var z = 1 + μ², the variance of the un-nested latent: nesting
 * changes how the feature is encoded, not how large it is (that is the amplitude's job). The centre and scale are
 * estimated once from {@value #CALIBRATION_SAMPLES} latents of the training distribution. The map is injective
 * (every first-layer unit is strictly monotone in z and every later layer is a.s. invertible), so nesting keeps all
 * the information and the Bayes log-odds 2μz is unchanged; what changes is how linearly the feature can be read.
 */
final class Nesting {

    /** Number of coordinates a nested latent occupies. */
    static final int WIDTH = 16;

    private static final int CALIBRATION_SAMPLES = 10_000;

    private final double[] firstWeights;
    private final double[][] weights; // [η − 1][w·w], row-major W_ℓ
    private final double[][] biases; // [η][w]
    private final double[] centre;
    private final double scale;

    /**
     * @param depth η ≥ 0
     * @param mu the latent's class mean μ, used only to calibrate the scale
     * @param random source of the fixed random weights and of the calibration latents
     */
    Nesting(int depth, double mu, Random random) {
        if (depth == 0) {
            firstWeights = null;
            weights = new double[0][];
            biases = new double[0][];
            centre = new double[] {0};
            scale = 1;
            return;
        }
        firstWeights = gaussians(random, WIDTH, 1);
        biases = new double[depth][];
        weights = new double[depth - 1][];
        biases[0] = gaussians(random, WIDTH, 1);
        for (int layer = 1; layer < depth; layer++) {
            weights[layer - 1] = gaussians(random, WIDTH * WIDTH, 2 / Math.sqrt(WIDTH));
            biases[layer] = gaussians(random, WIDTH, 1);
        }
        double[][] calibration = new double[CALIBRATION_SAMPLES][];
        double[] mean = new double[WIDTH];
        for (int i = 0; i < CALIBRATION_SAMPLES; i++) {
            double z = (random.nextBoolean() ? mu : -mu) + random.nextGaussian();
            calibration[i] = layers(z);
            for (int j = 0; j < WIDTH; j++) {
                mean[j] += calibration[i][j] / CALIBRATION_SAMPLES;
            }
        }
        double totalVariance = 0;
        for (double[] h : calibration) {
            for (int j = 0; j < WIDTH; j++) {
                totalVariance += (h[j] - mean[j]) * (h[j] - mean[j]) / CALIBRATION_SAMPLES;
            }
        }
        centre = mean;
        scale = Math.sqrt((1 + mu * mu) / totalVariance);
    }

    /** @return how many coordinates the nested latent occupies: 1 for η = 0, else {@link #WIDTH} */
    int width() {
        return centre.length;
    }

    /**
     * @param z the latent
     * @return the nested latent, length {@link #width()}; {@code [z]} for η = 0
     */
    double[] apply(double z) {
        if (firstWeights == null) {
            return new double[] {z};
        }
        double[] h = layers(z);
        for (int j = 0; j < WIDTH; j++) {
            h[j] = (h[j] - centre[j]) * scale;
        }
        return h;
    }

    private double[] layers(double z) {
        double[] h = new double[WIDTH];
        for (int j = 0; j < WIDTH; j++) {
            h[j] = Math.tanh(firstWeights[j] * z + biases[0][j]);
        }
        for (int layer = 1; layer < biases.length; layer++) {
            double[] w = weights[layer - 1];
            double[] next = new double[WIDTH];
            for (int j = 0; j < WIDTH; j++) {
                double pre = biases[layer][j];
                for (int k = 0; k < WIDTH; k++) {
                    pre += w[j * WIDTH + k] * h[k];
                }
                next[j] = Math.tanh(pre);
            }
            h = next;
        }
        return h;
    }

    private static double[] gaussians(Random random, int count, double sd) {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = sd * random.nextGaussian();
        }
        return values;
    }
}
