package org.repro4j.nas;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.knowm.xchart.XYChart;
import org.repro4j.models.Mlp;
import org.repro4j.plot.Plots;
import org.repro4j.train.EvalMetric;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Size against quality of sub-models: a table with one row per model — its widths, depth, parameters and FLOPs per
 * example ({@link ElasticMlp#flops}) and a metric on an evaluation split — and its picture, the sub-models of a
 * supernet as points against the line of standalone models of the same sizes (the comparison SortedNet and BigNAS
 * report).
 *
 * <pre>{@code
 * Table shared = SizeAccuracy.of(supernet, space.subModels(), testX, testY, "accuracy", Metrics::accuracy);
 * Table alone = SizeAccuracy.ofModels(standaloneMlps, testX, testY, "accuracy", Metrics::accuracy);
 * SizeAccuracy.plot("FMNIST", shared, alone, "accuracy");
 * }</pre>
 */
public final class SizeAccuracy {

    /** Examples per forward pass when evaluating, as {@code Fit}'s evaluation. */
    private static final int EVAL_BATCH = 1000;

    private SizeAccuracy() {}

    /**
     * Evaluates sub-models in the supernet's shared weights (no retraining).
     *
     * @param supernet the supernet
     * @param subModels the sub-models, in the order of the rows
     * @param inputs evaluation examples along axis 0
     * @param targets their targets along axis 0
     * @param metric the metric's column name, e.g. {@code "accuracy"}
     * @param compute the metric on a sub-model's logits for the whole split, e.g. {@code Metrics::accuracy}
     * @return columns {@code sub_model} (widths, e.g. {@code 256-128}), {@code depth}, {@code parameters},
     *     {@code flops} and {@code <metric>}
     * @throws IllegalArgumentException if a sub-model does not fit the supernet
     */
    public static Table of(ElasticMlp supernet, List<SubModel> subModels, NDArray inputs, NDArray targets,
            String metric, EvalMetric compute) {
        Map<SubModel, Function<NDArray, NDArray>> forward = new LinkedHashMap<>();
        subModels.forEach(s -> forward.put(s, x -> supernet.logits(x, s)));
        return table(supernet, forward, inputs, targets, metric, compute);
    }

    /**
     * Evaluates standalone models, e.g. each trained from scratch at a sub-model's size, with the same columns as
     * {@link #of}.
     *
     * @param models models with at least one hidden layer and the same input and output sizes
     * @param inputs evaluation examples along axis 0
     * @param targets their targets along axis 0
     * @param metric the metric's column name
     * @param compute the metric on a model's logits for the whole split
     * @return one row per model, in the given order; {@code sub_model} holds its hidden widths
     * @throws IllegalArgumentException if there is no model or a model has no hidden layer
     */
    public static Table ofModels(List<Mlp> models, NDArray inputs, NDArray targets, String metric,
            EvalMetric compute) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no models to evaluate; pass the standalone models, e.g. one trained "
                    + "from scratch at each sub-model's widths");
        }
        Table table = null;
        for (Mlp model : models) {
            ElasticMlp whole = ElasticMlp.of(model);
            Table row = table(whole, Map.of(whole.largest(), model::logits), inputs, targets, metric, compute);
            table = table == null ? row : table.append(row);
        }
        return table;
    }

    /**
     * Metric over FLOPs per example (log axis): the supernet's sub-models as points, the standalone models as a line.
     *
     * @param title chart title
     * @param subModels a table from {@link #of}
     * @param standalone a table from {@link #ofModels} (or another {@link #of}), drawn as a line
     * @param metric the metric column of both tables
     * @return the chart
     * @throws IllegalArgumentException if a table lacks the {@code flops} or metric column
     */
    public static XYChart plot(String title, Table subModels, Table standalone, String metric) {
        return Plots.pointsAndLines(title, "FLOPs per example", metric,
                Map.of("sub-models (shared weights)", columns(subModels, metric)),
                Map.of("standalone models", columns(standalone, metric)), true);
    }

    private static double[][] columns(Table table, String metric) {
        for (String column : List.of("flops", metric)) {
            if (!table.columnNames().contains(column)) {
                throw new IllegalArgumentException("table '" + table.name() + "' has no column '" + column
                        + "'; its columns are " + table.columnNames() + ". Make it with SizeAccuracy.of or ofModels");
            }
        }
        return new double[][] {table.numberColumn("flops").asDoubleArray(),
                table.numberColumn(metric).asDoubleArray()};
    }

    private static Table table(ElasticMlp supernet, Map<SubModel, Function<NDArray, NDArray>> forward,
            NDArray inputs, NDArray targets, String metric, EvalMetric compute) {
        StringColumn name = StringColumn.create("sub_model");
        IntColumn depth = IntColumn.create("depth");
        LongColumn parameters = LongColumn.create("parameters");
        LongColumn flops = LongColumn.create("flops");
        DoubleColumn quality = DoubleColumn.create(metric);
        for (Map.Entry<SubModel, Function<NDArray, NDArray>> model : forward.entrySet()) {
            SubModel s = model.getKey();
            name.append(s.toString());
            depth.append(s.depth());
            parameters.append(supernet.parameters(s));
            flops.append(supernet.flops(s));
            quality.append(evaluate(model.getValue(), inputs, targets, compute));
        }
        return Table.create("size and " + metric, name, depth, parameters, flops, quality);
    }

    /** The metric on the whole split, run in batches inside a scope freed afterwards. */
    private static double evaluate(Function<NDArray, NDArray> logits, NDArray inputs, NDArray targets,
            EvalMetric compute) {
        try (NDManager scope = inputs.getManager().newSubManager()) {
            NDList outputs = new NDList();
            long n = inputs.getShape().get(0);
            for (long from = 0; from < n; from += EVAL_BATCH) {
                NDIndex rows = new NDIndex("{}:{}", from, Math.min(n, from + EVAL_BATCH));
                outputs.add(logits.apply(inputs.get(scope, rows)));
            }
            NDArray predictions = outputs.size() == 1 ? outputs.head() : NDArrays.concat(outputs);
            return compute.compute(predictions, targets);
        }
    }
}
