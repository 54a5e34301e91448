package org.repro4j.papers.shortcutlearning;


/**
 * A model's <em>shortcut bias</em>: how much more it relies on the shortcut feature than the Bayes-optimal classifier
 * does. From Hermann, Mobahi, Fel &amp; Mozer, "On the Foundations of Shortcut Learning", ICLR 2024
 * (arXiv 2310.16228); the paper's exact formula could not be retrieved, so these definitions are
 * <b>reconstructed</b> (package documentation) to keep its stated meaning.
 *
 * <ul>
 *   <li>On a probe set where z_c is shuffled against z_s (so the two are independent), regress the model's logit by
 *       least squares: f ≈ b₀ + b_s z_s + b_c z_c.
 *   <li><b>Reliance</b> on the shortcut R_s = |b_s| / (|b_s| + |b_c|) ∈ [0, 1].
 *   <li><b>Bayes reliance</b> R*_s = μ_s / (μ_s + μ_c), the reliance of the Bayes log-odds 2(μ_s z_s + μ_c z_c).
 *   <li><b>Shortcut bias</b> = R_s − R*_s ∈ [−1, 1]: 0 for the Bayes classifier, 1 − R*_s for a model that reads
 *       only z_s, −R*_s for one that reads only z_c.
 *   <li>Secondary check on the probe points where the features conflict (sign z_s ≠ sign z_c): the
 *       <b>follow rate</b>, the fraction on which the model's prediction sign f equals sign z_s, minus the same
 *       fraction for the Bayes classifier.
 * </ul>
 *
 * @param intercept b₀, in logit units (nats)
 * @param weightShortcut b_s, logit per unit of z_s
 * @param weightCore b_c, logit per unit of z_c
 * @param reliance R_s; NaN if b_s = b_c = 0 (a model that ignores both features)
 * @param bayesReliance R*_s
 * @param bias R_s − R*_s; NaN when R_s is
 * @param conflicts how many probe points have sign z_s ≠ sign z_c
 * @param followRate the fraction of those on which the model follows z_s; NaN if there are none
 * @param bayesFollowRate the same fraction for the Bayes classifier; NaN if there are none
 */
