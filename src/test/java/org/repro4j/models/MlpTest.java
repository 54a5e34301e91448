package org.repro4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.repro4j.hooks.ActivationCache;
import org.repro4j.hooks.HookPoint;

class MlpTest {

    @Test
    void hookPointsFollowTheTransformerLensNaming() {
        Mlp mlp = new Mlp(6, 2, 5, 3, Nonlinearity.RELU);
        assertEquals(List.of("hook_input", "layers.0.hook_pre", "layers.0.hook_post", "layers.1.hook_pre",
                "layers.1.hook_post", "hook_logits"), HookPoint.namesIn(mlp));
    }

    @Test
    void cachedActivationsAreTheLayerComputations() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Mlp mlp = new Mlp(6, 2, 5, 3, Nonlinearity.TANH).initialize(manager, 1);
            NDArray x = manager.randomNormal(new Shape(4, 6));
            try (ActivationCache cache = ActivationCache.record(() -> mlp.logits(x))) {
                NDArray pre0 = cache.get("layers.0.hook_pre");
                assertEquals(new Shape(4, 5), pre0.getShape());
                assertClose(affine(mlp.linears().get(0), x), pre0);
                assertClose(pre0.tanh(), cache.get("layers.0.hook_post"));
                assertClose(affine(mlp.linears().get(2), cache.get("layers.1.hook_post")), cache.get("hook_logits"));
                assertEquals(new Shape(4, 3), cache.get("hook_logits").getShape());
            }
        }
    }

    @Test
    void depthZeroIsALinearModelAndImagesAreFlattened() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Mlp linear = new Mlp(4, 0, 0, 2, Nonlinearity.RELU).initialize(manager, 3);
            NDArray images = manager.arange(8f).reshape(2, 1, 2, 2);
            assertEquals(1, linear.linears().size());
            assertClose(affine(linear.linears().get(0), images.reshape(2, 4)), linear.logits(images));
            assertEquals(List.of("hook_input", "hook_logits"), HookPoint.namesIn(linear));
        }
    }

    @Test
    void pytorchInitDrawsWeightsAndBiasesUniformlyWithinOneOverSqrtFanIn() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Mlp mlp = new Mlp(400, 1, 300, 10, Nonlinearity.RELU).initialize(manager, 7);
            float[] w = weight(mlp.linears().get(0)).toFloatArray();
            float[] b = bias(mlp.linears().get(0)).toFloatArray();
            double bound = 1 / Math.sqrt(400);
            assertTrue(maxAbs(w) <= bound && maxAbs(w) > 0.99 * bound, "max |w| = " + maxAbs(w));
            // U(−a, a) has standard deviation a/√3
            assertEquals(bound / Math.sqrt(3), std(w), 0.02 * bound);
            assertTrue(maxAbs(b) <= bound && maxAbs(b) > 0.5 * bound, "bias drawn from the same bound");
            assertTrue(maxAbs(bias(mlp.linears().get(1)).toFloatArray()) <= 1 / Math.sqrt(300));
        }
    }

    @Test
    void djlDefaultInitIsKaimingNormalWithZeroBias() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Mlp mlp = new Mlp(400, 1, 300, 10, Nonlinearity.RELU, Init.DJL_DEFAULT).initialize(manager, 7);
            assertEquals(Math.sqrt(2.0 / 400), std(weight(mlp.linears().get(0)).toFloatArray()), 0.003);
            assertEquals(0f, maxAbs(bias(mlp.linears().get(0)).toFloatArray()));
        }
    }

    @Test
    void theSeedDeterminesTheInitialWeights() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] a = weight(new Mlp(5, 1, 4, 2, Nonlinearity.RELU).initialize(manager, 11).linears().get(0)).toFloatArray();
            float[] b = weight(new Mlp(5, 1, 4, 2, Nonlinearity.RELU).initialize(manager, 11).linears().get(0)).toFloatArray();
            float[] c = weight(new Mlp(5, 1, 4, 2, Nonlinearity.RELU).initialize(manager, 12).linears().get(0)).toFloatArray();
            assertArrayEquals(a, b);
            assertFalse(java.util.Arrays.equals(a, c));
        }
    }

    @Test
    void eachHiddenLayerCanHaveItsOwnWidth() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Mlp mlp = new Mlp(6, new int[] {5, 3}, 2, Nonlinearity.GELU).initialize(manager, 1);
            assertEquals(new Shape(5, 6), mlp.parameter("layers.0.linear.weight").getShape());
            assertEquals(new Shape(3, 5), mlp.parameter("layers.1.linear.weight").getShape());
            assertEquals(new Shape(2, 3), mlp.parameter("readout.weight").getShape());
            assertArrayEquals(new int[] {5, 3}, mlp.widths());
            assertEquals(2, mlp.depth());
            assertEquals(Nonlinearity.GELU, mlp.activation());
            assertEquals(new Shape(4, 2), mlp.logits(manager.ones(new Shape(4, 1, 2, 3))).getShape());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Mlp(6, new int[] {5, 0}, 2, Nonlinearity.RELU));
            assertTrue(e.getMessage().contains("widths=[5, 0]"), e.getMessage());
        }
    }

    @Test
    void badSizesAreRejectedWithTheValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Mlp(784, 2, 0, 10, Nonlinearity.RELU));
        assertTrue(e.getMessage().contains("width=0"), e.getMessage());
    }

    static NDArray weight(Linear linear) {
        return linear.getParameters().get("weight").getArray();
    }

    static NDArray bias(Linear linear) {
        return linear.getParameters().get("bias").getArray();
    }

    /** x Wᵀ + b computed by hand. */
    static NDArray affine(Linear linear, NDArray x) {
        return x.matMul(weight(linear).transpose()).add(bias(linear));
    }

    static void assertClose(NDArray expected, NDArray actual) {
        assertEquals(expected.getShape(), actual.getShape());
        assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), 1e-5f);
    }

    static float maxAbs(float[] v) {
        float m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    static double std(float[] v) {
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double ss = 0;
        for (float x : v) {
            ss += (x - mean) * (x - mean);
        }
        return Math.sqrt(ss / v.length);
    }
}
