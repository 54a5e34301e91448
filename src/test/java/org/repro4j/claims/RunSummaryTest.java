package org.repro4j.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repro4j.Repro;

class RunSummaryTest {

    @TempDir
    Path dir;
    private Path claims;
    private Path notebooks;

    @BeforeEach
    void notebooks() throws IOException {
        claims = Files.createDirectories(dir.resolve("claims"));
        notebooks = Files.createDirectories(dir.resolve("notebooks"));
        for (String name : List.of("a", "b", "stale")) {
            Files.writeString(notebooks.resolve(name + ".ipynb"), notebook(name, true));
        }
        Files.writeString(notebooks.resolve("tour.ipynb"), notebook("tour", false));
    }

    /** A notebook whose only code cell checks claims (or not), with a paper in its metadata. */
    static String notebook(String name, boolean checksClaims) {
        String code = checksClaims ? "Claims claims = Claims.forNotebook(\\\"" + name + "\\\");" : "int x = 1;";
        return "{\"cells\": [{\"cell_type\": \"code\", \"metadata\": {}, \"outputs\": [], \"source\": [\"" + code
                + "\"]}], \"metadata\": {\"repro4j\": {\"paper\": \"Paper " + name + "\", \"authors\": \"Ada Lovelace,"
                + " Alan Turing\", \"venue\": \"ICLR\", \"year\": 2024, \"tier\": \"A\"}}, \"nbformat\": 4,"
                + " \"nbformat_minor\": 5}";
    }

    private int run(String runs, StringBuilder printed) throws IOException {
        Path file = Files.writeString(dir.resolve("runs.tsv"), runs);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean ok = RunSummary.write(RunSummary.summarize(claims, notebooks, file, "abc1234"), claims,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        printed.append(bytes.toString(StandardCharsets.UTF_8));
        return ok ? 0 : 1;
    }

    @Test
    void theSummaryJudgesOnlyTheNotebooksOfThisRun() throws IOException {
        Claims.forNotebook("stale", Repro.Scale.FULL, 42, claims).atLeast("accuracy", 0.1, 0.9);
        Claims.forNotebook("a", Repro.Scale.FULL, 42, claims).atLeast("accuracy", 0.95, 0.9).paper("0.97, Table 2");
        StringBuilder printed = new StringBuilder();
        assertEquals(0, run("a\t61.5\t0\tfull\t42\ntour\t3.2\t0\tfull\t42\n", printed));
        String md = printed.toString();
        assertTrue(md.contains("| a | Paper a (Lovelace & Turing, ICLR 2024) | full | 42 | 1 / 1 | 1 min 02 s | all hold |"),
                md);
        assertTrue(md.contains("| accuracy | 0.95 | ≥ 0.9 | yes | 0.97, Table 2 |"), md);
        assertTrue(md.contains("| tour |"), md);
        assertFalse(md.contains("stale"), "a notebook that did not run is not reported: " + md);
        assertTrue(md.contains("2 notebooks, 0 failing; 1 claims, 0 failing at full scale"), md);
        JsonObject json = JsonParser.parseString(Files.readString(claims.resolve("summary.json"))).getAsJsonObject();
        assertEquals("abc1234", json.get("commit").getAsString());
        JsonObject a = json.getAsJsonArray("notebooks").get(0).getAsJsonObject();
        assertEquals(61.5, a.get("wallSeconds").getAsDouble());
        assertEquals("Paper a", a.getAsJsonObject("paper").get("paper").getAsString());
        assertEquals(md, Files.readString(claims.resolve("summary.md")));
    }

    @Test
    void failedExecutionsMissingClaimsAndFullScaleFailuresFailTheRunButSmokeDoesNot() throws IOException {
        Claims.forNotebook("a", Repro.Scale.SMOKE, 42, claims).atLeast("accuracy", 0.1, 0.9);
        assertEquals(0, run("a\t1\t0\tsmoke\t42\n", new StringBuilder()), "smoke-scale claims are informational");

        StringBuilder failed = new StringBuilder();
        assertEquals(1, run("a\t1\t0\tsmoke\t42\nb\t2\t1\tsmoke\t42\n", failed));
        assertTrue(failed.toString().contains("failed to execute"), failed.toString());

        StringBuilder missing = new StringBuilder();
        assertEquals(1, run("b\t2\t0\tfull\t42\n", missing));
        assertTrue(missing.toString().contains("no claims file"), missing.toString());

        StringBuilder otherSeed = new StringBuilder();
        assertEquals(1, run("a\t1\t0\tsmoke\t7\n", otherSeed));
        assertTrue(otherSeed.toString().contains("claims file is from another run (smoke scale, seed 42)"),
                otherSeed.toString());

        Claims.forNotebook("a", Repro.Scale.FULL, 42, claims).atLeast("accuracy", 0.1, 0.9);
        StringBuilder full = new StringBuilder();
        assertEquals(1, run("a\t1\t0\tfull\t42\n", full));
        assertTrue(full.toString().contains("| accuracy | 0.1 | ≥ 0.9 | **NO** |"), full.toString());
    }
}