public record ShortcutBias(
        double intercept,
        double weightShortcut,
        double weightCore,
        double reliance,
        double bayesReliance,
        double bias,
        int conflicts,
        double followRate,
        double bayesFollowRate) {

    /**
     * Measures a model's bias on a probe set drawn from {@code data}.
     *
     * @param logits the model's logits f (log-odds of y = +1) on {@code probe.x()}, shape [n]
     * @param probe a probe set from {@link ShortcutData#probe(int)} (decorrelated latents)
     * @param data the generator, which supplies μ_s and μ_c
     * @return the regression weights, reliances, bias and follow rates
     * @throws IllegalArgumentException as {@link #measure(double[], double[], double[], double, double)}
     */
    public static ShortcutBias measure(double[] logits, ShortcutData.Samples probe, ShortcutData data) {
        return measure(logits, probe.zShortcut(), probe.zCore(), data.shortcut().mu(), data.core().mu());
    }

    /**
     * Measures a model's bias from its logits and the probe latents.
     *
     * @param logits the model's logits f, shape [n]
     * @param zShortcut probe shortcut latents z_s, shape [n], independent of z_c
     * @param zCore probe core latents z_c, shape [n]
     * @param muShortcut μ_s &gt; 0, the shortcut's class mean
     * @param muCore μ_c &gt; 0, the core's class mean
     * @return the regression weights, reliances, bias and follow rates
     * @throws IllegalArgumentException if the lengths differ, n &lt; 3, a logit is not finite, a μ is not positive,
     *     or the latents are collinear (no least-squares solution)
     */
    public static ShortcutBias measure(
            double[] logits, double[] zShortcut, double[] zCore, double muShortcut, double muCore) {
        int n = logits.length;
        if (zShortcut.length != n || zCore.length != n) {
            throw new IllegalArgumentException("got " + n + " logits, " + zShortcut.length + " shortcut latents and "
                    + zCore.length + " core latents; pass the model's logits on exactly the probe set's inputs");
        }
        if (n < 3) {
            throw new IllegalArgumentException("the regression f ~ b0 + b_s z_s + b_c z_c needs at least 3 probe"
                    + " points, got " + n + "; use a probe set of a few thousand (the notebook uses 4000)");
        }
        if (!(muShortcut > 0 && muCore > 0)) {
            throw new IllegalArgumentException("class means must be > 0, got mu_s = " + muShortcut + ", mu_c = "
                    + muCore + "; use Feature.mu() of features with predictivity in (0.5, 1)");
        }
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(logits[i])) {
                throw new IllegalArgumentException("logit " + i + " is " + logits[i] + "; the model diverged or the"
                        + " logits were read wrongly: lower the learning rate or check the forward pass");
            }
        }
        double[] weights = leastSquares(logits, zShortcut, zCore);
        double absS = Math.abs(weights[1]);
        double absC = Math.abs(weights[2]);
        double reliance = absS + absC == 0 ? Double.NaN : absS / (absS + absC);
        double bayesReliance = muShortcut / (muShortcut + muCore);

        int conflicts = 0;
        int follows = 0;
        int bayesFollows = 0;
        for (int i = 0; i < n; i++) {
            double signS = Math.signum(zShortcut[i]);
            if (signS * Math.signum(zCore[i]) < 0) {
                conflicts++;
                follows += predictedSign(logits[i]) == signS ? 1 : 0;
                bayesFollows += predictedSign(2 * (muShortcut * zShortcut[i] + muCore * zCore[i])) == signS ? 1 : 0;
            }
        }
        return new ShortcutBias(
                weights[0],
                weights[1],
                weights[2],
                reliance,
                bayesReliance,
                reliance - bayesReliance,
                conflicts,
                conflicts == 0 ? Double.NaN : (double) follows / conflicts,
                conflicts == 0 ? Double.NaN : (double) bayesFollows / conflicts);
    }

    /**
     * The fraction of predictions that follow a shortcut signal, e.g. a patch on a conflict set.
     *
     * @param logits the model's logits f, shape [n]; the prediction is +1 if f &gt; 0, else −1
     * @param shortcutSign the label the shortcut indicates for each sample, ±1, shape [n]
     * @return the fraction of samples with predicted sign = shortcut sign, in [0, 1]
     * @throws IllegalArgumentException if the lengths differ or are 0, or a sign is not ±1
     */
    public static double followRate(double[] logits, int[] shortcutSign) {
        if (logits.length != shortcutSign.length || logits.length == 0) {
            throw new IllegalArgumentException("got " + logits.length + " logits and " + shortcutSign.length
                    + " shortcut signs; pass one of each per sample, at least one");
        }
        int follows = 0;
        for (int i = 0; i < logits.length; i++) {
            if (shortcutSign[i] != 1 && shortcutSign[i] != -1) {
                throw new IllegalArgumentException("shortcut sign " + i + " is " + shortcutSign[i]
                        + "; signs must be +1 or -1");
            }
            follows += predictedSign(logits[i]) == shortcutSign[i] ? 1 : 0;
        }
        return (double) follows / logits.length;
    }

    /** @return the follow rate minus the Bayes follow rate: the conflict-set version of the bias */
    public double followBias() {
        return followRate - bayesFollowRate;
    }

    private static double predictedSign(double logit) {
        return logit > 0 ? 1 : -1;
    }

    /** Solves the 3×3 normal equations of f ≈ b₀ + b_s z_s + b_c z_c via centring (a 2×2 system). */
    private static double[] leastSquares(double[] f, double[] zs, double[] zc) {
        int n = f.length;
        double meanF = mean(f);
        double meanS = mean(zs);
        double meanC = mean(zc);
        double ss = 0;
        double sc = 0;
        double cc = 0;
        double sf = 0;
        double cf = 0;
        for (int i = 0; i < n; i++) {
            double ds = zs[i] - meanS;
            double dc = zc[i] - meanC;
            double df = f[i] - meanF;
            ss += ds * ds;
            sc += ds * dc;
            cc += dc * dc;
            sf += ds * df;
            cf += dc * df;
        }
        double det = ss * cc - sc * sc;
        if (!(det > 1e-12 * ss * cc)) {
            throw new IllegalArgumentException("the probe latents z_s and z_c are constant or collinear, so their"
                    + " weights cannot be separated; use a probe set from ShortcutData.probe(n)");
        }
        double bs = (cc * sf - sc * cf) / det;
        double bc = (ss * cf - sc * sf) / det;
        return new double[] {meanF - bs * meanS - bc * meanC, bs, bc};
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
