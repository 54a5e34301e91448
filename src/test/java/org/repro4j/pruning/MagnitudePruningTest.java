package org.repro4j.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import org.repro4j.models.SmallCnn;
import org.repro4j.models.WeightSnapshot;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;

class MagnitudePruningTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    /** A linear model 3 → 2 with hand-set weights {@code [out, in]}. */
    private Mlp linear(float... weights) {
        Mlp mlp = new Mlp(3, 0, 0, 2, Nonlinearity.RELU).initialize(manager, 1);
        mlp.parameter("readout.weight").set(weights);
        return mlp;
    }

    @Test
    void magnitudePruningAtSparsityZeroIsTheIdentity() {
        Mlp mlp = new Mlp(8, 2, 16, 4, Nonlinearity.RELU).initialize(manager, 3);
        NDArray x = manager.randomNormal(new Shape(5, 8));
        float[] logits = mlp.logits(x).toFloatArray();
        WeightSnapshot before = WeightSnapshot.of(mlp);
        for (ComparisonGroup group : ComparisonGroup.values()) {
            ParamMask mask = MagnitudePruning.prune(mlp, 0, group);
            assertEquals(mask.size(), mask.kept(), group + " keeps every weight");
            try (ParamMask.Applied pruned = mask.prune(mlp)) {
                assertArrayEquals(logits, mlp.logits(x).toFloatArray(), 0f, group.toString());
            }
            for (String name : mlp.parameterNames()) {
                assertArrayEquals(before.values(name), mlp.parameter(name).toFloatArray(), 0f, name);
            }
        }
    }

    @Test
    void globalPruningRanksAllLayersTogetherAndLayerPruningEachOnItsOwn() {
        Mlp mlp = new Mlp(2, 1, 2, 1, Nonlinearity.RELU).initialize(manager, 1);
        mlp.parameter("layers.0.linear.weight").set(new float[] {0.1f, -0.2f, 0.3f, -0.4f});
        mlp.parameter("readout.weight").set(new float[] {5f, -0.05f});
        ParamMask global = MagnitudePruning.prune(mlp, 0.5, ComparisonGroup.GLOBAL);
        // the three smallest of {0.1, 0.2, 0.3, 0.4, 5, 0.05}: 0.05, 0.1, 0.2
        assertEquals(3, global.kept());
        assertEquals(0.5, global.keptFraction("layers.0.linear.weight"));
        assertEquals(0.5, global.keptFraction("readout.weight"));
        assertFalse(global.isKept("layers.0.linear.weight", 0) || global.isKept("layers.0.linear.weight", 1));
        mlp.parameter("readout.weight").set(new float[] {5f, 4f});
        ParamMask globalAgain = MagnitudePruning.prune(mlp, 0.5, ComparisonGroup.GLOBAL);
        assertEquals(1.0, globalAgain.keptFraction("readout.weight"), "large read-out weights survive globally");
        assertEquals(0.25, globalAgain.keptFraction("layers.0.linear.weight"));
        ParamMask layer = MagnitudePruning.prune(mlp, 0.5, ComparisonGroup.LAYER);
        assertEquals(0.5, layer.keptFraction("readout.weight"));
        assertEquals(0.5, layer.keptFraction("layers.0.linear.weight"));
        assertTrue(layer.isKept("layers.0.linear.weight", 2) && layer.isKept("layers.0.linear.weight", 3));
    }

    @Test
    void perOutputPruningKeepsTheSameCountInEveryRowAndTiesGoToTheLowerIndex() {
        Mlp mlp = linear(3, -1, 2, 1, 1, -1);
        ParamMask mask = MagnitudePruning.prune(mlp, 0.34, ComparisonGroup.OUTPUT);
        // row 0 drops |−1|; row 1 has three equal magnitudes and drops the first
        assertFalse(mask.isKept("readout.weight", 1));
        assertFalse(mask.isKept("readout.weight", 3));
        assertEquals(4, mask.kept());
    }

    @Test
    void prunedMasksAreNestedAndRemovedWeightsStayRemoved() {
        try (TinyTransformerLM lm = TinyTransformerLM.create(
                TransformerConfig.builder(9).context(5).dModel(8).nHeads(2).nLayers(2).dMlp(12).build(), 3)) {
            ParamMask half = MagnitudePruning.prune(lm, 0.5, ComparisonGroup.LAYER);
            try (ParamMask.Applied applied = half.prune(lm)) {
                String name = "blocks.0.mlp.W_in";
                ParamMask deeper = MagnitudePruning.prune(lm, half, 0.75, ComparisonGroup.LAYER);
                assertEquals(0.25, deeper.keptFraction(name), 1e-12);
                assertEquals(deeper.kept(), deeper.overlap(half), "the deeper mask is inside the first");
                ParamMask same = MagnitudePruning.prune(lm, deeper, 0.5, ComparisonGroup.LAYER);
                assertEquals(deeper.kept(), same.kept(), "a group already sparser than the target stays as it is");
            }
        }
    }

    @Test
    void filtersWithTheSmallestL1NormArePrunedWhole() {
        SmallCnn cnn = new SmallCnn(2, false, 4).initialize(manager, 1);
        float[] w = new float[4 * 9];
        float[] scale = {3, 0.5f, 2, 0.1f};
        for (int i = 0; i < w.length; i++) {
            w[i] = scale[i / 9] * (i % 2 == 0 ? 1 : -1);
        }
        cnn.parameter("layers.0.conv.weight").set(w);
        ParamMask mask = MagnitudePruning.pruneSlices(cnn, "layers.0.conv.weight", 0, 0.5);
        assertArrayEquals(new double[] {1, 0, 1, 0}, mask.keptFractionBySlice("layers.0.conv.weight", 0));
        assertEquals(1.0, mask.keptFraction("readout.weight"));
    }

    @Test
    void aSparsityOutsideZeroToOneIsRejectedWithWhatItMeans() {
        Mlp mlp = linear(1, 2, 3, 4, 5, 6);
        for (double bad : new double[] {1, 1.5, -0.1, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MagnitudePruning.prune(mlp, bad, ComparisonGroup.GLOBAL));
            assertTrue(e.getMessage().contains("sparsity must be in [0, 1)") && e.getMessage().contains("" + bad),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class,
                () -> MagnitudePruning.pruneSlices(mlp, "readout.weight", 0, 1.0));
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> {
            mlp.parameter("readout.weight").set(new float[] {1, Float.NaN, 3, 4, 5, 6});
            MagnitudePruning.prune(mlp, 0.5, ComparisonGroup.LAYER);
        });
        assertTrue(nan.getMessage().contains("readout.weight") && nan.getMessage().contains("NaN"), nan.getMessage());
    }
}
