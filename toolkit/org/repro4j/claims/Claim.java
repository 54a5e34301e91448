package org.repro4j.claims;

import org.repro4j.Format;

/**
 * One checked claim of a reproduction.
 *
 * @param name what is claimed, e.g. {@code "MLP test accuracy"}
 * @param observed the value the run computed: a {@link Double} or a {@link String} (non-finite numbers are
 *     stored as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}, which JSON cannot hold)
 * @param expected the expectation in words or symbols, e.g. {@code "≥ 0.85"}
 * @param holds whether the observed value meets the expectation
 * @param paper the paper's own figure for the same quantity, with its setting and where it is reported, e.g.
 *     {@code "+1 % top-1, ImageNet, Table 3"}; null when the paper gives none
 */
public record Claim(String name, Object observed, String expected, boolean holds, String paper) {

    /** @return the same claim with the paper's figure beside it */
    Claim withPaper(String figure) {
        return new Claim(name, observed, expected, holds, figure);
    }

    /** @return e.g. {@code ✓ MLP test accuracy = 0.8712 (expected ≥ 0.85; paper: 0.871)} */
    @Override
    public String toString() {
        return (holds ? "✓ " : "✗ ") + name + " = " + Claims.format(observed) + " (expected " + expected
                + (paper == null ? "" : "; paper: " + paper) + ")";
    }

    /** @return {@code observed} as text, numbers in {@link Format#number} */
    public String observedText() {
        return Claims.format(observed);
    }
}
