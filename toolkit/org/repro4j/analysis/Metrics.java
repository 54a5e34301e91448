package org.repro4j.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Classification metrics computed from logits and integer labels.
 *
 * <p>Every method takes {@code logits [n, classes]} (unnormalized scores; probabilities are their softmax) and
 * {@code labels [n]} (class indices in any integer or whole-valued float type). The predicted class is the
 * arg-max of the logits (the first one on ties). Signatures with two arrays fit {@code Fit.metric(name, ...)},
 * e.g. {@code .metric("accuracy", Metrics::accuracy)}.
 *
 * <p>All methods throw {@link IllegalArgumentException} for mismatched shapes, no examples, or a label outside
 * {@code [0, classes)}.
 */
public final class Metrics {

    /** Bins of the expected calibration error, as in Guo et al. (2017). */
    public static final int ECE_BINS = 15;

    private Metrics() {}

    /**
     * @return fraction of examples whose arg-max logit is the label, in [0, 1]
     * @throws IllegalArgumentException if the shapes do not match or there are no examples
     */
    public static double accuracy(NDArray logits, NDArray labels) {
        long[] predicted = predictions(logits, labels);
        long[] truth = labelsOf(labels);
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            if (predicted[i] == truth[i]) {
                correct++;
            }
        }
        return (double) correct / truth.length;
    }

    /**
     * Confusion matrix: entry [t][p] counts examples of true class t predicted as p.
     *
     * @return {@code int[K][K]}; rows are true classes, columns predicted classes
     */
    public static int[][] confusionMatrix(NDArray logits, NDArray labels) {
        long[] predicted = predictions(logits, labels);
        long[] truth = labelsOf(labels);
        int k = Math.toIntExact(logits.getShape().get(1));
        int[][] counts = new int[k][k];
        for (int i = 0; i < truth.length; i++) {
            checkLabel(truth[i], k);
            counts[(int) truth[i]][(int) predicted[i]]++;
        }
        return counts;
    }

    /**
     * The confusion matrix as a table for display: column {@code true} holds the class names, then one column
     * of counts per predicted class.
     *
     * @param matrix from {@link #confusionMatrix}, {@code [K][K]}
     * @param classNames K names in class-index order
     * @return the table, K rows
     * @throws IllegalArgumentException if the number of names is not K
     */
    public static Table confusionTable(int[][] matrix, List<String> classNames) {
        checkNames(matrix.length, classNames);
        Table table = Table.create("confusion matrix (rows: true class, columns: predicted)",
                StringColumn.create("true", classNames));
        for (int p = 0; p < matrix.length; p++) {
            int column = p;
            int[] counts = new int[matrix.length];
            for (int t = 0; t < matrix.length; t++) {
                counts[t] = matrix[t][column];
            }
            table.addColumns(IntColumn.create(classNames.get(p), counts));
        }
        return table;
    }

    /**
     * Accuracy within each true class (recall per class).
     *
     * @param classNames K names in class-index order
     * @return columns {@code class}, {@code examples}, {@code correct}, {@code accuracy} (NaN for a class without
     *     examples), one row per class
     */
    public static Table perClassAccuracy(NDArray logits, NDArray labels, List<String> classNames) {
        int[][] matrix = confusionMatrix(logits, labels);
        checkNames(matrix.length, classNames);
        int[] examples = new int[matrix.length];
        int[] correct = new int[matrix.length];
        double[] accuracy = new double[matrix.length];
        for (int t = 0; t < matrix.length; t++) {
            for (int count : matrix[t]) {
                examples[t] += count;
            }
            correct[t] = matrix[t][t];
            accuracy[t] = examples[t] == 0 ? Double.NaN : (double) correct[t] / examples[t];
        }
        return Table.create("per-class accuracy", StringColumn.create("class", classNames),
                IntColumn.create("examples", examples), IntColumn.create("correct", correct),
                DoubleColumn.create("accuracy", accuracy));
    }

    /**
     * Mean negative log-likelihood of the labels under softmax(logits), in nats (the cross-entropy).
     *
     * @return −(1/n) Σ log softmax(z_i)[y_i], ≥ 0
     */
    public static double nll(NDArray logits, NDArray labels) {
        long[] truth = labelsOf(labels);
        predictions(logits, labels); // validates shapes
        float[] logProbabilities = logits.toType(DataType.FLOAT32, false).logSoftmax(-1).toFloatArray();
        int k = Math.toIntExact(logits.getShape().get(1));
        double sum = 0;
        for (int i = 0; i < truth.length; i++) {
            checkLabel(truth[i], k);
            sum -= logProbabilities[i * k + (int) truth[i]];
        }
        return sum / truth.length;
    }

    /**
     * Expected calibration error with {@value #ECE_BINS} equal-width confidence bins (Guo, Pleiss, Sun and
     * Weinberger, "On Calibration of Modern Neural Networks", ICML 2017, Eq. 3).
     *
     * @return ECE in [0, 1]
     * @see #expectedCalibrationError(NDArray, NDArray, int)
     */
    public static double expectedCalibrationError(NDArray logits, NDArray labels) {
        return expectedCalibrationError(logits, labels, ECE_BINS);
    }

    /**
     * Expected calibration error: ECE = Σ_m (|B_m|/n)·|acc(B_m) − conf(B_m)|, where confidence is the largest
     * softmax probability and bin B_m holds confidences in ((m−1)/M, m/M].
     *
     * @param bins number of equal-width bins M ≥ 1
     * @return ECE in [0, 1]
     */
    public static double expectedCalibrationError(NDArray logits, NDArray labels, int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("ECE needs at least one bin; got " + bins);
        }
        long[] predicted = predictions(logits, labels);
        long[] truth = labelsOf(labels);
        float[] confidence = logits.toType(DataType.FLOAT32, false).softmax(-1).max(new int[] {-1}).toFloatArray();
        double[] confidenceSum = new double[bins];
        int[] correct = new int[bins];
        int[] count = new int[bins];
        for (int i = 0; i < truth.length; i++) {
            int bin = Math.min(bins - 1, Math.max(0, (int) Math.ceil(confidence[i] * bins) - 1));
            count[bin]++;
            confidenceSum[bin] += confidence[i];
            if (predicted[i] == truth[i]) {
                correct[bin]++;
            }
        }
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            if (count[b] > 0) {
                ece += Math.abs(correct[b] - confidenceSum[b]) / truth.length;
            }
        }
        return ece;
    }

    private static long[] predictions(NDArray logits, NDArray labels) {
        if (logits.getShape().dimension() != 2 || labels.getShape().dimension() != 1
                || logits.getShape().get(0) != labels.getShape().get(0)) {
            throw new IllegalArgumentException("metrics need logits [n, classes] and labels [n]; got logits "
                    + logits.getShape() + " and labels " + labels.getShape()
                    + " (for sequences, reshape to [batch·seq, vocab] and [batch·seq])");
        }
        if (labels.getShape().get(0) == 0) {
            throw new IllegalArgumentException("metrics need at least one example");
        }
        return logits.argMax(-1).toType(DataType.INT64, false).toLongArray();
    }

    private static long[] labelsOf(NDArray labels) {
        return labels.toType(DataType.INT64, false).toLongArray();
    }

    private static void checkLabel(long label, int classes) {
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException("label " + label + " is outside the " + classes + " classes [0, " + classes + ")");
        }
    }

    private static void checkNames(int classes, List<String> classNames) {
        if (classNames.size() != classes) {
            throw new IllegalArgumentException(classes + " classes need " + classes + " names; got " + classNames.size());
        }
    }
}
