package org.repro4j.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class ResultTableTest {

    @Test
    void rowsBecomeTextAndNumberColumnsShownWithFourDigits() {
        Table table = ResultTable.of("bias", "model", "bias at T", "steps")
                .row("linear", 0.195234, 300)
                .row("ReLU1", 0.43561, 300)
                .table();
        assertEquals(List.of("model", "bias at T", "steps"), table.columnNames());
        assertEquals("ReLU1", table.stringColumn("model").get(1));
        assertEquals(0.43561, table.doubleColumn("bias at T").get(1));
        assertTrue(TableHtml.of(table).contains("<td>linear</td><td>0.1952</td><td>300</td>"), TableHtml.of(table));
    }

    @Test
    void raggedRowsMixedColumnsAndBadHeadersAreRefused() {
        ResultTable t = ResultTable.of("t", "a", "b").row("x", 1.0);
        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class, () -> t.row("y"));
        assertTrue(ragged.getMessage().contains("1 cells for the 2 columns"), ragged.getMessage());
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class, () -> t.row("y", "z"));
        assertTrue(mixed.getMessage().contains("column 'b' of 't' holds numbers"), mixed.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ResultTable.of("t"));
        assertThrows(IllegalArgumentException.class, () -> ResultTable.of("t", "a", "a"));
    }
}
