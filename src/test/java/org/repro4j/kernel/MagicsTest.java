package org.repro4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repro4j.kernel.error.CellFailure;

class MagicsTest {

    @TempDir
    static Path dir;
    private static Evaluator evaluator;
    private static CellRunner runner;
    private static int cell;

    @BeforeAll
    static void start() {
        evaluator = new Evaluator();
        runner = new CellRunner(evaluator, new Magics(evaluator, dir));
    }

    @AfterAll
    static void close() {
        evaluator.close();
    }

    private static Object run(String code) {
        evaluator.beginCell();
        Evaluator.Result result = runner.run(code, ++cell);
        return result == null ? null : result.value();
    }

    private static String stdoutOf(Runnable action) {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void argumentsSplitAtBlanksAndKeepQuotedBlanks() {
        assertEquals(List.of("a.jar", "dir with space/*.jar", "x"), Magics.split(" a.jar \"dir with space/*.jar\" 'x'"));
        assertThrows(CellFailure.class, () -> Magics.split("\"open"));
    }

    @Test
    void globsExpandAndBadPatternsAreNamed() throws IOException {
        Path lib = Files.createDirectories(dir.resolve("globs/lib"));
        Files.writeString(lib.resolve("b.jar"), "");
        Files.writeString(lib.resolve("a.jar"), "");
        Files.writeString(lib.resolve("notes.txt"), "");
        assertEquals(List.of(lib.resolve("a.jar"), lib.resolve("b.jar")), PathGlobs.expand("globs/lib/*.jar", dir));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> PathGlobs.expand("globs/lib/*.jarx", dir));
        assertTrue(none.getMessage().contains("\"globs/lib/*.jarx\""), none.getMessage());
        IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
                () -> PathGlobs.expand("globs/lib/[a.jar", dir));
        assertTrue(invalid.getMessage().contains("\"globs/lib/[a.jar\" is not a valid glob"), invalid.getMessage());
    }

    @Test
    void jarsMagicNamesAPatternThatMatchesNoJar() throws IOException {
        Files.createDirectories(dir.resolve("txt"));
        Files.writeString(dir.resolve("txt/readme.txt"), "");
        CellFailure failure = assertThrows(CellFailure.class, () -> run("%jars txt/*"));
        assertEquals("MagicError", failure.getClass().getSimpleName());
        assertTrue(failure.getMessage().contains("\"txt/*\" matches no .jar file"), failure.getMessage());
    }

    @Test
    void classpathMagicMakesAJarsClassesAndServicesVisible() throws IOException {
        Path jar = dir.resolve("service.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("META-INF/services/java.lang.Runnable"));
            out.write("probe.Hello\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new JarEntry("probe/Hello.class"));
            writeHelloClass(out);
            out.closeEntry();
        }
        Object found = run("%classpath service*.jar\n"
                + "java.util.ServiceLoader.load(Runnable.class).stream().map(p -> p.type().getName())"
                + ".collect(java.util.stream.Collectors.toList())");
        assertEquals(List.of("probe.Hello"), found);
    }

    /** Compiles probe.Hello (a Runnable) with the JDK compiler into the jar. */
    private static void writeHelloClass(OutputStream out) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src/probe"));
        Files.writeString(src.resolve("Hello.java"),
                "package probe; public class Hello implements Runnable { public void run() {} }");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        int status = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d",
                classes.toString(), src.resolve("Hello.java").toString());
        assertEquals(0, status);
        out.write(Files.readAllBytes(classes.resolve("probe/Hello.class")));
    }

    @Test
    void loadRunsScriptsAndTheCodeCellsOfNotebooks() throws IOException {
        Files.writeString(dir.resolve("helpers.jsh"), "int twice(int x) { return 2 * x; }\n");
        Files.writeString(dir.resolve("setup.ipynb"), "{\"cells\": ["
                + "{\"cell_type\": \"markdown\", \"source\": [\"# not code\"]},"
                + "{\"cell_type\": \"code\", \"source\": [\"int base = \", \"20;\\n\"]},"
                + "{\"cell_type\": \"code\", \"source\": \"%load helpers.jsh\"}],"
                + "\"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}");
        assertEquals(42, run("%load setup.ipynb\ntwice(base) + 2"));
    }

    @Test
    void timeMagicsPrintWallTimeAndKeepTheValue() {
        String[] value = new String[1];
        String printed = stdoutOf(() -> value[0] = String.valueOf(run("%time 6 * 7")));
        assertEquals("42", value[0]);
        assertTrue(printed.startsWith("Wall time: "), printed);
        String cellPrinted = stdoutOf(() -> value[0] = String.valueOf(run("%%time\nint t = 5;\nt * 2")));
        assertEquals("10", value[0]);
        assertTrue(cellPrinted.startsWith("Wall time: "), cellPrinted);
    }

    @Test
    void unknownMagicOnTheFirstLineIsAnErrorListingTheKnownOnes() {
        CellFailure failure = assertThrows(CellFailure.class, () -> run("%clsspath x.jar"));
        assertTrue(failure.getMessage().contains("unknown magic %clsspath")
                && failure.getMessage().contains("%classpath"), failure.getMessage());
    }

    @Test
    void percentLinesInsideJavaStayJava() {
        assertEquals("5 items", run("String text = \"\"\"\n%d items\"\"\";\ntext.formatted(5)"));
    }

    @Test
    void errorPositionsCountLinesAfterMagics() {
        CellFailure failure = assertThrows(CellFailure.class, () -> run("%time 1\nint ok = 1;\nint bad = nope;"));
        assertTrue(failure.getMessage().contains("In [" + cell + "], line 3"), failure.getMessage());
    }

    @Test
    void durationsPrintInReadableUnits() {
        assertEquals("850 µs", Magics.formatNanos(850_000));
        assertEquals("12.3 ms", Magics.formatNanos(12_300_000));
        assertEquals("4.56 s", Magics.formatNanos(4_560_000_000L));
    }
}
