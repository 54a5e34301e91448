package org.repro4j.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.repro4j.Format;
import org.repro4j.claims.NotebookInfo;
import org.repro4j.testing.JupyterProcess;

/**
 * Executes the notebooks on the real kernel, {@value #PARALLEL} at a time: every notebook at smoke scale (it must
 * run top to bottom), and the reproductions of {@link #FULL_IN_CI} at full scale with every claim held. The other
 * reproductions' full-scale claims are checked by {@code ./repro run} and recorded in {@code REPRODUCTIONS.md}, so
 * the suite stays within its time budget as notebooks are added. Prints each notebook's wall time at the end.
 */
class NotebooksIT {

    /** The reproductions whose full-scale claims the test suite checks. */
    static final List<String> FULL_IN_CI = List.of("01-fashion-mnist", "10-shortcut-learning",
            "11-bigram-subnetworks", "12-talking-heads");
    /** Notebooks executed at once: one native thread each on the 2-core CI machine. */
    static final int PARALLEL = 2;

    private static final Path NOTEBOOKS = JupyterSupport.ROOT.resolve("notebooks");
    private static final Path OUT = JupyterSupport.TARGET.resolve("it-notebooks");
    private static final ExecutorService POOL = Executors.newFixedThreadPool(PARALLEL);
    private static final Map<String, Duration> TIMES = new ConcurrentSkipListMap<>();

    /** One execution: the claims it left (null if it checks none) and what went wrong (null if nothing). */
    private record Execution(JsonObject claims, String problem) {}

    @BeforeAll
    static void installKernel() throws Exception {
        JupyterSupport.installKernel();
    }

    @AfterAll
    static void printTimes() throws IOException {
        POOL.shutdownNow();
        StringBuilder table = new StringBuilder("notebook wall times (" + PARALLEL + " at a time)\n");
        TIMES.forEach((run, time) -> table.append(String.format(Locale.ROOT, "  %-40s %10s%n", run,
                Format.duration(time))));
        System.out.print(table);
        Files.createDirectories(OUT);
        Files.writeString(OUT.resolve("times.txt"), table, StandardCharsets.UTF_8);
    }

    @TestFactory
    Stream<DynamicTest> everyNotebookRunsAtSmokeScale() throws IOException {
        Map<Path, Future<Execution>> runs = start(notebooks(), "smoke", 600);
        return runs.entrySet().stream().map(run -> DynamicTest.dynamicTest(name(run.getKey()), () -> {
            Execution e = run.getValue().get();
            assertEquals(null, e.problem(), name(run.getKey()));
            if (e.claims() != null) {
                assertEquals("smoke", e.claims().get("scale").getAsString());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyClaimHoldsAtFullScale() throws IOException {
        List<Path> full = notebooks().stream().filter(nb -> FULL_IN_CI.contains(name(nb))).toList();
        assertEquals(FULL_IN_CI.size(), full.size(), "a notebook of FULL_IN_CI is missing from notebooks/");
        Map<Path, Future<Execution>> runs = start(full, "full", 1800);
        return runs.entrySet().stream().map(run -> DynamicTest.dynamicTest(name(run.getKey()), () -> {
            Execution e = run.getValue().get();
            assertEquals(null, e.problem(), name(run.getKey()));
            List<String> failing = e.claims().getAsJsonArray("claims").asList().stream()
                    .map(JsonElement::getAsJsonObject)
                    .filter(c -> !c.get("holds").getAsBoolean())
                    .map(c -> c.get("name").getAsString() + ": observed " + c.get("observed")
                            + ", expected " + c.get("expected").getAsString())
                    .collect(Collectors.toList());
            assertTrue(failing.isEmpty(), name(run.getKey()) + " has claims that do not hold: " + failing);
        }));
    }

    /** Submits the executions at once: the pool runs {@value #PARALLEL} at a time while the tests wait in order. */
    private static Map<Path, Future<Execution>> start(List<Path> notebooks, String scale, long timeoutSeconds) {
        Map<Path, Future<Execution>> runs = new LinkedHashMap<>();
        for (Path nb : notebooks) {
            runs.put(nb, POOL.submit(() -> execute(nb, scale, timeoutSeconds)));
        }
        return runs;
    }

    private static Execution execute(Path notebook, String scale, long timeoutSeconds) throws Exception {
        Path build = OUT.resolve(scale);
        Path claimsFile = build.resolve("claims").resolve(name(notebook) + ".json");
        Files.deleteIfExists(claimsFile);
        long start = System.nanoTime();
        JupyterProcess.Result run = JupyterSupport.executeNotebook(notebook, scale, build, build, timeoutSeconds);
        TIMES.put(name(notebook) + " (" + scale + ")", Duration.ofNanos(System.nanoTime() - start));
        if (run.exitCode() != 0) {
            return new Execution(null, name(notebook) + " failed at " + scale + " scale:\n" + run.tail(40));
        }
        if (!NotebookInfo.read(notebook).checksClaims()) {
            return new Execution(null, null);
        }
        if (!Files.isRegularFile(claimsFile)) {
            return new Execution(null, name(notebook) + " wrote no claims file at " + claimsFile);
        }
        JsonObject claims = JsonParser.parseString(Files.readString(claimsFile, StandardCharsets.UTF_8))
                .getAsJsonObject();
        return new Execution(claims, claims.getAsJsonArray("claims").isEmpty()
                ? name(notebook) + " checked no claims" : null);
    }

    private static List<Path> notebooks() throws IOException {
        try (Stream<Path> files = Files.list(NOTEBOOKS)) {
            return new ArrayList<>(files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList());
        }
    }

    private static String name(Path notebook) {
        String file = notebook.getFileName().toString();
        return file.substring(0, file.length() - ".ipynb".length());
    }
}
