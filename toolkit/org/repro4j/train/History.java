package org.repro4j.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/** Rows of a training run's history, turned into a Tablesaw {@link Table} on demand. */
final class History {

    private final String name;
    private final List<Integer> steps = new ArrayList<>();
    private final Map<String, List<Double>> values = new LinkedHashMap<>();

    History(String name, List<String> columns) {
        this.name = name;
        columns.forEach(c -> values.put(c, new ArrayList<>()));
    }

    /** Adds a row; columns missing from {@code row} are NaN (e.g. evaluation columns between evaluations). */
    void add(int step, Map<String, Double> row) {
        steps.add(step);
        values.forEach((column, list) -> list.add(row.getOrDefault(column, Double.NaN)));
    }

    Table table() {
        Table table = Table.create(name, IntColumn.create("step", steps.stream().mapToInt(Integer::intValue).toArray()));
        values.forEach((column, list) -> table.addColumns(
                DoubleColumn.create(column, list.stream().mapToDouble(Double::doubleValue).toArray())));
        return table;
    }
}
