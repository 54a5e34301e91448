package org.repro4j.claims;

/**
 * One checked claim of a reproduction.
 *
 * @param name what is claimed, e.g. {@code "MLP test accuracy"}
 * @param observed the value the run computed: a {@link Double} or a {@link String} (non-finite numbers are
 *     stored as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}, which JSON cannot hold)
 * @param expected the expectation in words or symbols, e.g. {@code "≥ 0.85"}
 * @param holds whether the observed value meets the expectation
 */
public record Claim(String name, Object observed, String expected, boolean holds) {

    /** @return e.g. {@code ✓ MLP test accuracy = 0.8712 (expected ≥ 0.85)} */
    @Override
    public String toString() {
        return (holds ? "✓ " : "✗ ") + name + " = " + Claims.format(observed) + " (expected " + expected + ")";
    }
}
