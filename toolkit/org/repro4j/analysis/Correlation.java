package org.repro4j.analysis;

import java.util.Arrays;

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

    /**
     * Spearman's rank correlation: Pearson's r of the samples' ranks, tied values sharing their mean rank (e.g. how
     * monotonically sub-models' accuracy grows with their size).
     *
     * @param x first sample
     * @param y second sample, paired with {@code x}
     * @return ρ in [−1, 1]; NaN if either sample is constant
     * @throws IllegalArgumentException if the lengths differ or fewer than 2 pairs are given
     */
    public static double spearman(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("paired samples must have equal lengths; got " + x.length + " and "
                    + y.length);
        }
        return pearson(ranks(x), ranks(y));
    }

    /** @return 1-based ranks, ties given the mean of the ranks they span */
    private static double[] ranks(double[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        double[] ranks = new double[values.length];
        for (int start = 0; start < order.length; ) {
            int end = start;
            while (end + 1 < order.length && values[order[end + 1]] == values[order[start]]) {
                end++;
            }
            double mean = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) {
                ranks[order[k]] = mean;
            }
            start = end + 1;
        }
        return ranks;
    }
}
