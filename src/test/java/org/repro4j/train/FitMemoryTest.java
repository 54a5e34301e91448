package org.repro4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.repro4j.analysis.Metrics;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import org.repro4j.models.SmallCnn;

/** Re-running a training cell must not grow native memory: every step and every run frees what it made. */
class FitMemoryTest {

    private static final long MB = 1024 * 1024;

    /** Resident set size of this process, from /proc/self/status (Linux). */
    static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS line in /proc/self/status");
    }

    @Test
    void rerunningATrainingCellTwentyTimesKeepsResidentMemoryFlat() throws IOException {
        try (NDManager data = NDManager.newBaseManager()) {
            NDArray x = data.randomUniform(0f, 1f, new Shape(2048, 784));
            NDArray y = data.randomInteger(0, 10, new Shape(2048), DataType.INT64);
            long afterWarmUp = 0;
            for (int run = 1; run <= 20; run++) {
                // what a notebook cell does: a fresh model in its own manager, trained with evaluation, then dropped
                try (NDManager cell = NDManager.newBaseManager()) {
                    Mlp mlp = new Mlp(784, 2, 128, 10, Nonlinearity.RELU).initialize(cell, run);
                    int parameterArrays = cell.getManagedArrays().size();
                    Fit.of(mlp).data(x, y, 128).steps(60).evaluate("train", x, y)
                            .metric("accuracy", Metrics::accuracy).evaluateEvery(30).quiet().run();
                    assertEquals(parameterArrays, cell.getManagedArrays().size(), "training left arrays in the model's manager");
                }
                if (run == 5) {
                    System.gc();
                    afterWarmUp = residentBytes();
                }
            }
            System.gc();
            long growth = residentBytes() - afterWarmUp;
            // one leaked run would hold 60 steps × (batch 400 KB + activations) ≈ 35 MB; 15 leaked runs ≈ 500 MB
            assertTrue(growth < 40 * MB, "resident memory grew by " + growth / MB + " MB over 15 re-runs");
        }
    }

    @Test
    void trainingTheSameCnnRepeatedlyLeavesNoArraysBehind() {
        try (NDManager cell = NDManager.newBaseManager()) {
            NDArray x = cell.randomUniform(0f, 1f, new Shape(64, 1, 28, 28));
            NDArray y = cell.randomInteger(0, 10, new Shape(64), DataType.INT64);
            SmallCnn cnn = new SmallCnn(10, true, 4, 8).initialize(cell, 1);
            int before = cell.getManagedArrays().size();
            for (int run = 0; run < 3; run++) {
                Fit.of(cnn).data(x, y, 16).steps(8).optimizer(Optimizer.sgd(0.01, 0.9, 1e-4)).quiet().run();
            }
            assertEquals(before, cell.getManagedArrays().size());
        }
    }
}
