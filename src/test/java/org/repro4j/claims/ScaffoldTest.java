package org.repro4j.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScaffoldTest {

    @TempDir
    Path repo;

    private List<Path> create(String... args) throws IOException {
        Files.createDirectories(repo.resolve("notebooks"));
        if (!Files.exists(repo.resolve("notebooks/catalogue.tsv"))) {
            Files.copy(Path.of("notebooks/catalogue.tsv"), repo.resolve("notebooks/catalogue.tsv"));
        }
        return Scaffold.create(repo, args);
    }

    @Test
    void aNewReproductionHasItsNotebookPackageAndTestWithThePaperFromTheCatalogue() throws IOException {
        List<Path> written = create("13-gradual-pruning", "--catalogue", "62", "--authors", "Michael Zhu, Suyog Gupta",
                "--venue", "ICLR Workshop", "--year", "2018", "--arxiv", "1710.01878");
        assertEquals(List.of(repo.resolve("notebooks/13-gradual-pruning.ipynb"),
                repo.resolve("toolkit/org/repro4j/papers/gradualpruning/package-info.java"),
                repo.resolve("toolkit/org/repro4j/papers/gradualpruning/GradualPruning.java"),
                repo.resolve("src/test/java/org/repro4j/papers/gradualpruning/GradualPruningNotebookTest.java")),
                written);
        NotebookInfo nb = NotebookInfo.read(written.get(0));
        assertEquals(List.of(), nb.paper().problems());
        assertEquals("To prune, or not to prune: exploring the efficacy of pruning for model compression",
                nb.paper().paper());
        assertEquals("A", nb.paper().tier());
        assertTrue(nb.codeCells().get(0).startsWith("import org.repro4j.papers.gradualpruning.*;"));
        assertTrue(!nb.checksClaims(), "a skeleton has no claims yet");
        assertTrue(Files.readString(written.get(1)).contains("Notebook: {@code notebooks/13-gradual-pruning.ipynb}"));
        assertTrue(Files.readString(written.get(2)).contains("public final class GradualPruning {"));
        assertTrue(Files.readString(written.get(3)).contains("class GradualPruningNotebookTest"));
    }

    @Test
    void badNamesMissingOptionsUnknownPapersAndExistingFilesAreRefused() throws IOException {
        String[] ok = {"13-x", "--catalogue", "62", "--authors", "A", "--venue", "V", "--year", "2018"};
        assertThrows(IllegalArgumentException.class, () -> create("Gradual", "--catalogue", "62"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> create("13-x", "--catalogue", "62"));
        assertTrue(missing.getMessage().contains("--authors is missing"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> create("13-x", "--catalogue", "66", "--authors", "A",
                "--venue", "V", "--year", "2018"));
        create(ok);
        IllegalArgumentException exists = assertThrows(IllegalArgumentException.class, () -> create(ok));
        assertTrue(exists.getMessage().contains("already exists"), exists.getMessage());
    }
}
