package org.repro4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.repro4j.kernel.error.CellFailure;

/** The evaluator against a real JShell session, without Jupyter. */
class EvaluatorTest {

    private static Evaluator evaluator;
    private static int cell;

    @BeforeAll
    static void startJShell() {
        evaluator = new Evaluator();
    }

    @AfterAll
    static void closeJShell() {
        evaluator.close();
    }

    private static Evaluator.Result eval(String code) {
        evaluator.beginCell();
        return evaluator.eval(code, ++cell, 1);
    }

    private static CellFailure failure(String code) {
        return assertThrows(CellFailure.class, () -> eval(code));
    }

    private static String traceback(CellFailure failure) {
        return String.join("\n", failure.traceback()).replaceAll("\u001b\\[[0-9;]*m", "");
    }

    @Test
    void multiStatementCellShowsTheLastExpressionsRealObject() {
        Evaluator.Result result = eval("int a = 20;\nint b = 22;\nvar list = new java.util.ArrayList<Integer>(java.util.List.of(a, b));\nlist");
        assertEquals(java.util.List.of(20, 22), result.value());
        assertTrue(result.value() instanceof java.util.ArrayList, "the live object, not its string");
    }

    @Test
    void trailingSemicolonAndDeclarationsShowNothing() {
        assertNull(eval("int shownNot = 5;"));
        assertNull(eval("Math.max(1, 2);"));
        assertEquals(2, eval("Math.max(1, 2)").value());
        assertNull(eval("void sayNothing() {}\nsayNothing()"));
    }

    @Test
    void nullValueIsShownAsNull() {
        Evaluator.Result result = eval("String nothing = null;\nnothing");
        assertNotNull(result);
        assertNull(result.value());
    }

    @Test
    void forwardReferencesBetweenClassesInOneCellWork() {
        Evaluator.Result result = eval("class Outer { Inner inner = new Inner(); }\n"
                + "class Inner { int value() { return 7; } }\nnew Outer().inner.value()");
        assertEquals(7, result.value());
    }

    @Test
    void recordsSealedTypesAndLambdasWork() {
        Evaluator.Result result = eval("sealed interface Shape permits Square {}\n"
                + "record Square(int side) implements Shape {}\n"
                + "java.util.function.Function<Square, Integer> area = s -> s.side() * s.side();\n"
                + "area.apply(new Square(3))");
        assertEquals(9, result.value());
    }

    @Test
    void unresolvedReferenceAtEndOfCellIsWarnedOnStderr() {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            eval("class Lonely { Missing missing; }");
        } finally {
            System.setErr(original);
        }
        String warning = err.toString(StandardCharsets.UTF_8);
        assertTrue(warning.contains("Lonely") && warning.contains("Missing"), warning);
    }

    @Test
    void compileErrorShowsTheSourceLineMarkerAndCellPosition() {
        CellFailure failure = failure("int fine = 1;\nint broken = undefinedThing + 1;");
        assertEquals("CompilationError", failure.getClass().getSimpleName());
        String text = traceback(failure);
        assertTrue(text.contains("cannot find symbol: variable undefinedThing"), text);
        assertTrue(text.contains("int broken = undefinedThing + 1;"), text);
        assertTrue(text.contains("             ^^^^^^^^^^^^^^"), text);
        assertTrue(text.contains("In [" + cell + "], line 2"), text);
        assertFalse(text.contains("$JShell") || text.contains("location:"), text);
    }

    @Test
    void runtimeErrorIsNamedAfterTheUsersExceptionAndShowsOnlyUserFrames() {
        CellFailure failure = failure("int divide(int a) {\n    return a / 0;\n}\ndivide(3)");
        assertEquals("ArithmeticException", failure.getClass().getSimpleName());
        String text = traceback(failure);
        assertTrue(text.contains("at divide (In [" + cell + "], line 2)"), text);
        assertTrue(text.contains("at In [" + cell + "], line 4"), text);
        assertFalse(text.contains("jdk.") || text.contains("org.repro4j") || text.contains("reflect"), text);
    }

    @Test
    void exceptionMessagesLoseJShellWrapperNames() {
        CellFailure failure = failure("String missing = null;\nmissing.length()");
        assertEquals("NullPointerException", failure.getClass().getSimpleName());
        assertEquals("Cannot invoke \"String.length()\" because \"missing\" is null", failure.getMessage());
    }

    @Test
    void incompleteCellIsAnErrorNotSilence() {
        CellFailure failure = failure("for (int i = 0; i < 3; i++) {");
        assertEquals("CompilationError", failure.getClass().getSimpleName());
        assertTrue(failure.getMessage().contains("closing brace"), failure.getMessage());
    }

    @Test
    void systemExitFailsTheCellAndKeepsState() {
        eval("int survivor = 41;");
        CellFailure failure = failure("System.exit(3)");
        assertEquals("SystemExit", failure.getClass().getSimpleName());
        assertTrue(failure.getMessage().contains("System.exit(3)"), failure.getMessage());
        assertEquals(42, eval("survivor + 1").value());
    }

    @Test
    void stopEndsATightLoopAndKeepsState() {
        eval("int kept = 9;");
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            evaluator.beginCell();
            timer.schedule(() -> evaluator.stop(ErrorFormatter.simple("Interrupted", "stopped by the test")),
                    300, TimeUnit.MILLISECONDS);
            long start = System.nanoTime();
            CellFailure failure = assertThrows(CellFailure.class, () -> evaluator.eval("while (true) {}", ++cell, 1));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals("Interrupted", failure.getClass().getSimpleName());
            assertTrue(seconds < 5, "stopped after " + seconds + " s");
        } finally {
            timer.shutdownNow();
        }
        assertEquals(10, eval("kept + 1").value());
    }

    @Test
    void cellCodeRunsWithTheSnippetClassLoaderAsContextLoader() {
        Object loader = eval("Thread.currentThread().getContextClassLoader()").value();
        Object snippetLoader = eval("class Probe {}\nProbe.class.getClassLoader()").value();
        assertEquals(snippetLoader, loader);
    }
}
