package org.repro4j.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class TableHtmlTest {

    private static Table squares(int rows) {
        int[] n = IntStream.range(0, rows).toArray();
        return Table.create("squares", IntColumn.create("n", n),
                IntColumn.create("n²", IntStream.of(n).map(i -> i * i).toArray()));
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    @Test
    void smallTableShowsEveryRowWithItsSize() {
        String html = TableHtml.of(squares(3));
        assertTrue(html.contains("squares (3 rows × 2 columns)"), html);
        assertTrue(html.contains("<th>n</th><th>n²</th>"), html);
        assertTrue(html.contains("<tr><td>2</td><td>4</td></tr>"), html);
        assertEquals(4, count(html, "<tr>"));
    }

    @Test
    void longTableShowsHeadAndTailAndSaysHowManyRowsAreHidden() {
        String html = TableHtml.of(squares(1000));
        assertEquals(TableHtml.MAX_ROWS + 2, count(html, "<tr>"), "header, shown rows and the note");
        assertTrue(html.contains("980 more rows not shown"), html);
        assertTrue(html.contains("<td>999</td><td>998001</td>"), html);
        assertFalse(html.contains("<td>500</td>"), html);
    }

    @Test
    void cellTextIsEscaped() {
        Table table = Table.create("t", StringColumn.create("html", "<script>&\""));
        assertTrue(TableHtml.of(table).contains("<td>&lt;script&gt;&amp;&quot;</td>"));
    }

    @Test
    void fractionsAreWrittenWithFourSignificantDigitsAndMissingCellsStayEmpty() {
        Table table = Table.create("bias", tech.tablesaw.api.DoubleColumn.create("bias",
                new double[] {0.43560912345, 12.5, Double.NaN, 4.183189623012306E-4}));
        String html = TableHtml.of(table);
        assertTrue(html.contains("<td>0.4356</td>"), html);
        assertTrue(html.contains("<td>12.5</td>"), html);
        assertTrue(html.contains("<td></td>"), html);
        assertTrue(html.contains("<td>0.0004183</td>"), html);
    }
}
