package org.repro4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LossTest {

    /** −log softmax(z)[k] by hand, in double precision. */
    private static double nll(double[] z, int k) {
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v);
        }
        return Math.log(sum) - z[k];
    }

    @Test
    void crossEntropyIsTheMeanNegativeLogSoftmaxOfTheLabel() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[][] {{2f, 0f, -1f}, {0.5f, 0.5f, 3f}});
            NDArray labels = m.create(new int[] {0, 1});
            double expected = (nll(new double[] {2, 0, -1}, 0) + nll(new double[] {0.5, 0.5, 3}, 1)) / 2;
            // ln(e²+1+e⁻¹) − 2 = 0.1699; ln(2e^0.5+e³) − 0.5 = 2.6520 → mean 1.4109
            assertEquals(1.4109, expected, 1e-4);
            NDArray loss = new CrossEntropy().apply(logits, labels);
            assertEquals(new Shape(), loss.getShape());
            assertEquals(expected, loss.getFloat(), 1e-6);
        }
    }

    /**
     * Both kernels CrossEntropy picks from (axis 0 of the transpose below {@link CrossEntropy#FAST_LAST_AXIS_MIN_CLASSES}
     * classes, the last axis from there on) give the textbook loss and its gradient (softmax − one-hot) / N.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 10, CrossEntropy.FAST_LAST_AXIS_MIN_CLASSES, 20})
    void crossEntropyAndItsGradientMatchTheFormulaOnEitherKernel(int classes) {
        int n = 7;
        double[][] z = new double[n][classes];
        float[] flat = new float[n * classes];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = (3 * i + 1) % classes;
            for (int k = 0; k < classes; k++) {
                z[i][k] = 3 * Math.sin(1.7 * i + 0.9 * k); // a fixed spread of logits in [−3, 3]
                flat[i * classes + k] = (float) z[i][k];
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(flat, new Shape(n, classes));
            logits.setRequiresGradient(true);
            NDArray loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                loss = new CrossEntropy().apply(logits, m.create(y));
                collector.backward(loss);
            }
            double expected = 0;
            float[] gradient = logits.getGradient().toFloatArray();
            for (int i = 0; i < n; i++) {
                expected += nll(z[i], y[i]) / n;
                for (int k = 0; k < classes; k++) {
                    double softmax = Math.exp(-nll(z[i], k));
                    assertEquals((softmax - (k == y[i] ? 1 : 0)) / n, gradient[i * classes + k], 1e-6,
                            "dL/dz[" + i + "][" + k + "] with " + classes + " classes");
                }
            }
            assertEquals(expected, loss.getFloat(), 1e-5);
        }
    }

    @Test
    void crossEntropyDoesNotOverflowOnLargeLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[][] {{1000f, 0f}});
            assertEquals(1000f, new CrossEntropy().apply(logits, m.create(new long[] {1})).getFloat(), 1e-3f);
        }
    }

    @Test
    void crossEntropyAveragesOverEverySequencePosition() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {0f, 1f, 1f, 0f, 0f, 0f, 2f, 2f}, new Shape(2, 2, 2));
            NDArray labels = m.create(new float[] {1, 1, 0, 0}, new Shape(2, 2));
            double expected = (nll(new double[] {0, 1}, 1) + nll(new double[] {1, 0}, 1)
                    + nll(new double[] {0, 0}, 0) + nll(new double[] {2, 2}, 0)) / 4;
            assertEquals(expected, new CrossEntropy().apply(logits, labels).getFloat(), 1e-6);
        }
    }

    @Test
    void softTargetsGiveTheExpectedCrossEntropy() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[][] {{1f, 2f, 3f}, {0f, 0f, 0f}});
            NDArray targets = m.create(new float[][] {{0.2f, 0.3f, 0.5f}, {1f, 0f, 0f}});
            double[] z = {1, 2, 3};
            double row0 = 0.2 * nll(z, 0) + 0.3 * nll(z, 1) + 0.5 * nll(z, 2);
            double row1 = Math.log(3);
            assertEquals((row0 + row1) / 2, new SoftTargetCrossEntropy().apply(logits, targets).getFloat(), 1e-6);
        }
    }

    @Test
    void oneHotSoftTargetsEqualIntegerLabelCrossEntropy() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.randomNormal(new Shape(5, 4));
            NDArray labels = m.create(new int[] {3, 0, 2, 2, 1});
            NDArray oneHot = labels.oneHot(4);
            assertEquals(new CrossEntropy().apply(logits, labels).getFloat(),
                    new SoftTargetCrossEntropy().apply(logits, oneHot).getFloat(), 1e-6f);
        }
    }

    @Test
    void mismatchedShapesNameBothShapesAndTheOtherLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.zeros(new Shape(2, 3));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new CrossEntropy().apply(logits, m.zeros(new Shape(2, 3))));
            assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("SoftTargetCrossEntropy"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> new SoftTargetCrossEntropy().apply(logits, m.zeros(new Shape(2))));
        }
    }

    @Test
    void logisticLossIsTheMeanSoftplusOfTheNegativeMargin() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[][] {{2f}, {-0.5f}, {0f}});
            NDArray labels = m.create(new float[] {1f, 1f, -1f});
            // ln(1+e^-2) = 0.1269, ln(1+e^0.5) = 0.9741, ln 2 = 0.6931 -> mean 0.5981
            double expected = (Math.log1p(Math.exp(-2)) + Math.log1p(Math.exp(0.5)) + Math.log(2)) / 3;
            assertEquals(0.5981, expected, 1e-4);
            NDArray loss = new LogisticLoss().apply(logits, labels);
            assertEquals(new Shape(), loss.getShape());
            assertEquals(expected, loss.getFloat(), 1e-6);
            assertEquals(expected, new LogisticLoss().apply(logits.squeeze(1), labels).getFloat(), 1e-6);
        }
    }

    @Test
    void logisticLossStaysFiniteAtLargeMargins() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray labels = m.create(new float[] {1f, -1f});
            // a wrong margin of 1000 costs 1000 nats, a right one costs e^-1000 ≈ 0
            NDArray loss = new LogisticLoss().apply(m.create(new float[] {-1000f, -1000f}), labels);
            assertEquals(500f, loss.getFloat(), 1e-3f);
        }
    }

    @Test
    void logisticLossRejectsSeveralOutputsPerRow() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new LogisticLoss().apply(m.zeros(new Shape(4, 2)), m.zeros(new Shape(4))));
            assertTrue(e.getMessage().contains("(4, 2)") && e.getMessage().contains("CrossEntropy"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> new LogisticLoss().apply(m.zeros(new Shape(4, 1)), m.zeros(new Shape(3))));
        }
    }
}
