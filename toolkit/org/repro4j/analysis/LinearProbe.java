package org.repro4j.analysis;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * A linear probe: does an activation linearly encode a label, e.g. the position of the odd item in the Talking Heads
 * channel (Merullo, Eickhoff, Pavlick 2024, arXiv 2406.09519, which find item position in a low-dimensional
 * subspace)?
 *
 * <p>It is a ridge-regression classifier, chosen over softmax regression because it has a closed form and no
 * training hyper-parameters beyond the ridge: with features x {@code [d]} centred by their training mean μ and
 * one-hot targets Y {@code [n, classes]}, W = (XcᵀXc + n·λ·I)⁻¹·XcᵀY minimises (1/n)‖Xc·W + b − Y‖² + λ‖W‖²,
 * b is the class frequencies, and the predicted class is argmax((x − μ)·W + b). The linear system is
 * {@code [d, d]} and solved by Cholesky (EJML), so d up to a few hundred is instant.
 */
public final class LinearProbe {

    private final double[] mean;
    private final DMatrixRMaj weights;
    private final double[] bias;

    /**
     * Train and test accuracy of a probe fitted on a random split.
     *
     * @param trainAccuracy accuracy on the training rows
     * @param testAccuracy accuracy on the held-out rows
     * @param chance accuracy on the held-out rows of always predicting the training set's most frequent class
     * @param probe the fitted probe
     */
    public record Result(double trainAccuracy, double testAccuracy, double chance, LinearProbe probe) {}

    private LinearProbe(double[] mean, DMatrixRMaj weights, double[] bias) {
        this.mean = mean;
        this.weights = weights;
        this.bias = bias;
    }

