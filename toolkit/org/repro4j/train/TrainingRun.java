package org.repro4j.train;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

/**
 * The outcome of {@link Fit#run()}: its history and timing. The trained weights are in the model itself.
 *
 * @param history one row per logged step: {@code step}, {@code epoch} (fractional), {@code lr},
 *     {@code train_loss} (mean over the steps since the previous row), {@code time_s} (seconds since the start,
 *     including evaluation), then {@code <split>_loss} and {@code <split>_<metric>} for each evaluation split
 *     (NaN on rows without evaluation)
 * @param steps number of optimizer steps taken
 * @param seconds wall-clock duration of the run, including evaluation
 */
public record TrainingRun(Table history, long steps, double seconds) {

    /**
     * @param column a history column, e.g. {@code "test_accuracy"}
     * @return its last value that is not NaN (the final evaluation for evaluation columns)
     * @throws IllegalArgumentException if there is no such numeric column, naming the columns that exist
     * @throws IllegalStateException if the column has no value yet
     */
    public double last(String column) {
        if (!history.columnNames().contains(column) || !(history.column(column) instanceof DoubleColumn values)) {
            throw new IllegalArgumentException("no numeric history column '" + column + "'; columns: " + history.columnNames());
        }
        for (int i = values.size() - 1; i >= 0; i--) {
            if (!Double.isNaN(values.getDouble(i))) {
                return values.getDouble(i);
            }
        }
        throw new IllegalStateException("column '" + column + "' has no value yet");
    }

    /** @return optimizer steps per second of wall-clock time, evaluation included */
    public double stepsPerSecond() {
        return steps / seconds;
    }
}
