package org.repro4j.pruning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import org.repro4j.train.Fit;
import org.repro4j.train.Optimizer;

class GradualPruningTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void theCubicScheduleStartsAtTheInitialSparsityPassesSevenEighthsOfTheWayMidwayAndEndsAtTheFinal() {
        CubicSparsitySchedule s = new CubicSparsitySchedule(0, 0.9, 100, 10, 10);
        assertEquals(0, s.sparsityAt(100), 1e-15);
        // (1 − 1/2)³ = 1/8 of the distance is left midway: 0.9 − 0.9/8
        assertEquals(0.7875, s.sparsityAt(150), 1e-15);
        assertEquals(0.9, s.sparsityAt(200), 1e-15);
        assertEquals(0.9, s.sparsityAt(10_000), 1e-15);
        assertEquals(0, s.sparsityAt(99), "dense before t₀");
        assertEquals(s.sparsityAt(150), s.sparsityAt(159), "the mask holds between updates");
        // k = 1: 0.9·(1 − 0.9³)
        assertEquals(0.9 * (1 - 0.729), s.sparsityAt(110), 1e-15);
        CubicSparsitySchedule from = new CubicSparsitySchedule(0.2, 0.8, 0, 4, 25);
        assertEquals(0.2, from.sparsityAt(0), 1e-15);
        assertEquals(0.8 - 0.6 / 8, from.sparsityAt(50), 1e-15);
        assertEquals(0.8, from.sparsityAt(100), 1e-15);
        assertEquals(100, from.endStep());
        assertTrue(s.isPruningStep(100) && s.isPruningStep(150) && s.isPruningStep(200));
        assertFalse(s.isPruningStep(99) || s.isPruningStep(155) || s.isPruningStep(210));
    }

    @Test
    void badSchedulesAreRejectedNamingTheValue() {
        IllegalArgumentException finalOne = assertThrows(IllegalArgumentException.class,
                () -> new CubicSparsitySchedule(0, 1, 0, 10, 10));
        assertTrue(finalOne.getMessage().contains("sparsity must be in [0, 1)"), finalOne.getMessage());
        IllegalArgumentException down = assertThrows(IllegalArgumentException.class,
                () -> new CubicSparsitySchedule(0.5, 0.4, 0, 10, 10));
        assertTrue(down.getMessage().contains("0.4") && down.getMessage().contains("0.5"), down.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CubicSparsitySchedule(0, 0.5, 0, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new CubicSparsitySchedule(0, 0.5, -1, 10, 10));
    }

    @Test
    void gradualPruningDuringFitFollowsTheScheduleWithNestedMasksAndZeroWeightsAfterEveryStep() {
        manager.getEngine().setRandomSeed(2);
        NDArray x = manager.randomNormal(new Shape(256, 20));
        NDArray y = manager.randomInteger(0, 5, new Shape(256), DataType.INT64);
        Mlp mlp = new Mlp(20, 1, 32, 5, Nonlinearity.RELU).initialize(manager, 3);
        CubicSparsitySchedule schedule = new CubicSparsitySchedule(0, 0.75, 10, 4, 5);
        List<ParamMask> masks = new ArrayList<>();
        try (GradualPruning pruning = GradualPruning.start(mlp, schedule, ComparisonGroup.LAYER)) {
            Fit.of(mlp).data(x, y, 32).optimizer(Optimizer.adam(1e-2)).steps(40).quiet().afterStep(step -> {
                pruning.accept(step);
                ParamMask mask = pruning.mask();
                // each layer removes ⌊s_t · 640⌋ of its 640 weights
                assertEquals(Math.floor(schedule.sparsityAt(step) * 640) / 640, mask.sparsity("layers.0.linear.weight"),
                        1e-12, "step " + step);
                for (String name : mask.names()) {
                    float[] w = mlp.parameter(name).toFloatArray();
                    for (int i = 0; i < w.length; i++) {
                        if (!mask.isKept(name, i)) {
                            assertEquals(0f, w[i], name + "[" + i + "] at step " + step);
                        }
                    }
                }
                if (!masks.isEmpty()) {
                    ParamMask last = masks.get(masks.size() - 1);
                    assertEquals(mask.kept(), mask.overlap(last), "masks only shrink");
                }
                masks.add(mask);
            }).run();
            // 20·32 weights: 0.65625 at step 20 is exactly 420 of 640
            assertEquals(0.65625, masks.get(19).sparsity("layers.0.linear.weight"), 1e-15);
            assertEquals(0.75, pruning.mask().sparsity("layers.0.linear.weight"), 1e-15);
            assertEquals(1 - 40.0 / 160, pruning.mask().sparsity("readout.weight"), 1e-15);
            assertEquals(1.0, masks.get(8).keptFraction(), "dense before t₀");
        }
        assertTrue(mlp.weightTransforms().isEmpty(), "closing removes the forward mask");
        assertEquals(0.75, ParamMask.support(mlp).sparsity(), 1e-3, "the pruned weights stay 0");
    }
}
