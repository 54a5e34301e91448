package org.repro4j.papers.randomsearchsparsenas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import org.repro4j.pruning.ParamMask;

/** A node mask removes whole hidden units and nothing else. */
class NodeMaskTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void everyHiddenLayerLosesTheFlooredShareOfItsUnits() {
        Mlp mlp = new Mlp(16, 3, 10, 3, Nonlinearity.RELU).initialize(manager, 1);
        NodeMask mask = NodeMask.random(mlp, 0.75, new SplittableRandom(4));   // ⌊7.5⌋ = 7 removed
        assertEquals(3, mask.depth());
        assertEquals(3, mask.keptPerLayer());
        assertEquals(0.7, mask.sparsity(), 1e-12);
        for (int l = 0; l < 3; l++) {
            int[] all = IntStream.concat(Arrays.stream(mask.kept(l)), Arrays.stream(mask.removed(l)))
                    .sorted().toArray();
            assertArrayEquals(IntStream.range(0, 10).toArray(), all,
                    "layer " + l + ": kept and removed partition the units");
        }
        assertEquals(10, NodeMask.dense(mlp).keptPerLayer());
    }

    @Test
    void theSameDrawGivesTheSameMaskAndAnotherDrawAnother() {
        Mlp mlp = new Mlp(16, 2, 64, 3, Nonlinearity.RELU).initialize(manager, 1);
        NodeMask a = NodeMask.random(mlp, 0.5, new SplittableRandom(7));
        NodeMask b = NodeMask.random(mlp, 0.5, new SplittableRandom(7));
        NodeMask c = NodeMask.random(mlp, 0.5, new SplittableRandom(8));
        assertArrayEquals(a.kept(0), b.kept(0));
        assertArrayEquals(a.kept(1), b.kept(1));
        assertFalse(Arrays.equals(a.kept(0), c.kept(0)));
        assertFalse(Arrays.equals(a.kept(0), a.kept(1)), "layers are drawn independently");
    }

    @Test
    void theWeightMaskRemovesEachUnitsRowBiasAndOutgoingColumn() {
        Mlp mlp = new Mlp(6, 2, 5, 3, Nonlinearity.RELU).initialize(manager, 2);
        NodeMask mask = NodeMask.random(mlp, 0.4, new SplittableRandom(3));      // 2 of 5 removed per layer
        ParamMask weights = mask.toParamMask(mlp);
        double[] layer0 = unitFlags(mask.kept(0), 5);
        double[] layer1 = unitFlags(mask.kept(1), 5);
        assertArrayEquals(layer0, weights.keptFractionBySlice("layers.0.linear.weight", 0));
        assertArrayEquals(layer0, weights.keptFractionBySlice("layers.0.linear.bias", 0));
        // W1 [5, 5] loses the rows of layer 1's removed units and the columns of layer 0's: 3 of 5 remain in each
        assertArrayEquals(scaled(layer0, 0.6), weights.keptFractionBySlice("layers.1.linear.weight", 1), 1e-12);
        assertArrayEquals(scaled(layer1, 0.6), weights.keptFractionBySlice("layers.1.linear.weight", 0), 1e-12);
        assertArrayEquals(layer1, weights.keptFractionBySlice("layers.1.linear.bias", 0));
        assertArrayEquals(layer1, weights.keptFractionBySlice("readout.weight", 1));
        assertEquals(3 * 6 + 3 + 3 * 3 + 3 + 3 * 3, weights.kept());   // rows of W0, b0, 3×3 of W1, b1, readout
        assertFalse(weights.names().contains("readout.bias"), "the logits' biases are never removed");
    }

    @Test
    void theMaskedParentComputesTheSmallerDenseMlpOfTheKeptUnits() {
        // sigmoid(0) = 0.5, so a removed unit would leak through any outgoing weight left in place
        Mlp parent = new Mlp(6, 2, 5, 3, Nonlinearity.SIGMOID).initialize(manager, 5);
        NodeMask mask = NodeMask.random(parent, 0.6, new SplittableRandom(11));  // 2 of 5 kept per layer
        Mlp small = new Mlp(6, 2, 2, 3, Nonlinearity.SIGMOID).initialize(manager, 6);
        int[] k0 = mask.kept(0);
        int[] k1 = mask.kept(1);
        copy(parent, small, "layers.0.linear.weight", k0, null);
        copy(parent, small, "layers.0.linear.bias", k0, null);
        copy(parent, small, "layers.1.linear.weight", k1, k0);
        copy(parent, small, "layers.1.linear.bias", k1, null);
        copy(parent, small, "readout.weight", null, k1);
        copy(parent, small, "readout.bias", null, null);
        NDArray x = manager.randomNormal(new Shape(4, 6));
        float[] masked = mask.toParamMask(parent).runWith(parent, () -> parent.logits(x).toFloatArray());
        assertArrayEquals(small.logits(x).toFloatArray(), masked, 1e-6f);
    }

    @Test
    void aMaskForAnotherShapeOrAFullSparsityIsRejected() {
        Mlp mlp = new Mlp(6, 2, 5, 3, Nonlinearity.RELU).initialize(manager, 1);
        Mlp wider = new Mlp(6, 2, 8, 3, Nonlinearity.RELU).initialize(manager, 1);
        NodeMask mask = NodeMask.random(mlp, 0.4, new SplittableRandom(1));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> mask.toParamMask(wider));
        assertTrue(shape.getMessage().contains("2 hidden layers of 8"), shape.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NodeMask.random(mlp, 1.0, new SplittableRandom(1)));
        Mlp linear = new Mlp(6, 0, 5, 3, Nonlinearity.RELU).initialize(manager, 1);
        assertThrows(IllegalArgumentException.class, () -> NodeMask.dense(linear));
    }

    private static double[] unitFlags(int[] kept, int width) {
        double[] flags = new double[width];
        Arrays.stream(kept).forEach(u -> flags[u] = 1);
        return flags;
    }

    private static double[] scaled(double[] flags, double factor) {
        return Arrays.stream(flags).map(f -> f * factor).toArray();
    }

    /** Copies the parent's parameter, restricted to the given rows and columns (all when null), into the small MLP. */
    private void copy(Mlp parent, Mlp small, String name, int[] rows, int[] columns) {
        NDArray p = parent.parameter(name);
        if (rows != null) {
            p = p.get(new NDIndex("{}", indices(rows)));
        }
        if (columns != null) {
            p = p.get(new NDIndex(":, {}", indices(columns)));
        }
        small.parameter(name).set(p.toFloatArray());
    }

    private NDArray indices(int[] units) {
        return manager.create(Arrays.stream(units).asLongStream().toArray());
    }
}
