package org.repro4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LrScheduleTest {

    @Test
    void linearDecaysFromOneToZeroInEqualSteps() {
        LrSchedule linear = LrSchedule.linear();
        assertEquals(1.0, linear.factor(0, 10));
        assertEquals(0.5, linear.factor(5, 10), 1e-12);
        assertEquals(0.1, linear.factor(9, 10), 1e-12);
        assertEquals(linear.factor(3, 10) - linear.factor(4, 10), linear.factor(7, 10) - linear.factor(8, 10), 1e-12);
    }

    @Test
    void linearAfterWarmupRestartsItsCountAtTheEndOfWarmup() {
        LrSchedule llr = LrSchedule.warmup(2, LrSchedule.linear());
        assertEquals(0.5, llr.factor(0, 12), 1e-12);
        assertEquals(1.0, llr.factor(1, 12), 1e-12);
        assertEquals(1.0, llr.factor(2, 12), 1e-12);
        assertEquals(0.5, llr.factor(7, 12), 1e-12);
    }
}
