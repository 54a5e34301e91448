package org.repro4j.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notebook contract of the repository's own notebooks, and REPRODUCTIONS.md generated from them. */
class ReproductionsTest {

    private static final Path NOTEBOOKS = Path.of("notebooks");

    @Test
    void everyNotebookThatChecksClaimsCarriesItsPaperAndImportsItsPackageFirst() throws IOException {
        for (NotebookInfo nb : NotebookInfo.readAll(NOTEBOOKS)) {
            if (!nb.checksClaims()) {
                continue;
            }
            assertTrue(nb.paper() != null, nb.name() + " has no metadata repro4j (paper, authors, venue, ...)");
            assertEquals(List.of(), nb.paper().problems(), nb.name());
            if (nb.paper().catalogue() != null) {
                String pkg = nb.name().substring(3).replace("-", "");
                assertTrue(nb.codeCells().get(0).startsWith("import org.repro4j.papers." + pkg + ".*;"),
                        nb.name() + "'s first code cell must import its paper package org.repro4j.papers." + pkg);
            }
        }
    }

    @Test
    void reproductionsMdHasEverySeedPaperAndIsUpToDate() throws IOException {
        String expected = Reproductions.render(NOTEBOOKS, Reproductions.readRecord(NOTEBOOKS));
        String actual = Files.readString(Path.of("REPRODUCTIONS.md"), StandardCharsets.UTF_8);
        assertEquals(expected, actual, "REPRODUCTIONS.md is stale: run ./repro reproductions");
        long rows = actual.lines().filter(l -> l.matches("\\| \\d+ \\| .*")).count();
        assertEquals(Catalogue.SIZE, rows);
        for (NotebookInfo nb : NotebookInfo.readAll(NOTEBOOKS)) {
            if (nb.checksClaims()) {
                assertTrue(actual.contains("[" + nb.name() + "](notebooks/" + nb.name() + ".ipynb)"),
                        nb.name() + " has no row in REPRODUCTIONS.md");
            }
        }
    }

    @TempDir
    Path dir;

    @Test
    void aRunAtFullScaleAndTheDefaultSeedUpdatesTheRecordAndTheStatus() throws IOException {
        Files.copy(NOTEBOOKS.resolve("catalogue.tsv"), dir.resolve("catalogue.tsv"));
        Files.writeString(dir.resolve("13-x.ipynb"), RunSummaryTest.notebook("13-x", true)
                .replace("\"tier\": \"A\"", "\"tier\": \"A\", \"catalogue\": 62"));
        Map<String, Reproductions.Measured> record = new TreeMap<>();
        assertTrue(Reproductions.render(dir, record).contains("| 62 | To prune, or not to prune — *To prune, or not to"
                + " prune: exploring the efficacy of pruning for model compression* | A | [13-x](notebooks/13-x.ipynb)"
                + " | mechanism only |  |  |"));
        RunSummary.Result ran = new RunSummary.Result("13-x", null, true, 100, "full", 42,
                List.of(new Claim("c", 1.0, "≥ 0", true, null)), null);
        RunSummary.Result otherSeed = new RunSummary.Result("13-x", null, true, 100, "full", 7, List.of(), null);
        assertEquals(record, Reproductions.update(record, new RunSummary.Summary("abc", List.of(otherSeed)), "d"));
        record = Reproductions.update(record, new RunSummary.Summary("abc", List.of(ran)), "2026-12-04");
        String md = Reproductions.render(dir, record);
        assertTrue(md.contains("| reproduced | 1 / 1 | abc (2026-12-04) |"), md);
        assertTrue(md.contains("1 of 65 papers have a notebook; 1 reproduced."), md);
        assertFalse(md.contains("## Other notebooks"), md);
    }
}
