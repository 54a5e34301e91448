package org.repro4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.hooks.ActivationCache;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;
import org.repro4j.train.Fit;
import org.repro4j.train.Optimizer;

class MaskableTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    private NDArray[] data(int n) {
        manager.getEngine().setRandomSeed(5);
        return new NDArray[] {manager.randomNormal(new Shape(n, 784)),
                manager.randomInteger(0, 10, new Shape(n), DataType.INT64)};
    }

    private static void train(Block model, NDArray[] data) {
        Fit.of(model).data(data[0], data[1], 16).optimizer(Optimizer.adam(1e-2)).steps(8).seed(3).quiet().run();
    }

    /** The same seeding and initialization as {@link HookedSequential#initializeSeeded}, for a plain DJL block. */
    private Block initialized(Block block, long seed, Shape input) {
        Engine.getInstance().setRandomSeed(Long.hashCode(seed));
        block.initialize(manager, DataType.FLOAT32, input);
        Init.PYTORCH.apply(block);
        return block;
    }

    private static List<float[]> weights(Block block) {
        List<float[]> out = new ArrayList<>();
        block.getParameters().values().forEach(p -> out.add(p.getArray().toFloatArray()));
        return out;
    }

    private static void assertBitIdentical(List<float[]> expected, List<float[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), 0f, "parameter " + i);
        }
    }

    @Test
    void mlpTrainsBitForBitAsThePlainDjlBlockItIsBuiltFrom() {
        NDArray[] data = data(64);
        Mlp mlp = new Mlp(784, 2, 32, 10, Nonlinearity.RELU).initialize(manager, 11);
        Block plain = initialized(new SequentialBlock()
                .add(Linear.builder().setUnits(32).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(32).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(10).build()), 11, new Shape(1, 784));
        assertBitIdentical(weights(plain), weights(mlp));
        train(mlp, data);
        train(plain, data);
        assertBitIdentical(weights(plain), weights(mlp));
    }

    @Test
    void smallCnnWithBatchNormTrainsBitForBitAsThePlainDjlBlock() {
        NDArray[] data = data(64);
        SmallCnn cnn = new SmallCnn(10, true, 4, 8).initialize(manager, 12);
        SequentialBlock plain = new SequentialBlock()
                .add(LambdaBlock.singleton(x -> x.reshape(x.getShape().get(0), 1, 28, 28)));
        for (int filters : new int[] {4, 8}) {
            plain.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                    .setFilters(filters).build())
                    .add(BatchNorm.builder().build()).add(Activation::relu)
                    .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        }
        plain.add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(10).build());
        initialized(plain, 12, new Shape(1, 1, 28, 28));
        train(cnn, data);
        train(plain, data);
        assertBitIdentical(weights(plain), weights(cnn));
    }

    @Test
    void anAllOnesWeightTransformTrainsBitForBitAsNoTransform() {
        NDArray[] data = data(64);
        Mlp plain = new Mlp(784, 1, 16, 10, Nonlinearity.RELU).initialize(manager, 2);
        Mlp masked = new Mlp(784, 1, 16, 10, Nonlinearity.RELU).initialize(manager, 2);
        for (String name : masked.maskableParameterNames()) {
            NDArray ones = manager.ones(masked.parameter(name).getShape());
            masked.setWeightTransform(name, w -> w.mul(ones));
        }
        train(plain, data);
        train(masked, data);
        assertBitIdentical(weights(plain), weights(masked));
    }

    @Test
    void theForwardPassReadsWeightsThroughTheirTransformsAndGradientsReachTheRawWeight() {
        Mlp mlp = new Mlp(6, 1, 4, 3, Nonlinearity.RELU).initialize(manager, 1);
        NDArray x = manager.randomNormal(new Shape(5, 6));
        mlp.setWeightTransform("readout.weight", NDArray::zerosLike);
        NDArray bias = mlp.parameter("readout.bias");
        assertArrayEquals(bias.broadcast(5, 3).toFloatArray(), mlp.logits(x).toFloatArray(), 0f);
        assertEquals(0f, mlp.effectiveWeight("readout.weight", manager).abs().sum().getFloat());
        assertNotEquals(0f, mlp.parameter("readout.weight").abs().sum().getFloat(), "the raw weight is unchanged");
        mlp.removeWeightTransform("readout.weight");
        assertTrue(mlp.weightTransforms().isEmpty());
        assertThrows(NoSuchElementException.class, () -> mlp.setWeightTransform("readout.W", w -> w));
    }

    @Test
    void djlModelsNameParametersByBlockPathAndMaskTheirWeights() {
        Mlp mlp = new Mlp(6, 1, 4, 3, Nonlinearity.RELU).initialize(manager, 1);
        assertEquals(List.of("layers.0.linear.weight", "layers.0.linear.bias", "readout.weight", "readout.bias"),
                mlp.parameterNames());
        assertEquals(List.of("layers.0.linear.weight", "readout.weight"), mlp.maskableParameterNames());
        assertEquals(new Shape(4, 6), mlp.parameter("layers.0.linear.weight").getShape());
        SmallCnn cnn = new SmallCnn(10, true, 2).initialize(manager, 1);
        assertEquals(List.of("layers.0.conv.weight", "layers.0.conv.bias", "layers.0.norm.gamma", "layers.0.norm.beta",
                "layers.0.norm.runningMean", "layers.0.norm.runningVar", "readout.weight", "readout.bias"),
                cnn.parameterNames());
        assertEquals(List.of("layers.0.conv.weight", "readout.weight"), cnn.maskableParameterNames());
        NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> cnn.layout("readout.bias"));
        assertTrue(e.getMessage().contains("readout.bias") && e.getMessage().contains("layers.0.conv.weight"));
    }

    /**
     * The {@code [out, in]} view of every maskable weight times its recorded inputs gives the layer's output
     * (before the bias), so criteria that read the view see the weights and inputs the model really multiplies.
     */
    @Test
    void everyLayoutReproducesItsLayersOutputFromTheRecordedInputs() {
        Mlp mlp = new Mlp(6, 2, 5, 3, Nonlinearity.TANH).initialize(manager, 4);
        NDArray x = manager.randomNormal(new Shape(7, 6));
        assertLayoutsReproduce(mlp, x, Map.of("layers.0.linear.weight", "layers.0.hook_pre",
                "layers.1.linear.weight", "layers.1.hook_pre", "readout.weight", "hook_logits"),
                Map.of("layers.0.linear.weight", "layers.0.linear.bias", "layers.1.linear.weight",
                        "layers.1.linear.bias", "readout.weight", "readout.bias"));
        SmallCnn cnn = new SmallCnn(4, false, 3, 2).initialize(manager, 5);
        assertLayoutsReproduce(cnn, manager.randomNormal(new Shape(2, 1, 28, 28)),
                Map.of("layers.0.conv.weight", "layers.0.hook_pre", "layers.1.conv.weight", "layers.1.hook_pre",
                        "readout.weight", "hook_logits"),
                Map.of("layers.0.conv.weight", "layers.0.conv.bias", "layers.1.conv.weight", "layers.1.conv.bias",
                        "readout.weight", "readout.bias"));
        assertEquals(28 * 28, cnn.layout("layers.0.conv.weight").applicationsPerExample());
        assertEquals(14 * 14, cnn.layout("layers.1.conv.weight").applicationsPerExample());
        try (TinyTransformerLM lm = TinyTransformerLM.create(
                TransformerConfig.builder(9).context(5).dModel(8).nHeads(2).nLayers(1).dMlp(12).build(), 3)) {
            NDArray tokens = manager.create(new int[] {1, 4, 2, 8, 0, 3, 7, 7, 5, 6}, new Shape(2, 5));
            String p = "blocks.0.";
            assertLayoutsReproduce(lm, tokens, Map.of(p + "attn.W_Q", p + "attn.hook_q", p + "attn.W_K",
                    p + "attn.hook_k", p + "attn.W_V", p + "attn.hook_v", p + "attn.W_O", p + "hook_attn_out",
                    p + "mlp.W_in", p + "mlp.hook_pre", p + "mlp.W_out", p + "hook_mlp_out"),
                    Map.of(p + "attn.W_Q", p + "attn.b_Q", p + "attn.W_K", p + "attn.b_K", p + "attn.W_V", p + "attn.b_V",
                            p + "attn.W_O", p + "attn.b_O", p + "mlp.W_in", p + "mlp.b_in", p + "mlp.W_out",
                            p + "mlp.b_out"));
        }
    }

    private void assertLayoutsReproduce(Maskable model, NDArray input, Map<String, String> outputHook,
            Map<String, String> biasOf) {
        try (ActivationCache cache = ActivationCache.record(() -> model.logits(input))) {
            for (String name : model.maskableParameterNames()) {
                WeightLayout layout = model.layout(name);
                float[] w = model.parameter(name).toFloatArray();
                float[] view = new float[layout.outputs() * layout.inputs()];
                for (int r = 0; r < layout.outputs(); r++) {
                    for (int c = 0; c < layout.inputs(); c++) {
                        view[r * layout.inputs() + c] = w[layout.flatIndex(r, c)];
                    }
                }
                NDArray matrix = manager.create(view, new Shape(layout.outputs(), layout.inputs()));
                NDArray predicted = layout.inputFeatures(cache.get(layout.inputHook())).matMul(matrix.transpose());
                NDArray actual = cache.get(outputHook.get(name));
                NDArray bias = model.parameter(biasOf.get(name)).flatten();
                if (model instanceof SmallCnn && actual.getShape().dimension() == 4) {
                    actual = actual.transpose(0, 2, 3, 1);                  // conv maps → [b, h, w, c]
                }
                actual = actual.reshape(-1, bias.getShape().get(0)).sub(bias);
                assertEquals(actual.getShape(), predicted.getShape(), name);
                assertTrue(actual.sub(predicted).abs().max().getFloat() < 1e-5f, name + " " + layout);
            }
        }
    }
}
