package org.repro4j.display;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * A small results table built row by row, for the tables notebooks show: each column holds text or numbers, as its
 * first row decides. Numbers keep their full value; the notebook shows them with 4 significant digits
 * ({@link TableHtml}), so no cell needs rounding by hand.
 *
 * <pre>{@code
 * ResultTable.of("bias after long training", "model", "bias at T", "bias at 3000 steps")
 *         .row("linear", 0.1952, 0.0102)
 *         .row("ReLU1", 0.4356, 0.0224)
 *         .table()
 * }</pre>
 */
public final class ResultTable {

    private final String title;
    private final List<String> names;
    private final List<Object[]> rows = new ArrayList<>();

    private ResultTable(String title, List<String> names) {
        this.title = title;
        this.names = names;
    }

    /**
     * @param title the table's caption
     * @param columns column names, at least one, distinct
     * @return an empty table
     * @throws IllegalArgumentException if there are no columns or two share a name
     */
    public static ResultTable of(String title, String... columns) {
        if (columns.length == 0 || Arrays.stream(columns).distinct().count() != columns.length) {
            throw new IllegalArgumentException("a result table needs distinct column names; got "
                    + Arrays.toString(columns));
        }
        return new ResultTable(title, List.of(columns));
    }

    /**
     * Adds a row.
     *
     * @param cells one per column: a {@link Number} or text (anything else is written with {@code toString})
     * @return this
     * @throws IllegalArgumentException if the number of cells differs from the number of columns, or a cell's kind
     *     (number or text) differs from the first row's in its column
     */
    public ResultTable row(Object... cells) {
        if (cells.length != names.size()) {
            throw new IllegalArgumentException("row " + (rows.size() + 1) + " of '" + title + "' has " + cells.length
                    + " cells for the " + names.size() + " columns " + names);
        }
        if (!rows.isEmpty()) {
            for (int c = 0; c < cells.length; c++) {
                if ((cells[c] instanceof Number) != (rows.get(0)[c] instanceof Number)) {
                    throw new IllegalArgumentException("column '" + names.get(c) + "' of '" + title + "' holds "
                            + (rows.get(0)[c] instanceof Number ? "numbers" : "text") + "; row " + (rows.size() + 1)
                            + " gives " + cells[c]);
                }
            }
        }
        rows.add(cells.clone());
        return this;
    }

    /** @return the rows as a Tablesaw table: numbers in double columns, the rest in string columns */
    public Table table() {
        Table table = Table.create(title);
        for (int c = 0; c < names.size(); c++) {
            boolean numeric = !rows.isEmpty() && rows.get(0)[c] instanceof Number;
            Column<?> column = numeric ? DoubleColumn.create(names.get(c)) : StringColumn.create(names.get(c));
            for (Object[] row : rows) {
                if (numeric) {
                    ((DoubleColumn) column).append(((Number) row[c]).doubleValue());
                } else {
                    ((StringColumn) column).append(String.valueOf(row[c]));
                }
            }
            table.addColumns(column);
        }
        return table;
    }

    @Override
    public String toString() {
        return TableHtml.plainText(table());
    }
}
