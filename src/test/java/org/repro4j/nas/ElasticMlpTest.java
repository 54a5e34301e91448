package org.repro4j.nas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.loss.CrossEntropy;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import org.repro4j.pruning.SparsityReport;

class ElasticMlpTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    private ElasticMlp supernet(long seed) {
        return ElasticMlp.of(new Mlp(6, 3, 5, 4, Nonlinearity.TANH).initialize(manager, seed));
    }

    private NDArray inputs(int n) {
        manager.getEngine().setRandomSeed(9);
        return manager.randomNormal(new Shape(n, 6));
    }

    @Test
    void theFullSizeSubModelIsTheModelBitForBit() {
        ElasticMlp supernet = supernet(1);
        NDArray x = inputs(8);
        assertEquals(SubModel.of(5, 5, 5), supernet.largest());
        assertArrayEquals(supernet.supernet().logits(x).toFloatArray(),
                supernet.logits(x, supernet.largest()).toFloatArray(), 0f);
    }

    @Test
    void anExtractedSubModelGivesTheSameLogitsAsThePrefixForwardPass() {
        ElasticMlp supernet = supernet(2);
        NDArray x = inputs(7);
        for (SubModel s : List.of(SubModel.of(3), SubModel.of(2, 4), SubModel.of(5, 1, 3), supernet.largest())) {
            Mlp standalone = supernet.extract(s, manager);
            assertArrayEquals(s.widths(), standalone.widths());
            assertArrayEquals(supernet.logits(x, s).toFloatArray(), standalone.logits(x).toFloatArray(), 1e-6f,
                    s.toString());
        }
        // the first 2 units of layer 0 read all 6 inputs: rows 0..1 of the supernet's weight
        Mlp slim = supernet.extract(SubModel.of(2, 4), manager);
        assertArrayEquals(supernet.supernet().parameter("layers.0.linear.weight").get(new NDIndex(":2, :"))
                .toFloatArray(), slim.parameter("layers.0.linear.weight").toFloatArray(), 0f);
    }

    @Test
    void aSubModelComputesTheTopLeftBlocksOfTheWeights() {
        ElasticMlp supernet = supernet(3);
        Mlp mlp = supernet.supernet();
        NDArray x = inputs(4);
        NDArray w0 = mlp.parameter("layers.0.linear.weight").get(new NDIndex(":3, :"));
        NDArray b0 = mlp.parameter("layers.0.linear.bias").get(new NDIndex(":3"));
        NDArray h = x.matMul(w0.transpose()).add(b0).tanh();                                 // [4, 3]
        NDArray wOut = mlp.parameter("readout.weight").get(new NDIndex(":, :3"));
        NDArray expected = h.matMul(wOut.transpose()).add(mlp.parameter("readout.bias"));
        assertArrayEquals(expected.toFloatArray(), supernet.logits(x, SubModel.of(3)).toFloatArray(), 1e-6f);
    }

    @Test
    void gradientsOfAPrefixStepTouchOnlyThePrefixsWeights() {
        ElasticMlp supernet = supernet(4);
        Mlp mlp = supernet.supernet();
        NDArray x = inputs(6);
        NDArray y = manager.create(new long[] {0, 1, 2, 3, 0, 1});
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(new CrossEntropy().apply(supernet.logits(x, SubModel.of(3, 2)), y));
        }
        assertOnlyPrefixNonZero(mlp.parameter("layers.0.linear.weight").getGradient(), 3, 6);
        assertOnlyPrefixNonZero(mlp.parameter("layers.0.linear.bias").getGradient().reshape(5, 1), 3, 1);
        assertOnlyPrefixNonZero(mlp.parameter("layers.1.linear.weight").getGradient(), 2, 3);
        assertOnlyPrefixNonZero(mlp.parameter("layers.1.linear.bias").getGradient().reshape(5, 1), 2, 1);
        assertOnlyPrefixNonZero(mlp.parameter("readout.weight").getGradient(), 4, 2);
        // layer 2 is beyond the depth prefix: no gradient reaches it
        assertEquals(0f, mlp.parameter("layers.2.linear.weight").getGradient().abs().sum().getFloat());
        assertEquals(0f, mlp.parameter("layers.2.linear.bias").getGradient().abs().sum().getFloat());
    }

    /** Every entry outside {@code [:rows, :cols]} is exactly 0, and the block itself is not all 0. */
    private static void assertOnlyPrefixNonZero(NDArray gradient, int rows, int cols) {
        float[][] g = toMatrix(gradient);
        boolean anyInside = false;
        for (int r = 0; r < g.length; r++) {
            for (int c = 0; c < g[r].length; c++) {
                if (r < rows && c < cols) {
                    anyInside |= g[r][c] != 0;
                } else {
                    assertEquals(0f, g[r][c], "gradient at [" + r + ", " + c + "] outside the prefix");
                }
            }
        }
        assertTrue(anyInside, "the prefix itself gets a gradient");
    }

    private static float[][] toMatrix(NDArray a) {
        int rows = (int) a.getShape().get(0);
        int cols = (int) a.getShape().get(1);
        float[] flat = a.toFloatArray();
        float[][] m = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, m[r], 0, cols);
        }
        return m;
    }

    @Test
    void parameterAndFlopCountsMatchTheExtractedModel() {
        ElasticMlp supernet = supernet(5);
        for (SubModel s : List.of(SubModel.of(1), SubModel.of(4, 2), supernet.largest())) {
            Mlp standalone = supernet.extract(s, manager);
            long parameters = 0;
            for (String name : standalone.parameterNames()) {
                parameters += standalone.parameter(name).size();
            }
            assertEquals(parameters, supernet.parameters(s), s.toString());
            assertEquals(SparsityReport.of(standalone).denseFlops(), supernet.flops(s), s.toString());
        }
        // 6·4 + 4·2 + 2·4 multiply-adds
        assertEquals(2 * (24 + 8 + 8), supernet.flops(SubModel.of(4, 2)));
    }

    @Test
    void weightTransformsOfTheModelApplyBeforeThePrefix() {
        ElasticMlp supernet = supernet(6);
        Mlp mlp = supernet.supernet();
        NDArray x = inputs(3);
        mlp.setWeightTransform("readout.weight", NDArray::zerosLike);
        NDArray logits = supernet.logits(x, SubModel.of(2, 2));
        assertArrayEquals(mlp.parameter("readout.bias").broadcast(3, 4).toFloatArray(), logits.toFloatArray(), 0f);
        assertArrayEquals(new float[20], supernet.extract(SubModel.of(2, 5), manager)
                .parameter("readout.weight").toFloatArray(), 0f);
    }

    @Test
    void subModelsThatDoNotFitAreRejectedWithTheValidRange() {
        ElasticMlp supernet = supernet(7);
        NDArray x = inputs(2);
        List<String> messages = new ArrayList<>();
        messages.add(assertThrows(IllegalArgumentException.class, () -> supernet.logits(x, SubModel.of(6)))
                .getMessage());
        messages.add(assertThrows(IllegalArgumentException.class, () -> supernet.flops(SubModel.of(5, 5, 5, 5)))
                .getMessage());
        messages.add(assertThrows(IllegalArgumentException.class, () -> SubModel.of(4, 0)).getMessage());
        messages.add(assertThrows(IllegalArgumentException.class, () -> SubModel.of(3, -1)).getMessage());
        messages.add(assertThrows(IllegalArgumentException.class, SubModel::of).getMessage());
        messages.add(assertThrows(IllegalArgumentException.class, () -> SubModel.uniform(0, 4)).getMessage());
        assertTrue(messages.get(0).contains("6 units of layer 0") && messages.get(0).contains("[1, 5]"),
                messages.get(0));
        assertTrue(messages.get(1).contains("4 hidden layers") && messages.get(1).contains("[1, 3]"),
                messages.get(1));
        assertTrue(messages.get(2).contains("layer 1 is 0") && messages.get(3).contains("layer 1 is -1"),
                messages.get(2) + " / " + messages.get(3));
        assertTrue(messages.get(4).contains("at least one hidden layer"), messages.get(4));
        assertTrue(messages.get(5).contains("depth 0"), messages.get(5));
        IllegalArgumentException linear = assertThrows(IllegalArgumentException.class,
                () -> ElasticMlp.of(new Mlp(3, 0, 0, 2, Nonlinearity.RELU)));
        assertTrue(linear.getMessage().contains("at least one hidden layer"), linear.getMessage());
    }

    @Test
    void aTaperedSupernetsReadOutLimitsTheLastWidthOfADepthPrefix() {
        ElasticMlp tapered = ElasticMlp.of(new Mlp(6, new int[] {8, 3}, 2, Nonlinearity.RELU).initialize(manager, 1));
        assertEquals(2 * (6 * 3 + 3 * 2), tapered.flops(SubModel.of(3)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tapered.flops(SubModel.of(4)));
        assertTrue(e.getMessage().contains("read-out reads at most 3"), e.getMessage());
        assertFalse(e.getMessage().contains("layer 0, which"), e.getMessage());
    }
}
