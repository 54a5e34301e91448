package org.repro4j.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.repro4j.testing.JupyterProcess;

/**
 * Executes every notebook on the real kernel: at smoke scale (it must run top to bottom), then at full scale
 * (every claim must hold) for each notebook that checks claims.
 */
class NotebooksIT {

    private static final Path NOTEBOOKS = JupyterSupport.ROOT.resolve("notebooks");
    private static final Path OUT = JupyterSupport.TARGET.resolve("it-notebooks");

    @BeforeAll
    static void installKernel() throws Exception {
        JupyterSupport.installKernel();
    }

    @TestFactory
    Stream<DynamicTest> everyNotebookRunsAtSmokeScale() throws IOException {
        return notebooks().map(nb -> DynamicTest.dynamicTest(name(nb), () -> {
            JsonObject claims = execute(nb, "smoke", 600);
            if (claims != null) {
                assertEquals("smoke", claims.get("scale").getAsString());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyClaimHoldsAtFullScale() throws IOException {
        return notebooks().filter(NotebooksIT::checksClaims)
                .map(nb -> DynamicTest.dynamicTest(name(nb), () -> {
                    JsonObject claims = execute(nb, "full", 1800);
                    List<String> failing = claims.getAsJsonArray("claims").asList().stream()
                            .map(JsonElement::getAsJsonObject)
                            .filter(c -> !c.get("holds").getAsBoolean())
                            .map(c -> c.get("name").getAsString() + ": observed " + c.get("observed")
                                    + ", expected " + c.get("expected").getAsString())
                            .collect(Collectors.toList());
                    assertTrue(failing.isEmpty(), name(nb) + " has claims that do not hold: " + failing);
                }));
    }

    /** @return the notebook's claims, or null for a notebook that checks none */
    private static JsonObject execute(Path notebook, String scale, long timeoutSeconds) throws Exception {
        Path build = OUT.resolve(scale);
        Path claimsFile = build.resolve("claims").resolve(name(notebook) + ".json");
        Files.deleteIfExists(claimsFile);
        JupyterProcess.Result run = JupyterSupport.executeNotebook(notebook, scale, build, build, timeoutSeconds);
        assertEquals(0, run.exitCode(), name(notebook) + " failed at " + scale + " scale:\n" + run.tail(40));
        if (!checksClaims(notebook)) {
            return null;
        }
        assertTrue(Files.isRegularFile(claimsFile), name(notebook) + " wrote no claims file at " + claimsFile);
        JsonObject claims = JsonParser.parseString(Files.readString(claimsFile, StandardCharsets.UTF_8))
                .getAsJsonObject();
        assertFalse(claims.getAsJsonArray("claims").isEmpty(), name(notebook) + " checked no claims");
        return claims;
    }

    /** A notebook that reproduces a paper checks claims; the kernel tour does not. */
    private static boolean checksClaims(Path notebook) {
        try {
            return Files.readString(notebook, StandardCharsets.UTF_8).contains("Claims.forNotebook");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<Path> notebooks() throws IOException {
        try (Stream<Path> files = Files.list(NOTEBOOKS)) {
            return files.filter(p -> p.toString().endsWith(".ipynb")).sorted().collect(Collectors.toList()).stream();
        }
    }

    private static String name(Path notebook) {
        String file = notebook.getFileName().toString();
        return file.substring(0, file.length() - ".ipynb".length());
    }
}
