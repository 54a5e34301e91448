package org.repro4j.kernel.error;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;

import org.junit.jupiter.api.Test;

class CellFailureTest {

    @Test
    void failureClassIsNamedAfterTheErrorSoJupyterShowsThatName() {
        StackTraceElement frame = new StackTraceElement("cell", "", "In [3], line 2", -1);
        CellFailure failure = CellFailure.named("ArithmeticException", "/ by zero", List.of("line one"),
                new StackTraceElement[] {frame});
        assertEquals("ArithmeticException", failure.getClass().getSimpleName());
        assertEquals("/ by zero", failure.getMessage());
        assertEquals(List.of("line one"), failure.traceback());
        assertArrayEquals(new StackTraceElement[] {frame}, failure.getStackTrace());
    }

    @Test
    void sameNameReusesOneClass() {
        CellFailure first = CellFailure.named("Interrupted", "a", List.of(), new StackTraceElement[0]);
        CellFailure second = CellFailure.named("Interrupted", "b", List.of(), new StackTraceElement[0]);
        assertSame(first.getClass(), second.getClass());
    }

    @Test
    void namesThatCannotBeClassNamesFallBackToCellFailure() {
        for (String name : new String[] {"not a name", "class", "CellFailure", ""}) {
            CellFailure failure = CellFailure.named(name, "m", List.of(), new StackTraceElement[0]);
            assertEquals(CellFailure.class, failure.getClass(), name);
        }
    }
}
