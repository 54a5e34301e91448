package org.repro4j.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repro4j.Repro;
import tech.tablesaw.api.Table;

class ClaimsTest {

    @TempDir
    Path dir;

    private JsonObject read(String notebook) throws IOException {
        return JsonParser.parseString(Files.readString(dir.resolve(notebook + ".json"))).getAsJsonObject();
    }

    @Test
    void checksComputeWhetherTheyHoldAndWriteTheSchema() throws IOException {
        Claims claims = Claims.forNotebook("01-fashion-mnist", Repro.Scale.FULL, dir);
        assertTrue(claims.atLeast("MLP test accuracy", 0.8712, 0.85).holds());
        assertFalse(claims.atMost("ECE", 0.2, 0.1).holds());
        assertTrue(claims.between("loss", 0.5, 0.4, 0.6).holds());
        assertTrue(claims.greaterThan("CNN − MLP accuracy", 0.90, 0.87, 0.01).holds());
        assertFalse(claims.greaterThan("tie", 0.5, 0.5, 0.0).holds());
        assertTrue(claims.check("best layer", "L0 MLP-in", "L0 MLP-in or MLP-out", true).holds());

        JsonObject json = read("01-fashion-mnist");
        assertEquals("01-fashion-mnist", json.get("notebook").getAsString());
        assertEquals("full", json.get("scale").getAsString());
        JsonArray list = json.getAsJsonArray("claims");
        assertEquals(6, list.size());
        JsonObject first = list.get(0).getAsJsonObject();
        assertEquals("MLP test accuracy", first.get("name").getAsString());
        assertEquals(0.8712, first.get("observed").getAsDouble(), 0);
        assertEquals("≥ 0.85", first.get("expected").getAsString());
        assertTrue(first.get("holds").getAsBoolean());
        assertEquals("L0 MLP-in", list.get(5).getAsJsonObject().get("observed").getAsString());
        assertEquals(0.03, list.get(3).getAsJsonObject().get("observed").getAsDouble(), 1e-12);
        assertFalse(claims.allHold());
    }

    @Test
    void recheckingANameReplacesItSoRerunningACellDoesNotDuplicate() throws IOException {
        Claims claims = Claims.forNotebook("nb", Repro.Scale.SMOKE, dir);
        claims.atLeast("accuracy", 0.5, 0.85);
        claims.atLeast("accuracy", 0.9, 0.85);
        assertEquals(1, read("nb").getAsJsonArray("claims").size());
        assertTrue(claims.allHold());
        assertEquals("smoke", read("nb").get("scale").getAsString());
    }

    @Test
    void aNewRunStartsFromAnEmptyFileAndNanNeverHolds() throws IOException {
        Claims.forNotebook("nb", Repro.Scale.FULL, dir).atLeast("old", 1, 0);
        Claims claims = Claims.forNotebook("nb", Repro.Scale.FULL, dir);
        assertEquals(0, read("nb").getAsJsonArray("claims").size());
        Claim nan = claims.atLeast("accuracy", Double.NaN, 0.85);
        assertFalse(nan.holds());
        assertEquals("NaN", read("nb").getAsJsonArray("claims").get(0).getAsJsonObject().get("observed").getAsString());
        assertEquals("✗ accuracy = NaN (expected ≥ 0.85)", nan.toString());
    }

    @Test
    void theTableShowsOneRowPerClaim() {
        Claims claims = Claims.forNotebook("nb", Repro.Scale.FULL, dir);
        claims.atLeast("accuracy", 0.912345, 0.85);
        Table table = claims.table();
        assertEquals(List.of("claim", "observed", "expected", "holds"), table.columnNames());
        assertEquals("0.9123", table.stringColumn("observed").get(0));
        assertTrue(table.booleanColumn("holds").get(0));
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Claims.forNotebook("notebooks/01", Repro.Scale.FULL, dir));
        Claims claims = Claims.forNotebook("nb", Repro.Scale.FULL, dir);
        assertThrows(IllegalArgumentException.class, () -> claims.check("x", List.of(1), "?", true));
    }

    private int report(List<String> names, StringBuilder output) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = ClaimsReport.run(dir, names, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        output.append(bytes.toString(StandardCharsets.UTF_8));
        return status;
    }

    @Test
    void theReportFailsOnlyOnFullScaleClaimsThatDoNotHold() {
        Claims.forNotebook("a", Repro.Scale.SMOKE, dir).atLeast("accuracy", 0.3, 0.85);
        StringBuilder smoke = new StringBuilder();
        assertEquals(0, report(List.of("a"), smoke));
        assertTrue(smoke.toString().contains("smoke: informational"), smoke.toString());

        Claims.forNotebook("b", Repro.Scale.FULL, dir).atLeast("accuracy", 0.3, 0.85);
        StringBuilder full = new StringBuilder();
        assertEquals(1, report(List.of("a", "b"), full));
        assertTrue(full.toString().contains("1 failing at full scale"), full.toString());

        Claims.forNotebook("b", Repro.Scale.FULL, dir).atLeast("accuracy", 0.9, 0.85);
        assertEquals(0, report(List.of("notebooks/a.ipynb", "b"), new StringBuilder()));
    }

    @Test
    void theReportFailsWhenANamedNotebookHasNoClaims() throws IOException {
        Claims.forNotebook("ran", Repro.Scale.FULL, dir).atLeast("x", 1, 0);
        StringBuilder missing = new StringBuilder();
        assertEquals(1, report(List.of("ran", "never-ran"), missing));
        assertTrue(missing.toString().contains("never-ran: no claims file"), missing.toString());

        Claims.forNotebook("stopped", Repro.Scale.FULL, dir);
        StringBuilder empty = new StringBuilder();
        assertEquals(1, report(List.of("stopped"), empty));
        assertTrue(empty.toString().contains("stopped: no claims recorded"), empty.toString());

        Files.writeString(dir.resolve("broken.json"), "{not json");
        StringBuilder broken = new StringBuilder();
        assertEquals(1, report(List.of(), broken));
        assertTrue(broken.toString().contains("broken.json is not a claims file"), broken.toString());
    }
}
