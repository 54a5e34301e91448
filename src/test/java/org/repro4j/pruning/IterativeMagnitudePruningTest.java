package org.repro4j.pruning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import org.repro4j.models.WeightSnapshot;
import org.repro4j.train.Fit;
import org.repro4j.train.Optimizer;

class IterativeMagnitudePruningTest {

    private final NDManager manager = NDManager.newBaseManager();
    private NDArray x;
    private NDArray y;

    @AfterEach
    void close() {
        manager.close();
    }

    private Mlp trainedMlp() {
        manager.getEngine().setRandomSeed(6);
        x = manager.randomNormal(new Shape(128, 12));
        y = manager.randomInteger(0, 3, new Shape(128), DataType.INT64);
        return new Mlp(12, 1, 16, 3, Nonlinearity.RELU).initialize(manager, 2);
    }

    private void train(Mlp mlp, int seed) {
        Fit.of(mlp).data(x, y, 16).optimizer(Optimizer.adam(1e-2)).steps(20).seed(seed).quiet().run();
    }

    /** Asserts every weight the mask removes is 0 in the model. */
    private static void assertPruned(Mlp mlp, ParamMask mask) {
        for (String name : mask.names()) {
            float[] w = mlp.parameter(name).toFloatArray();
            for (int i = 0; i < w.length; i++) {
                assertTrue(mask.isKept(name, i) || w[i] == 0, name + "[" + i + "] = " + w[i]);
            }
        }
    }

    @Test
    void continuedTrainingPrunesPhaseByPhaseToNestedMasksOfExactlyTheTargetSparsity() {
        Mlp mlp = trainedMlp();
        train(mlp, 0);
        List<IterativeMagnitudePruning.Phase> phases = IterativeMagnitudePruning.withContinuedTraining(mlp,
                List.of(0.5, 0.75, 0.875), ComparisonGroup.GLOBAL, (phase, mask) -> {
                    assertPruned(mlp, mask);
                    assertFalse(mlp.weightTransforms().isEmpty(), "retraining runs under the mask");
                    train(mlp, phase + 1);
                    assertPruned(mlp, mask);
                });
        assertEquals(3, phases.size());
        long size = phases.get(0).mask().size();
        assertEquals(size - (long) Math.floor(0.875 * size), phases.get(2).mask().kept());
        for (int p = 1; p < phases.size(); p++) {
            ParamMask inner = phases.get(p).mask();
            assertEquals(inner.kept(), inner.overlap(phases.get(p - 1).mask()), "phase " + p + " nests");
        }
        assertTrue(mlp.weightTransforms().isEmpty());
        assertPruned(mlp, phases.get(2).mask());
    }

    @Test
    void rewindingRestartsEachPhaseFromTheSnapshotsKeptWeights() {
        Mlp mlp = trainedMlp();
        WeightSnapshot init = WeightSnapshot.of(mlp);
        train(mlp, 0);
        IterativeMagnitudePruning.withRewinding(mlp, List.of(0.5, 0.8), ComparisonGroup.LAYER, init, (phase, mask) -> {
            for (String name : mask.names()) {
                float[] w = mlp.parameter(name).toFloatArray();
                float[] w0 = init.values(name);
                for (int i = 0; i < w.length; i++) {
                    assertEquals(mask.isKept(name, i) ? w0[i] : 0f, w[i], name + "[" + i + "] in phase " + phase);
                }
            }
            train(mlp, phase + 1);
        });
    }

    @Test
    void sparsitiesThatDoNotIncreaseOrLeaveZeroToOneAreRejected() {
        Mlp mlp = trainedMlp();
        IllegalArgumentException flat = assertThrows(IllegalArgumentException.class, () ->
                IterativeMagnitudePruning.withContinuedTraining(mlp, List.of(0.5, 0.5), ComparisonGroup.GLOBAL,
                        (p, m) -> {}));
        assertTrue(flat.getMessage().contains("increase"), flat.getMessage());
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class, () ->
                IterativeMagnitudePruning.withContinuedTraining(mlp, List.of(0.5, 1.0), ComparisonGroup.GLOBAL,
                        (p, m) -> {}));
        assertTrue(one.getMessage().contains("sparsity must be in [0, 1)"), one.getMessage());
    }
}
