package org.repro4j.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
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
        Claims claims = Claims.forNotebook("01-fashion-mnist", Repro.Scale.FULL, 7, dir);
        assertTrue(claims.atLeast("MLP test accuracy", 0.8712, 0.85).holds());
        assertFalse(claims.atMost("ECE", 0.2, 0.1).holds());
        assertTrue(claims.between("loss", 0.5, 0.4, 0.6).holds());
        assertTrue(claims.greaterThan("CNN − MLP accuracy", 0.90, 0.87, 0.01).holds());
        assertFalse(claims.greaterThan("tie", 0.5, 0.5, 0.0).holds());
        assertTrue(claims.check("best layer", "L0 MLP-in", "L0 MLP-in or MLP-out", true).holds());

        JsonObject json = read("01-fashion-mnist");
        assertEquals("01-fashion-mnist", json.get("notebook").getAsString());
        assertEquals("full", json.get("scale").getAsString());
        assertEquals(7, json.get("seed").getAsLong());
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
        Claims claims = Claims.forNotebook("nb", Repro.Scale.SMOKE, 42, dir);
        claims.atLeast("accuracy", 0.5, 0.85);
        claims.atLeast("accuracy", 0.9, 0.85);
        assertEquals(1, read("nb").getAsJsonArray("claims").size());
        assertTrue(claims.allHold());
        assertEquals("smoke", read("nb").get("scale").getAsString());
    }

    @Test
    void aNewRunStartsFromAnEmptyFileAndNanNeverHolds() throws IOException {
        Claims.forNotebook("nb", Repro.Scale.FULL, 42, dir).atLeast("old", 1, 0);
        Claims claims = Claims.forNotebook("nb", Repro.Scale.FULL, 42, dir);
        assertEquals(0, read("nb").getAsJsonArray("claims").size());
        Claims.Recorded nan = claims.atLeast("accuracy", Double.NaN, 0.85);
        assertFalse(nan.holds());
        assertEquals("NaN", read("nb").getAsJsonArray("claims").get(0).getAsJsonObject().get("observed").getAsString());
        assertEquals("✗ accuracy = NaN (expected ≥ 0.85)", nan.toString());
    }

    @Test
    void theTableShowsOneRowPerClaim() {
        Claims claims = Claims.forNotebook("nb", Repro.Scale.FULL, 42, dir);
        claims.atLeast("accuracy", 0.912345, 0.85);
        Table table = claims.table();
        assertEquals(List.of("claim", "observed", "expected", "holds", "paper"), table.columnNames());
        assertEquals("0.9123", table.stringColumn("observed").get(0));
        assertTrue(table.booleanColumn("holds").get(0));
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Claims.forNotebook("notebooks/01", Repro.Scale.FULL, 42, dir));
        Claims claims = Claims.forNotebook("nb", Repro.Scale.FULL, 42, dir);
        assertThrows(IllegalArgumentException.class, () -> claims.check("x", List.of(1), "?", true));
    }

    @Test
    void thePapersFigureStandsBesideOursInTheFileAndTheTable() throws IOException {
        Claims claims = Claims.forNotebook("nb", Repro.Scale.FULL, 42, dir);
        claims.atMost("kept fraction", 0.049, 0.10).paper("< 0.2 % of parameters (Pythia 1B, §4)");
        claims.atLeast("r", 0.95, 0.93);
        JsonArray list = read("nb").getAsJsonArray("claims");
        assertEquals("< 0.2 % of parameters (Pythia 1B, §4)", list.get(0).getAsJsonObject().get("paper").getAsString());
        assertFalse(list.get(1).getAsJsonObject().has("paper"), "no figure, no field");
        assertEquals("< 0.2 % of parameters (Pythia 1B, §4)", claims.table().stringColumn("paper").get(0));
        assertEquals("", claims.table().stringColumn("paper").get(1));
        assertTrue(claims.claims().get(0).toString().endsWith("; paper: < 0.2 % of parameters (Pythia 1B, §4))"));
        assertThrows(IllegalArgumentException.class, () -> claims.atLeast("x", 1, 0).paper(" "));
    }
}
