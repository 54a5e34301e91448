package org.repro4j.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class MetricsTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    /** Logits whose softmax is exactly the given probabilities. */
    private NDArray logitsOf(float[][] probabilities) {
        return manager.create(probabilities).log();
    }

    // confidences 0.9, 0.75, 0.7, 0.62 fall in four different 1/15-wide bins (13, 11, 10, 9); the 0.75 one is wrong
    private final float[][] probabilities = {{0.9f, 0.1f}, {0.75f, 0.25f}, {0.3f, 0.7f}, {0.38f, 0.62f}};
    private final int[] labels = {0, 1, 1, 1};

    @Test
    void accuracyNllAndEceMatchHandComputedValues() {
        NDArray logits = logitsOf(probabilities);
        NDArray y = manager.create(labels);
        assertEquals(0.75, Metrics.accuracy(logits, y), 1e-12);
        double nll = -(Math.log(0.9) + Math.log(0.25) + Math.log(0.7) + Math.log(0.62)) / 4;
        assertEquals(0.58159, nll, 1e-5);
        assertEquals(nll, Metrics.nll(logits, y), 1e-6);
        // each example alone in its bin: mean of |correct − confidence| = (0.1 + 0.75 + 0.3 + 0.38) / 4
        assertEquals(0.3825, Metrics.expectedCalibrationError(logits, y), 1e-6);
        // one bin: |accuracy − mean confidence| = |0.75 − 0.7425|
        assertEquals(0.0075, Metrics.expectedCalibrationError(logits, y, 1), 1e-6);
    }

    @Test
    void perfectlyCalibratedPredictionsHaveZeroEce() {
        // 10 examples at confidence 0.7, 7 of them correct
        float[][] p = new float[10][];
        int[] y = new int[10];
        for (int i = 0; i < 10; i++) {
            p[i] = new float[] {0.7f, 0.3f};
            y[i] = i < 7 ? 0 : 1;
        }
        assertEquals(0.0, Metrics.expectedCalibrationError(logitsOf(p), manager.create(y)), 1e-6);
    }

    @Test
    void confusionMatrixCountsTrueRowsAgainstPredictedColumns() {
        NDArray logits = manager.create(new float[][] {{3, 0, 0}, {0, 2, 0}, {0, 2, 0}, {0, 0, 1}, {5, 0, 0}});
        NDArray y = manager.create(new long[] {0, 1, 2, 2, 2});
        int[][] matrix = Metrics.confusionMatrix(logits, y);
        assertArrayEquals(new int[] {1, 0, 0}, matrix[0]);
        assertArrayEquals(new int[] {0, 1, 0}, matrix[1]);
        assertArrayEquals(new int[] {1, 1, 1}, matrix[2]);

        List<String> names = List.of("shirt", "bag", "boot");
        Table table = Metrics.confusionTable(matrix, names);
        assertEquals(List.of("true", "shirt", "bag", "boot"), table.columnNames());
        assertEquals(1, table.intColumn("shirt").getInt(2)); // a boot predicted as shirt

        Table perClass = Metrics.perClassAccuracy(logits, y, names);
        assertEquals(3, perClass.intColumn("examples").getInt(2));
        assertEquals(1.0 / 3, perClass.doubleColumn("accuracy").getDouble(2), 1e-12);
        assertEquals(1.0, perClass.doubleColumn("accuracy").getDouble(0), 1e-12);
    }

    @Test
    void aClassWithoutExamplesHasNanAccuracy() {
        NDArray logits = manager.create(new float[][] {{1, 0}, {1, 0}});
        Table perClass = Metrics.perClassAccuracy(logits, manager.create(new int[] {0, 0}), List.of("a", "b"));
        assertTrue(Double.isNaN(perClass.doubleColumn("accuracy").getDouble(1)));
        assertEquals(0, perClass.intColumn("examples").getInt(1));
    }

    @Test
    void badInputsAreRejectedWithWhatWasWrong() {
        NDArray logits = manager.create(new float[][] {{1, 0}});
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> Metrics.accuracy(logits, manager.create(new int[] {0, 1})));
        assertTrue(shape.getMessage().contains("(1, 2)"), shape.getMessage());
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> Metrics.confusionMatrix(logits, manager.create(new int[] {2})));
        assertTrue(label.getMessage().contains("label 2"), label.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Metrics.confusionTable(new int[2][2], List.of("only one")));
    }
}
