package org.repro4j.kernel;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reads the optional per-cell time limit from {@value #VARIABLE}: a number of seconds ({@code 30},
 * {@code 2.5}) or a number and a {@link TimeUnit} name as JJava accepts it ({@code 30 SECONDS},
 * {@code 5 MINUTES}, {@code 500 MILLISECONDS}). Unset, empty, {@code 0} or negative means no limit.
 */
final class CellTimeout {

    /** The environment variable holding the limit. */
    static final String VARIABLE = "REPRO_CELL_TIMEOUT";

    private CellTimeout() {
    }

    /**
     * @param value the variable's value, may be null
     * @return the limit, or empty for no limit
     * @throws IllegalArgumentException naming the variable and the accepted forms if {@code value} is malformed
     */
    static Optional<Duration> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String[] parts = value.strip().split("\\s+");
        try {
            double amount = Double.parseDouble(parts[0]);
            if (parts.length > 2) {
                throw new IllegalArgumentException("too many words");
            }
            TimeUnit unit = parts.length == 2 ? TimeUnit.valueOf(parts[1].toUpperCase(Locale.ROOT)) : TimeUnit.SECONDS;
            long nanos = (long) (amount * unit.toNanos(1));
            return nanos <= 0 ? Optional.empty() : Optional.of(Duration.of(nanos, ChronoUnit.NANOS));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(VARIABLE + "=\"" + value + "\" is not a duration; use seconds "
                    + "(\"30\") or an amount and a unit (\"30 SECONDS\", \"5 MINUTES\")", e);
        }
    }

    /**
     * @param limit a duration
     * @return it in words, e.g. {@code 30 s} or {@code 500 ms}
     */
    static String describe(Duration limit) {
        return limit.toMillis() % 1000 == 0 ? limit.toSeconds() + " s" : limit.toMillis() + " ms";
    }
}
