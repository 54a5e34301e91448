package org.repro4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FormatTest {

    @Test
    void numbersAreShortPlainDecimals() {
        assertEquals("0.8712", Format.number(0.87123456));
        assertEquals("0.04928", Format.number(0.049281234));
        assertEquals("3000", Format.number(3000.0));
        assertEquals("12.5", Format.number(12.5));
        assertEquals("0.0004183", Format.number(4.183189623012306E-4));
        assertEquals("123456.789", Format.number(123456.789));
        assertEquals("NaN", Format.number(Double.NaN));
        assertEquals("-Infinity", Format.number(Double.NEGATIVE_INFINITY));
    }

    @Test
    void durationsReadAsSpoken() {
        assertEquals("48 s", Format.duration(Duration.ofMillis(47_600)));
        assertEquals("2 min 05 s", Format.duration(Duration.ofSeconds(125)));
        assertEquals("1 h 02 min", Format.duration(Duration.ofSeconds(3725)));
    }

    @Test
    void aStopwatchCountsWallAndCpuTime() throws InterruptedException {
        Stopwatch watch = Stopwatch.start();
        // spin until this thread itself has used 50 ms of CPU, however busy the machine is
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long until = threads.getCurrentThreadCpuTime() + 50_000_000;
        while (threads.getCurrentThreadCpuTime() < until) {
            Thread.onSpinWait();
        }
        assertTrue(watch.wall().toMillis() >= 50, watch.toString());
        assertTrue(watch.cpu().toMillis() >= 50, "the process's CPU time includes the busy loop's: " + watch);
        assertTrue(watch.toString().startsWith("wall "), watch.toString());
    }
}
