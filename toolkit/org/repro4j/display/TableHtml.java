package org.repro4j.display;

import org.repro4j.Format;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.FloatColumn;
import tech.tablesaw.api.NumberColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Writes a Tablesaw {@link Table} as a small HTML table for the notebook: a caption with the table's name and
 * size, the column names, and at most {@value #MAX_ROWS} rows (the first half and the last half of them when
 * the table is longer, with a note saying how many rows are hidden). Double and float cells are written with
 * {@link Format#number}.
 */
public final class TableHtml {

    /** Most rows shown; longer tables show their head and tail. */
    public static final int MAX_ROWS = 20;

    private TableHtml() {
    }

    /**
     * @param table any table
     * @return an HTML {@code <table>} element
     */
    public static String of(Table table) {
        int rows = table.rowCount();
        StringBuilder html = new StringBuilder("<table class=\"repro4j-table\">\n<caption style=\"text-align:left\">")
                .append(escape(table.name() == null ? "" : table.name()))
                .append(" (").append(rows).append(rows == 1 ? " row" : " rows").append(" × ")
                .append(table.columnCount()).append(table.columnCount() == 1 ? " column" : " columns")
                .append(")</caption>\n<thead><tr>");
        for (String name : table.columnNames()) {
            html.append("<th>").append(escape(name)).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        if (rows <= MAX_ROWS) {
            appendRows(table, 0, rows, html);
        } else {
            int head = MAX_ROWS / 2;
            appendRows(table, 0, head, html);
            html.append("<tr><td colspan=\"").append(table.columnCount()).append("\" style=\"text-align:center\">… ")
                    .append(rows - MAX_ROWS).append(" more rows not shown …</td></tr>\n");
            appendRows(table, rows - (MAX_ROWS - head), rows, html);
        }
        return html.append("</tbody>\n</table>").toString();
    }

    /**
     * @param table any table
     * @return Tablesaw's text rendering of at most {@value #MAX_ROWS} rows
     */
    public static String plainText(Table table) {
        return table.print(MAX_ROWS);
    }

    private static void appendRows(Table table, int from, int to, StringBuilder html) {
        for (int row = from; row < to; row++) {
            html.append("<tr>");
            for (Column<?> column : table.columns()) {
                html.append("<td>").append(escape(cell(column, row))).append("</td>");
            }
            html.append("</tr>\n");
        }
    }

    /** Fractional numbers in repro4j's {@link Format#number} (4 significant digits), so tables need no rounding. */
    private static String cell(Column<?> column, int row) {
        if ((column instanceof DoubleColumn || column instanceof FloatColumn) && !column.isMissing(row)) {
            return Format.number(((NumberColumn<?, ?>) column).getDouble(row));
        }
        return column.getString(row);
    }

    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<': escaped.append("&lt;"); break;
                case '>': escaped.append("&gt;"); break;
                case '&': escaped.append("&amp;"); break;
                case '"': escaped.append("&quot;"); break;
                default: escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
