package org.repro4j.papers.shortcutlearning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.repro4j.papers.shortcutlearning.ShortcutSweep.Architecture;
import org.repro4j.papers.shortcutlearning.ShortcutSweep.Results;
import org.repro4j.papers.shortcutlearning.ShortcutSweep.Setting;
import org.repro4j.papers.shortcutlearning.ShortcutData.Feature;
import tech.tablesaw.api.Table;

class ShortcutSweepTest {

    /** The notebook's headline condition: a weak (p = 0.7) but 16× amplified shortcut against a p = 0.9 core. */
    private static final Setting AVAILABLE_SHORTCUT = new Setting(Feature.of(0.7, 16), Feature.of(0.9, 1));
    private static final Setting PLAIN_SHORTCUT = new Setting(Feature.of(0.7, 1), Feature.of(0.9, 1));
    private static final ShortcutSweep SWEEP = ShortcutSweep.of(1000, 1000);

    @Test
    void aHighlyAvailableShortcutDominatesAReluNetEarlyInTraining() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ShortcutData data = AVAILABLE_SHORTCUT.data(3);
            List<ShortcutBias> measured = SWEEP.train(Architecture.RELU1.build(data.dim(), manager, 3), data, 3, 30);
            // Bayes gives the shortcut R* = 0.29; after 30 SGD steps the net leans on it far more (prototype: +0.68)
            assertTrue(measured.get(0).bias() > 0.3, "bias " + measured.get(0).bias());
            assertTrue(measured.get(0).reliance() > 0.5, "reliance " + measured.get(0).reliance());
        }
    }

    @Test
    void withoutAmplificationTheLinearModelIsNearlyUnbiased() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ShortcutData data = PLAIN_SHORTCUT.data(3);
            List<ShortcutBias> measured = SWEEP.train(Architecture.LINEAR.build(data.dim(), manager, 3), data, 3, 300);
            assertEquals(0, measured.get(0).bias(), 0.1);
        }
    }

    @Test
    void checkpointsAreReadOnTheWayWithoutDisturbingTraining() {
        Results twoCheckpoints = SWEEP.run(List.of(Architecture.LINEAR), List.of(AVAILABLE_SHORTCUT), List.of(5L), 10, 40);
        Results lastOnly = SWEEP.run(List.of(Architecture.LINEAR), List.of(AVAILABLE_SHORTCUT), List.of(5L), 40);
        assertEquals(2, twoCheckpoints.table().rowCount());
        assertArrayEquals(lastOnly.values("bias", Architecture.LINEAR, AVAILABLE_SHORTCUT, 40),
                twoCheckpoints.values("bias", Architecture.LINEAR, AVAILABLE_SHORTCUT, 40), 1e-12);
        // 30 more steps of SGD on the shortcut direction move the model: the two checkpoints differ
        double early = twoCheckpoints.mean("bias", Architecture.LINEAR, AVAILABLE_SHORTCUT, 10);
        double late = twoCheckpoints.mean("bias", Architecture.LINEAR, AVAILABLE_SHORTCUT, 40);
        assertTrue(Math.abs(early - late) > 1e-3, early + " vs " + late);
    }

    @Test
    void resultsHaveOneRowPerCellAndAverageOverSeeds() {
        Results results = SWEEP.run(List.of(Architecture.LINEAR, Architecture.TANH1),
                List.of(AVAILABLE_SHORTCUT, PLAIN_SHORTCUT), List.of(1L, 2L), 5, 20);
        assertEquals(2 * 2 * 2 * 2, results.table().rowCount());
        double[] perSeed = results.values("bias", Architecture.TANH1, PLAIN_SHORTCUT, 20);
        assertEquals(2, perSeed.length);
        assertEquals((perSeed[0] + perSeed[1]) / 2, results.mean("bias", Architecture.TANH1, PLAIN_SHORTCUT, 20),
                1e-12);
        // every row carries the setting's Bayes reliance μ_s/(μ_s + μ_c) = 0.2904 and a growing CPU time
        assertEquals(0.2904, results.table().doubleColumn("bayes_reliance").min(), 1e-4);
        assertEquals(0.2904, results.table().doubleColumn("bayes_reliance").max(), 1e-4);
        assertTrue(results.table().doubleColumn("cpu_s").getDouble(1) > results.table().doubleColumn("cpu_s")
                .getDouble(0));
        assertEquals(32, results.append(results).table().rowCount());
    }

    @Test
    void theWideSummaryHasOneColumnPerAmplitudeAndKeepsCoreSettingsApart() {
        Setting louderCore = new Setting(Feature.of(0.7, 1), Feature.of(0.9, 4));
        Results results = SWEEP.run(List.of(Architecture.LINEAR),
                List.of(PLAIN_SHORTCUT, AVAILABLE_SHORTCUT, louderCore), List.of(1L), 10);
        Table wide = results.byAmplitude("bias", 10);
        assertEquals(List.of("model", "p_s", "p_c", "alpha_s = 1", "alpha_s = 16"), wide.columnNames());
        // two rows: (p 0.7/0.9, alpha_c 1) has both amplitudes; (alpha_c 4) only alpha_s = 1
        assertEquals(2, wide.rowCount());
        assertEquals(results.mean("bias", Architecture.LINEAR, AVAILABLE_SHORTCUT, 10),
                wide.doubleColumn("alpha_s = 16").getDouble(0), 1e-12);
        assertTrue(Double.isNaN(wide.doubleColumn("alpha_s = 16").getDouble(1)));
        assertTrue(results.mean("bias", Architecture.LINEAR, louderCore, 10)
                != results.mean("bias", Architecture.LINEAR, PLAIN_SHORTCUT, 10));
    }

    @Test
    void askingForACellThatWasNotRunSaysSo() {
        Results results = SWEEP.run(List.of(Architecture.LINEAR), List.of(PLAIN_SHORTCUT), List.of(1L), 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> results.mean("bias", Architecture.RELU3, PLAIN_SHORTCUT, 5));
        assertTrue(e.getMessage().contains("ReLU3 at step 5"), e.getMessage());
    }

    @Test
    void badSweepsAreRejectedWithAFix() {
        IllegalArgumentException order = assertThrows(IllegalArgumentException.class,
                () -> SWEEP.run(List.of(Architecture.LINEAR), List.of(PLAIN_SHORTCUT), List.of(1L), 100, 30));
        assertTrue(order.getMessage().contains("increase strictly"), order.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> SWEEP.run(List.of(Architecture.LINEAR), List.of(PLAIN_SHORTCUT), List.of(1L)));
        assertTrue(none.getMessage().contains("at least one checkpoint"), none.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> SWEEP.run(List.of(), List.of(PLAIN_SHORTCUT), List.of(1L), 10));
        assertTrue(empty.getMessage().contains("at least one model"), empty.getMessage());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> ShortcutSweep.of(10, 4000));
        assertTrue(small.getMessage().contains("at least 64 training samples"), small.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Architecture("deep", -1, null));
    }

    @Test
    void architecturesHaveTheSpecsShapes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            assertEquals(1, Architecture.LINEAR.build(100, manager, 1).linears().size());
            assertEquals(4, Architecture.RELU3.build(100, manager, 1).linears().size());
            assertEquals(ShortcutSweep.WIDTH,
                    Architecture.TANH1.build(100, manager, 1).linears().get(0).getParameters().get("weight")
                            .getArray().getShape().get(0));
        }
    }
}
