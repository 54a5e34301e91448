package org.repro4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Interrupting a Thread.sleep loop, a tight loop and deep recursion, and the per-cell timeout, on the JDK that
 * runs the tests and on Temurin 25 (skipped when that JDK is not installed). Java 17 stops snippets through
 * their thread group; Java 21+ through stop checks JShell weaves into snippet bytecode.
 */
class KernelInterruptIT {

    /** How long after the interrupt request the reply may come, in seconds (the goal is about one). */
    private static final double MAX_LATENCY = 3.0;
    private static final Path TEMURIN_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    static Stream<Path> jdks() {
        return Stream.of(Path.of(System.getProperty("java.home")), TEMURIN_25);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void loopsStopWithinASecondOrSoAndVariablesSurvive(Path jdk) throws Exception {
        KernelHarness.assumeJupyter();
        assumeTrue(Files.isExecutable(jdk.resolve("bin/java")), "skipped: no JDK at " + jdk);
        String jupyterPath = KernelHarness.install("jupyter-" + jdk.getFileName(), jdk);
        KernelHarness.Results results = new KernelHarness.Session()
                .env(CellTimeout.VARIABLE, "4")
                .execute("setup", "int kept = 1;\nlong fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\n"
                        + "System.getProperty(\"java.version\")")
                .interrupt("sleep", "while (true) Thread.sleep(100);", 1.0)
                .interrupt("spin", "long spins = 0;\nwhile (true) { spins++; }", 1.0)
                .interrupt("recursion", "fib(90)", 1.0)
                .execute("timeout", "while (true) {}")
                .execute("after", "kept + 1")
                .run(jupyterPath, 600);
        String version = results.outputs("setup", "execute_result").get(0).getAsJsonObject("data")
                .get("text/plain").getAsString();
        for (String kind : new String[] {"sleep", "spin", "recursion"}) {
            double latency = results.step(kind).get("interrupt_latency").getAsDouble();
            System.out.printf("Java %s: interrupt of %s answered after %.3f s%n", version, kind, latency);
            assertEquals("Interrupted", results.reply(kind).get("ename").getAsString(), results.summary(kind));
            assertTrue(latency < MAX_LATENCY, kind + " took " + latency + " s to stop on Java " + version);
        }
        double timeoutSeconds = results.step("timeout").get("seconds").getAsDouble();
        System.out.printf("Java %s: 4 s cell timeout stopped the loop after %.2f s%n", version, timeoutSeconds);
        assertEquals("CellTimeout", results.reply("timeout").get("ename").getAsString());
        assertTrue(timeoutSeconds >= 3.9 && timeoutSeconds < 4 + MAX_LATENCY, timeoutSeconds + " s");
        assertEquals("2", results.outputs("after", "execute_result").get(0).getAsJsonObject("data")
                .get("text/plain").getAsString());
    }
}
