package org.repro4j.papers.sortednet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.repro4j.claims.NotebookInfo;

/** The contracts of this paper's mechanism, one test per claim of the paper it relies on. */
class SortedNetNotebookTest {

    @Test
    void theNotebookCitesItsCataloguePaper() throws Exception {
        NotebookInfo notebook = NotebookInfo.read(Path.of("notebooks/21-sortednet.ipynb"));
        assertEquals(56, notebook.paper().catalogue());
        assertEquals(java.util.List.of(), notebook.paper().problems());
    }
}
