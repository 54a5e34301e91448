package org.repro4j.papers.randomsearchsparsenas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.repro4j.claims.NotebookInfo;

/** The contracts of this paper's mechanism, one test per claim of the paper it relies on. */
class RandomSearchSparseNasNotebookTest {

    @Test
    void theNotebookCitesItsCataloguePaper() throws Exception {
        NotebookInfo notebook = NotebookInfo.read(Path.of("notebooks/16-random-search-sparse-nas.ipynb"));
        assertEquals(52, notebook.paper().catalogue());
        assertEquals(java.util.List.of(), notebook.paper().problems());
    }
}
