package org.repro4j;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.Locale;

/**
 * How repro4j writes numbers for people: in claims, tables and reports. One format everywhere, so the same value
 * reads the same in a notebook's table and in the claims summary.
 */
public final class Format {

    private Format() {}

    /**
     * The shortest plain decimal of a number, rounded to 4 significant digits when it has more than 4 decimals:
     * {@code 0.8712}, {@code 0.04928}, {@code 12.5}, {@code 3000}; never scientific notation below 10⁴.
     *
     * @param value any double
     * @return its text; {@code NaN}, {@code Infinity}, {@code -Infinity} for non-finite values
     */
    public static String number(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        BigDecimal exact = BigDecimal.valueOf(value);
        BigDecimal shown = exact.scale() > 4 && Math.abs(value) < 1e4 ? exact.round(new MathContext(4)) : exact;
        return shown.stripTrailingZeros().toPlainString();
    }

    /**
     * A duration as a reader says it: {@code 48 s}, {@code 2 min 05 s}, {@code 1 h 02 min}.
     *
     * @param duration a non-negative duration
     * @return its text, to the second
     */
    public static String duration(Duration duration) {
        long s = Math.round(duration.toMillis() / 1000.0);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, s % 3600 / 60);
    }
}
