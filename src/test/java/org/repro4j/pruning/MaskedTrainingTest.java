package org.repro4j.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.models.Maskable;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import org.repro4j.models.SmallCnn;
import org.repro4j.models.WeightSnapshot;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;
import org.repro4j.train.Fit;
import org.repro4j.train.Optimizer;
import tech.tablesaw.api.Table;

/** Masks over any toolkit model, held through training. */
class MaskedTrainingTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    private NDArray[] classification(int n, int features, int classes) {
        manager.getEngine().setRandomSeed(9);
        return new NDArray[] {manager.randomNormal(new Shape(n, features)),
                manager.randomInteger(0, classes, new Shape(n), DataType.INT64)};
    }

    /** Trains 100 steps with the mask pruned in, then checks removed weights are exactly 0 and kept ones moved. */
    private static void assertPrunedWeightsStayZero(Maskable model, NDArray[] data, Optimizer optimizer) {
        ParamMask mask = MagnitudePruning.prune(model, 0.8, ComparisonGroup.LAYER);
        WeightSnapshot before = WeightSnapshot.of(model);
        try (ParamMask.Applied pruned = mask.prune(model)) {
            Fit.of((Block) model).data(data[0], data[1], 16).optimizer(optimizer).steps(100).seed(1).quiet().run();
        }
        long moved = 0;
        for (String name : mask.names()) {
            float[] w = model.parameter(name).toFloatArray();
            float[] w0 = before.values(name);
            for (int i = 0; i < w.length; i++) {
                if (mask.isKept(name, i)) {
                    moved += w[i] != w0[i] ? 1 : 0;
                } else {
                    assertEquals(0f, w[i], name + "[" + i + "] was pruned but is " + w[i] + " after training with "
                            + optimizer);
                }
            }
        }
        assertTrue(moved > mask.kept() / 2, "the kept weights trained (dead ReLU units do not): " + moved + " of " + mask.kept());
        assertEquals(mask.kept(), ParamMask.support(model).kept(), "no kept weight became exactly 0");
    }

    @Test
    void aPrunedWeightIsExactlyZeroAfter100StepsOfAdamAdamWAndSgdWithMomentum() {
        NDArray[] data = classification(128, 20, 5);
        for (Optimizer optimizer : List.of(Optimizer.adam(1e-2), Optimizer.adamW(1e-2, 0.1),
                Optimizer.sgd(0.05, 0.9, 5e-4))) {
            assertPrunedWeightsStayZero(new Mlp(20, 2, 32, 5, Nonlinearity.RELU).initialize(manager, 4), data,
                    optimizer);
        }
    }

    @Test
    void aPrunedConvolutionAndTransformerStayZeroAfter100Steps() {
        assertPrunedWeightsStayZero(new SmallCnn(3, true, 2, 4).initialize(manager, 5), classification(64, 784, 3),
                Optimizer.adam(1e-2));
        try (TinyTransformerLM lm = TinyTransformerLM.create(
                TransformerConfig.builder(9).context(6).dModel(8).nHeads(2).nLayers(1).dMlp(12).build(), 6)) {
            NDArray tokens = manager.randomInteger(0, 9, new Shape(64, 6), DataType.INT64);
            NDArray next = manager.randomInteger(0, 9, new Shape(64, 6), DataType.INT64);
            assertPrunedWeightsStayZero(lm, new NDArray[] {tokens, next}, Optimizer.adamW(1e-2, 0.01));
        }
    }

    @Test
    void applyingAMaskLeavesTheStoredWeightsAndClosingRestoresTheModel() {
        Mlp mlp = new Mlp(6, 1, 5, 3, Nonlinearity.RELU).initialize(manager, 1);
        NDArray x = manager.randomNormal(new Shape(4, 6));
        float[] dense = mlp.logits(x).toFloatArray();
        WeightSnapshot weights = WeightSnapshot.of(mlp);
        ParamMask mask = ParamMask.ones(mlp).withSlicesRemoved("layers.0.linear.weight", 0, 1, 3);
        try (ParamMask.Applied applied = mask.applyTo(mlp)) {
            assertEquals(mask.kept(), ParamMask.support(mlp).kept(), "the forward pass sees the mask");
        }
        assertArrayEquals(weights.values("layers.0.linear.weight"),
                mlp.parameter("layers.0.linear.weight").toFloatArray(), 0f);
        assertArrayEquals(dense, mlp.logits(x).toFloatArray(), 0f);
        assertTrue(mlp.weightTransforms().isEmpty());
    }

    @Test
    void removingAHiddenNeuronsRowAndColumnEqualsTheMlpWithoutIt() {
        Mlp mlp = new Mlp(6, 1, 5, 3, Nonlinearity.RELU).initialize(manager, 2);
        NDArray x = manager.randomNormal(new Shape(4, 6));
        ParamMask withoutUnit2 = ParamMask.ones(mlp).withSlicesRemoved("layers.0.linear.weight", 0, 2)
                .withSlicesRemoved("readout.weight", 1, 2);
        float[] masked = withoutUnit2.runWith(mlp, () -> mlp.logits(x).toFloatArray());
        // the same function by hand: ReLU(x·W0ᵀ + b0) with unit 2 dropped, then the read-out without column 2
        NDArray keep = manager.create(new float[] {1, 1, 0, 1, 1});
        NDArray hidden = x.matMul(mlp.parameter("layers.0.linear.weight").transpose())
                .add(mlp.parameter("layers.0.linear.bias")).maximum(0).mul(keep);
        NDArray expected = hidden.matMul(mlp.parameter("readout.weight").transpose()).add(mlp.parameter("readout.bias"));
        assertArrayEquals(expected.toFloatArray(), masked, 1e-6f);
        assertArrayEquals(new double[] {1, 1, 0, 1, 1}, withoutUnit2.keptFractionBySlice("layers.0.linear.weight", 0));
        assertArrayEquals(new double[] {1, 1, 0, 1, 1}, withoutUnit2.keptFractionBySlice("readout.weight", 1));
        assertEquals(1 - 6.0 / 30, withoutUnit2.keptFraction("layers.0.linear.weight"), 1e-12);
    }

    @Test
    void structuredMasksRemoveFiltersAndHeads() {
        SmallCnn cnn = new SmallCnn(3, false, 4).initialize(manager, 3);
        ParamMask filters = ParamMask.ones(cnn).withSlicesRemoved("layers.0.conv.weight", 0, 0, 3);
        assertArrayEquals(new double[] {0, 1, 1, 0}, filters.keptFractionBySlice("layers.0.conv.weight", 0));
        assertEquals(2 * 9, filters.kept("layers.0.conv.weight"));
        try (TinyTransformerLM lm = TinyTransformerLM.create(
                TransformerConfig.builder(9).context(5).dModel(8).nHeads(2).nLayers(1).dMlp(12).build(), 3)) {
            ParamMask head1 = ParamMask.ones(lm).withSlicesRemoved("blocks.0.attn.W_O", 0, 1);
            Table heads = head1.keptFractionByHead();
            assertEquals(List.of(1.0, 0.0), heads.doubleColumn("o").asList());
            assertEquals(List.of(1.0, 1.0), heads.doubleColumn("q").asList());
        }
        IllegalArgumentException axis = assertThrows(IllegalArgumentException.class,
                () -> filters.withSlicesRemoved("layers.0.conv.weight", 4, 0));
        assertTrue(axis.getMessage().contains("layers.0.conv.weight"), axis.getMessage());
        IllegalArgumentException index = assertThrows(IllegalArgumentException.class,
                () -> filters.withSlicesRemoved("layers.0.conv.weight", 0, 4));
        assertTrue(index.getMessage().contains("0..3"), index.getMessage());
    }

    @Test
    void aMaskWhoseShapeDoesNotMatchItsParameterIsRejectedNamingTheParameter() {
        Mlp small = new Mlp(6, 1, 5, 3, Nonlinearity.RELU).initialize(manager, 1);
        Mlp wide = new Mlp(6, 1, 7, 3, Nonlinearity.RELU).initialize(manager, 1);
        ParamMask mask = ParamMask.ones(small);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mask.applyTo(wide));
        assertTrue(e.getMessage().contains("layers.0.linear.weight") && e.getMessage().contains("(5, 6)")
                && e.getMessage().contains("(7, 6)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> mask.prune(wide));
        assertTrue(wide.weightTransforms().isEmpty(), "nothing was installed");
        ParamMask lmMask;
        try (TinyTransformerLM lm = TinyTransformerLM.create(
                TransformerConfig.builder(9).context(5).dModel(8).nHeads(2).nLayers(1).dMlp(12).build(), 3)) {
            lmMask = ParamMask.ones(lm);
        }
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> lmMask.applyTo(small));
        assertTrue(missing.getMessage().contains("blocks.0.attn.W_Q"), missing.getMessage());
    }

    @Test
    void supportCountsTheNonZerosTheForwardPassSees() {
        Mlp mlp = new Mlp(4, 0, 0, 2, Nonlinearity.RELU).initialize(manager, 1);
        mlp.parameter("readout.weight").set(new float[] {0, 1, 0, 2, 3, 0, 0, 4});
        ParamMask support = ParamMask.support(mlp);
        assertEquals(4, support.kept());
        assertTrue(support.isKept("readout.weight", 1) && !support.isKept("readout.weight", 0));
        assertEquals(0.5, support.sparsity(), 1e-12);
    }
}
