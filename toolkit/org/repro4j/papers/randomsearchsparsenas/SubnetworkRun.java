package org.repro4j.papers.randomsearchsparsenas;

import java.util.ArrayList;
import java.util.List;
import org.repro4j.train.TrainingRun;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;

/**
 * One sparse subnetwork trained to the end by {@link SubnetworkTrainer#train}: its learning curve and final
 * accuracy, the two quantities Farahani (2024, "Random Search as a Baseline for Sparse Neural Network Architecture
 * Search", arXiv 2403.08265) compares between searched and random sparse networks ("neither perform better nor
 * converge more efficiently").
 *
 * @param mask the subnetwork's node mask
 * @param history the training history ({@link TrainingRun#history()}: {@code step}, {@code train_loss},
 *     {@code validation_loss}, {@code validation_accuracy}, …)
 * @param curveSteps the steps of the learning curve, starting at 0 (before training), ascending
 * @param curveAccuracy validation accuracy at those steps, fractions in [0, 1]
 * @param testAccuracy accuracy on the test set after training, in [0, 1]
 * @param removedNonzeros weights and biases the mask removes that are not exactly 0 after training (0 when the
 *     mask held)
 * @param seconds wall-clock duration of the training, evaluation included
 */
public record SubnetworkRun(NodeMask mask, Table history, double[] curveSteps, double[] curveAccuracy,
        double testAccuracy, long removedNonzeros, double seconds) {

    /** Builds the learning curve from the evaluations in a run's history, after the one at step 0. */
    static SubnetworkRun of(NodeMask mask, TrainingRun run, double accuracyAtStart, double testAccuracy,
            long removedNonzeros) {
        NumericColumn<?> step = run.history().numberColumn("step");
        NumericColumn<?> accuracy = run.history().numberColumn("validation_accuracy");
        List<double[]> points = new ArrayList<>();
        points.add(new double[] {0, accuracyAtStart});
        for (int i = 0; i < step.size(); i++) {
            if (!Double.isNaN(accuracy.getDouble(i))) {
                points.add(new double[] {step.getDouble(i), accuracy.getDouble(i)});
            }
        }
        return new SubnetworkRun(mask, run.history(), points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray(), testAccuracy, removedNonzeros, run.seconds());
    }

    /**
     * The learning curve's normalized area: the mean validation accuracy over training,
     * {@code (1/T) ∫₀ᵀ acc(t) dt} by the trapezoidal rule. A network that learns faster has a larger area for the
     * same final accuracy.
     *
     * @return the area divided by the number of steps {@code T}, in [0, 1]
     */
    public double curveAuc() {
        return normalizedArea(curveSteps, curveAccuracy);
    }

    /**
     * @param x ascending abscissae, at least two, not all equal
     * @param y values at {@code x}
     * @return {@code ∫ y dx / (x_last − x_first)} by the trapezoidal rule
     * @throws IllegalArgumentException if the arrays differ in length, have fewer than two points or span nothing
     */
    public static double normalizedArea(double[] x, double[] y) {
        if (x.length != y.length || x.length < 2 || !(x[x.length - 1] > x[0])) {
            throw new IllegalArgumentException("a curve's area needs two or more points over an interval of positive"
                    + " length; got " + x.length + " abscissae and " + y.length + " values");
        }
        double area = 0;
        for (int i = 1; i < x.length; i++) {
            area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        }
        return area / (x[x.length - 1] - x[0]);
    }
}
