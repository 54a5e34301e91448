package org.repro4j.papers.gradualpruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import org.repro4j.models.WeightSnapshot;
import org.repro4j.pruning.CubicSparsitySchedule;
import org.repro4j.pruning.ParamMask;
import org.repro4j.pruning.SparsityReport;

class PruningRecipeTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    /** Two Gaussian blobs per class in 20 dimensions: learnable in a few hundred steps. */
    private NDArray[] blobs(int n) {
        manager.getEngine().setRandomSeed(3);
        NDArray labels = manager.randomInteger(0, 3, new Shape(n), DataType.INT64);
        NDArray centres = manager.randomNormal(new Shape(3, 20)).mul(3);
        NDArray x = centres.get(labels).add(manager.randomNormal(new Shape(n, 20)));
        return new NDArray[] {x, labels};
    }

    @Test
    void theToyScheduleStartsAtATenthOfTheRunAndReachesTheFinalSparsityAtSixTenths() {
        PruningRecipe recipe = PruningRecipe.toy(3, 60_000, 42);
        assertEquals(3 * 468, recipe.steps(), "⌊60 000 / 128⌋ batches per epoch");
        CubicSparsitySchedule s = recipe.schedule(0.9);
        assertEquals(140, s.startStep());
        assertEquals(28, s.frequency());
        assertEquals(140 + 25 * 28, s.endStep());
        assertEquals(0, s.sparsityAt(s.startStep()), 1e-12);
        assertEquals(0.9, s.sparsityAt(s.endStep()), 1e-12);
        assertEquals(0.9, s.sparsityAt(recipe.steps()), 1e-12);
        assertEquals(140, recipe.fineTuneSteps());
    }

    @Test
    void gradualTrainingLeavesEveryLayerAtTheFinalSparsityAndLearns() {
        NDArray[] data = blobs(512);
        Mlp mlp = new Mlp(20, 2, 64, 3, Nonlinearity.RELU).initialize(manager, 7);
        PruningRecipe recipe = new PruningRecipe(300, 32, 1e-2, 1);
        ParamMask mask = recipe.trainGradually(mlp, data[0], data[1], 0.9);
        SparsityReport report = SparsityReport.of(mlp);
        for (SparsityReport.Layer layer : report.layers()) {
            assertEquals(mask.kept(layer.name()), layer.nonzeros(), layer.name() + ": removed weights are exactly 0");
            assertEquals(0.9, layer.sparsity(), 1.0 / layer.size(), layer.name());
        }
        assertTrue(mlp.weightTransforms().isEmpty(), "the model no longer runs under a mask");
        double accuracy = PruningRecipe.accuracy(mlp, data[0], data[1]);
        assertTrue(accuracy > 0.9, "a 90 % sparse MLP still separates three blobs: " + accuracy);
    }

    @Test
    void oneShotFineTuningRecoversAndTheModelIsRestoredAfterwards() {
        NDArray[] data = blobs(512);
        Mlp mlp = new Mlp(20, 2, 64, 3, Nonlinearity.RELU).initialize(manager, 7);
        PruningRecipe recipe = new PruningRecipe(300, 32, 1e-2, 1);
        recipe.fit(mlp, data[0], data[1]).quiet().run();
        WeightSnapshot trained = WeightSnapshot.of(mlp);
        PruningRecipe.OneShot result = recipe.oneShot(mlp, 0.95, data[0], data[1], data[0], data[1]);
        assertEquals(0.95, result.sparsity());
        assertTrue(result.fineTuned() >= result.pruned(), "fine-tuning recovers: " + result);
        for (String name : mlp.parameterNames()) {
            assertArrayEquals(trained.values(name), mlp.parameter(name).toFloatArray(), name + " restored");
        }
        assertTrue(mlp.weightTransforms().isEmpty(), "the mask is removed");
    }

    @Test
    void accuracyCountsArgmaxMatchesAcrossEvaluationBatches() {
        Mlp linear = new Mlp(2, 0, 0, 2, Nonlinearity.RELU).initialize(manager, 1);
        linear.parameter("readout.weight").set(new float[] {1, 0, 0, 1});   // logits = x
        linear.parameter("readout.bias").set(new float[] {0, 0});
        int n = 2500;                                                          // three evaluation batches
        float[] x = new float[2 * n];
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            x[2 * i + (i % 2)] = 1;                                            // predicts class i % 2
            labels[i] = i % 5 == 0 ? 1 - i % 2 : i % 2;                        // every fifth label is wrong
        }
        double accuracy = PruningRecipe.accuracy(linear, manager.create(x, new Shape(n, 2)),
                manager.create(labels));
        assertEquals(0.8, accuracy, 1e-12);
    }

    @Test
    void aRecipeWithoutStepsOrLearningRateIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new PruningRecipe(0, 128, 1e-3, 1));
        IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
                () -> new PruningRecipe(10, 128, 0, 1));
        assertTrue(rate.getMessage().contains("learningRate > 0"), rate.getMessage());
    }
}
