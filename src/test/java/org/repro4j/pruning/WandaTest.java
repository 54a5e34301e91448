package org.repro4j.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import org.repro4j.models.WeightLayout;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;

class WandaTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    /** One linear layer 3 → 2, {@code W = [[1, −2, 3], [−0.5, 4, 0.25]]}. */
    private Mlp layer() {
        Mlp mlp = new Mlp(3, 0, 0, 2, Nonlinearity.RELU).initialize(manager, 1);
        mlp.parameter("readout.weight").set(new float[] {1, -2, 3, -0.5f, 4, 0.25f});
        return mlp;
    }

    /** Two calibration inputs whose feature norms are ‖X₀‖ = 5, ‖X₁‖ = 1, ‖X₂‖ = 2. */
    private NDArray calibration() {
        return manager.create(new float[] {3, 1, 0, 4, 0, 2}, new Shape(2, 3));
    }

    @Test
    void wandaScoresAHandComputedTwoByThreeLayerAsWeightTimesInputNorm() {
        float[] scores = Wanda.scores(layer(), calibration()).get("readout.weight");
        // |W_ij|·‖X_j‖: [[1·5, 2·1, 3·2], [0.5·5, 4·1, 0.25·2]]
        assertArrayEquals(new float[] {5, 2, 6, 2.5f, 4, 0.5f}, scores, 1e-6f);
    }

    @Test
    void wandaRemovesEachRowsLowestScoresWhereMagnitudeWouldRemoveOthers() {
        Mlp mlp = layer();
        ParamMask wanda = Wanda.prune(mlp, calibration(), 0.34);
        assertFalse(wanda.isKept("readout.weight", 1), "row 0 drops −2, whose input is small");
        assertFalse(wanda.isKept("readout.weight", 5), "row 1 drops 0.25");
        assertEquals(4, wanda.kept());
        ParamMask magnitude = MagnitudePruning.prune(mlp, 0.34, ComparisonGroup.OUTPUT);
        assertFalse(magnitude.isKept("readout.weight", 0), "magnitude alone drops the 1 of row 0");
    }

    @Test
    void laterLayersAreScoredWithTheInputsOfThePrunedEarlierLayers() {
        Mlp mlp = new Mlp(6, 1, 8, 4, Nonlinearity.RELU).initialize(manager, 7);
        manager.getEngine().setRandomSeed(3);
        NDArray calibration = manager.randomNormal(new Shape(100, 6));
        ParamMask mask = Wanda.prune(mlp, calibration, 0.5);
        ParamMask first = perOutput(mlp, "layers.0.linear.weight", Wanda.scores(mlp, calibration));
        assertEquals(first.bits("layers.0.linear.weight"), mask.bits("layers.0.linear.weight"));
        Map<String, float[]> afterFirst = first.runWith(mlp, () -> Wanda.scores(mlp, calibration));
        assertEquals(perOutput(mlp, "readout.weight", afterFirst).bits("readout.weight"), mask.bits("readout.weight"));
        WeightLayout layout = mlp.layout("readout.weight");
        for (int row = 0; row < layout.outputs(); row++) {
            int kept = 0;
            for (int col = 0; col < layout.inputs(); col++) {
                kept += mask.isKept("readout.weight", layout.flatIndex(row, col)) ? 1 : 0;
            }
            assertEquals(4, kept, "row " + row + " keeps half of its 8 inputs");
        }
    }

    /** Half of each row of {@code name} removed by the given scores. */
    private static ParamMask perOutput(Mlp mlp, String name, Map<String, float[]> scores) {
        return Ranking.removeLowest(mlp, ParamMask.ones(mlp, List.of(name)), Map.of(name, scores.get(name)), 0.5,
                ComparisonGroup.OUTPUT);
    }

    @Test
    void wandaPrunesEveryTransformerWeightPerOutput() {
        try (TinyTransformerLM lm = TinyTransformerLM.create(
                TransformerConfig.builder(9).context(6).dModel(8).nHeads(2).nLayers(2).dMlp(12).build(), 3)) {
            NDArray tokens = manager.randomInteger(0, 9, new Shape(16, 6), DataType.INT64);
            ParamMask mask = Wanda.prune(lm, tokens, 0.75);
            assertEquals(lm.maskableParameterNames(), mask.names());
            for (String name : mask.names()) {
                assertEquals(0.75, mask.sparsity(name), 1e-12, name);
            }
        }
    }

    @Test
    void badArgumentsAreRejected() {
        Mlp mlp = layer();
        IllegalArgumentException global = assertThrows(IllegalArgumentException.class,
                () -> Wanda.prune(mlp, calibration(), 0.5, ComparisonGroup.GLOBAL));
        assertTrue(global.getMessage().contains("OUTPUT"), global.getMessage());
        IllegalArgumentException sparsity = assertThrows(IllegalArgumentException.class,
                () -> Wanda.prune(mlp, calibration(), 1.2));
        assertTrue(sparsity.getMessage().contains("sparsity must be in [0, 1)"), sparsity.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Wanda.prune(mlp, manager.zeros(new Shape(0, 3)), 0.5));
        assertTrue(empty.getMessage().contains("calibration"), empty.getMessage());
    }
}
