package org.repro4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class CellTimeoutTest {

    @Test
    void acceptsSecondsAndJJavaStyleUnits() {
        assertEquals(Optional.of(Duration.ofSeconds(30)), CellTimeout.parse("30"));
        assertEquals(Optional.of(Duration.ofMillis(2500)), CellTimeout.parse("2.5"));
        assertEquals(Optional.of(Duration.ofSeconds(30)), CellTimeout.parse("30 SECONDS"));
        assertEquals(Optional.of(Duration.ofMinutes(5)), CellTimeout.parse(" 5 minutes "));
        assertEquals(Optional.of(Duration.ofMillis(500)), CellTimeout.parse("500 MILLISECONDS"));
    }

    @Test
    void unsetOrNonPositiveMeansNoLimit() {
        assertEquals(Optional.empty(), CellTimeout.parse(null));
        assertEquals(Optional.empty(), CellTimeout.parse(""));
        assertEquals(Optional.empty(), CellTimeout.parse("0"));
    }

    @Test
    void malformedValuesNameTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CellTimeout.parse("30 FORTNIGHTS"));
        assertTrue(e.getMessage().startsWith("REPRO_CELL_TIMEOUT=\"30 FORTNIGHTS\""), e.getMessage());
    }

    @Test
    void describesLimitsInSecondsOrMilliseconds() {
        assertEquals("30 s", CellTimeout.describe(Duration.ofSeconds(30)));
        assertEquals("500 ms", CellTimeout.describe(Duration.ofMillis(500)));
    }
}