    /**
     * @param x activations, shape {@code [n, d]}
     * @param labels class per row, in 0 … classes−1, shape {@code [n]}
     * @param ridge λ ≥ 0, the penalty per sample; 1e-3 is a good start, 0 only if the features are not collinear
     * @return the fitted probe over classes 0 … max(labels)
     * @throws IllegalArgumentException if the shapes disagree, a label is negative, λ is negative, or the system is
     *     singular (then raise λ)
     */
    public static LinearProbe fit(double[][] x, int[] labels, double ridge) {
        Matrices.checkRectangular(x, "activations");
        if (x.length != labels.length) {
            throw new IllegalArgumentException(x.length + " activation rows but " + labels.length + " labels");
        }
        if (!(ridge >= 0)) {
            throw new IllegalArgumentException("ridge must be >= 0 but was " + ridge);
        }
        int n = x.length;
        int d = x[0].length;
        int classes = Arrays.stream(labels).max().orElseThrow() + 1;
        if (Arrays.stream(labels).min().orElseThrow() < 0) {
            throw new IllegalArgumentException("labels must be >= 0; map them to 0 … classes-1 first");
        }
        double[] mean = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / n;
            }
        }
        DMatrixRMaj centred = centre(x, mean);
        DMatrixRMaj y = new DMatrixRMaj(n, classes);
        double[] bias = new double[classes];
        for (int i = 0; i < n; i++) {
            y.set(i, labels[i], 1);
            bias[labels[i]] += 1.0 / n;
        }
        DMatrixRMaj gram = CommonOps_DDRM.multTransA(centred, centred, null);
        for (int j = 0; j < d; j++) {
            gram.add(j, j, n * ridge);
        }
        DMatrixRMaj rhs = CommonOps_DDRM.multTransA(centred, y, null);
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.symmPosDef(d);
        if (!solver.setA(gram)) {
            throw new IllegalArgumentException("the features are collinear (XᵀX + nλI is singular at λ = " + ridge
                    + "); raise the ridge");
        }
        DMatrixRMaj w = new DMatrixRMaj(d, classes);
        solver.solve(rhs, w);
        return new LinearProbe(mean, w, bias);
    }

    /**
     * As {@link #fit(double[][], int[], double)} on a DJL array, e.g. residual activations at one position.
     *
     * @param x activations, shape {@code [n, d]}
     * @param labels class per row, shape {@code [n]}
     * @param ridge λ ≥ 0
     * @return the fitted probe
     */
    public static LinearProbe fit(NDArray x, int[] labels, double ridge) {
        return fit(Matrices.toArray(x), labels, ridge);
    }

    /**
     * Fits on a random {@code 1 − testFraction} of the rows and scores both parts.
     *
     * @param x activations, shape {@code [n, d]}
     * @param labels class per row, shape {@code [n]}
     * @param ridge λ ≥ 0
     * @param testFraction held-out share, in (0, 1)
     * @param seed seed of the split
     * @return train and test accuracy, the majority-class chance level, and the probe
     * @throws IllegalArgumentException if {@code testFraction} leaves either part empty, or as {@link #fit}
     */
    public static Result trainTest(double[][] x, int[] labels, double ridge, double testFraction, long seed) {
        int n = x.length;
        int test = (int) Math.round(n * testFraction);
        if (!(testFraction > 0 && testFraction < 1) || test < 1 || test >= n) {
            throw new IllegalArgumentException("testFraction " + testFraction + " of " + n
                    + " rows leaves an empty train or test set; use a value in (0, 1) and more rows");
        }
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        Random rng = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        int[] testRows = Arrays.copyOfRange(order, 0, test);
        int[] trainRows = Arrays.copyOfRange(order, test, n);
        double[][] xTrain = rows(x, trainRows);
        int[] yTrain = labels(labels, trainRows);
        double[][] xTest = rows(x, testRows);
        int[] yTest = labels(labels, testRows);
        LinearProbe probe = fit(xTrain, yTrain, ridge);
        int majority = argmax(probe.bias);
        double chance = Arrays.stream(yTest).filter(y -> y == majority).count() / (double) yTest.length;
        return new Result(probe.accuracy(xTrain, yTrain), probe.accuracy(xTest, yTest), chance, probe);
    }

    /** @return the number of classes, max(training labels) + 1 */
    public int classes() {
        return bias.length;
    }

    /**
     * @param x activations, shape {@code [n, d]}
     * @return scores (x − μ)·W + b, shape {@code [n, classes]}
     * @throws IllegalArgumentException if the width is not the training width d
     */
    public double[][] scores(double[][] x) {
        Matrices.checkRectangular(x, "activations");
        if (x[0].length != mean.length) {
            throw new IllegalArgumentException("activations have width " + x[0].length + " but the probe was fitted on "
                    + mean.length);
        }
        double[][] out = Matrices.toArray(CommonOps_DDRM.mult(centre(x, mean), weights, null));
        for (double[] row : out) {
            for (int c = 0; c < row.length; c++) {
                row[c] += bias[c];
            }
        }
        return out;
    }

    /**
     * @param x activations, shape {@code [n, d]}
     * @return predicted class per row, shape {@code [n]}
     */
    public int[] predict(double[][] x) {
        return Arrays.stream(scores(x)).mapToInt(LinearProbe::argmax).toArray();
    }

    /**
     * @param x activations, shape {@code [n, d]}
     * @param labels true class per row, shape {@code [n]}
     * @return the fraction of rows predicted correctly
     * @throws IllegalArgumentException if the shapes disagree
     */
    public double accuracy(double[][] x, int[] labels) {
        if (x.length != labels.length) {
            throw new IllegalArgumentException(x.length + " activation rows but " + labels.length + " labels");
        }
        int[] predicted = predict(x);
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        return correct / (double) labels.length;
    }

    private static DMatrixRMaj centre(double[][] x, double[] mean) {
        DMatrixRMaj out = new DMatrixRMaj(x.length, mean.length);
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < mean.length; j++) {
                out.set(i, j, x[i][j] - mean[j]);
            }
        }
        return out;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double[][] rows(double[][] x, int[] idx) {
        return Arrays.stream(idx).mapToObj(i -> x[i]).toArray(double[][]::new);
    }

    private static int[] labels(int[] labels, int[] idx) {
        return Arrays.stream(idx).map(i -> labels[i]).toArray();
    }
}
