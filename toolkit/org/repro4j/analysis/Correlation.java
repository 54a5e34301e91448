package org.repro4j.analysis;

/** Correlation coefficients of paired samples. */
public final class Correlation {

    private Correlation() {}

    /**
     * Pearson's product-moment correlation, computed with centred sums (two passes, so large offsets do not cancel).
     *
     * @param x first sample
     * @param y second sample, paired with {@code x}
     * @return r in [−1, 1]; NaN if either sample is constant
     * @throws IllegalArgumentException if the lengths differ or fewer than 2 pairs are given
     */
    public static double pearson(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("paired samples must have equal lengths; got " + x.length + " and "
                    + y.length);
        }
        if (x.length < 2) {
            throw new IllegalArgumentException("a correlation needs at least 2 pairs; got " + x.length);
        }
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= x.length;
        my /= y.length;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            double dx = x[i] - mx;
            double dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
