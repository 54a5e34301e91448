package org.repro4j.nas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.analysis.Metrics;
import org.repro4j.loss.CrossEntropy;
import org.repro4j.loss.SoftTargetCrossEntropy;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import org.repro4j.train.Batch;
import org.repro4j.train.Fit;
import org.repro4j.train.Optimizer;
import org.repro4j.train.TrainingStep;

class SupernetTrainingTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    private Batch batch(int n, int classes) {
        manager.getEngine().setRandomSeed(4);
        return new Batch(manager.randomNormal(new Shape(n, 6)),
                manager.randomInteger(0, classes, new Shape(n), DataType.INT64));
    }

    private ElasticMlp supernet(long seed) {
        return ElasticMlp.of(new Mlp(6, 2, 8, 4, Nonlinearity.RELU).initialize(manager, seed));
    }

    /** Runs one step's backward passes inside a gradient collector, with no optimizer update. */
    private static double runOnce(TrainingStep step, Batch batch) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            return step.run(batch, collector::backward);
        }
    }

    private static Map<String, float[]> gradients(Mlp mlp) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String name : mlp.parameterNames()) {
            out.put(name, mlp.parameter(name).getGradient().toFloatArray());
        }
        return out;
    }

    private static Map<String, float[]> sum(List<Map<String, float[]>> parts) {
        Map<String, float[]> total = new LinkedHashMap<>();
        for (Map<String, float[]> part : parts) {
            part.forEach((name, g) -> {
                float[] t = total.computeIfAbsent(name, k -> new float[g.length]);
                for (int i = 0; i < g.length; i++) {
                    t[i] += g[i];
                }
            });
        }
        return total;
    }

    @Test
    void theFullSizeSubModelTrainsBitForBitAsTheModel() {
        Batch data = batch(64, 4);
        Mlp plain = new Mlp(6, 2, 8, 4, Nonlinearity.RELU).initialize(manager, 3);
        double[] plainLosses = Fit.of(plain).data(data.inputs(), data.targets(), 16).optimizer(Optimizer.adam(1e-2))
                .steps(12).logEvery(1).quiet().run().history().doubleColumn("train_loss").asDoubleArray();
        Mlp model = new Mlp(6, 2, 8, 4, Nonlinearity.RELU).initialize(manager, 3);
        ElasticMlp supernet = ElasticMlp.of(model);
        SupernetTraining step = SupernetTraining.of(SamplingRule.all(
                SubModelSpace.of(supernet, List.of(supernet.largest()))));
        double[] losses = Fit.of(model).data(data.inputs(), data.targets(), 16).optimizer(Optimizer.adam(1e-2))
                .steps(12).logEvery(1).step(step).quiet().run().history().doubleColumn("train_loss").asDoubleArray();
        assertArrayEquals(plainLosses, losses, 0.0);
        for (String name : plain.parameterNames()) {
            assertArrayEquals(plain.parameter(name).toFloatArray(), model.parameter(name).toFloatArray(), 0f, name);
        }
    }

    @Test
    void oneStepAccumulatesTheGradientsOfEverySampledSubModel() {
        Batch data = batch(16, 4);
        List<SubModel> subModels = List.of(SubModel.of(3), SubModel.of(5, 2), SubModel.of(8, 8));
        List<Map<String, float[]>> separate = new ArrayList<>();
        double[] separateLosses = new double[subModels.size()];
        for (int k = 0; k < subModels.size(); k++) {
            ElasticMlp alone = supernet(1);
            SubModel s = subModels.get(k);
            separateLosses[k] = runOnce((batch, backward) -> {
                NDArray loss = new CrossEntropy().apply(alone.logits(batch.inputs(), s), batch.targets());
                backward.backward(loss);
                return loss.toFloatArray()[0];
            }, data);
            separate.add(gradients(alone.supernet()));
        }
        ElasticMlp supernet = supernet(1);
        SupernetTraining step = SupernetTraining.of(SamplingRule.all(SubModelSpace.of(supernet, subModels)));
        double reported = runOnce(step, data);
        Map<String, float[]> expected = sum(separate);
        gradients(supernet.supernet()).forEach((name, g) -> assertArrayEquals(expected.get(name), g, 1e-6f, name));
        assertEquals(Arrays.stream(separateLosses).average().orElseThrow(), reported, 1e-6);
        step.timesTrained().forEach((s, times) -> assertEquals(1L, times, s.toString()));
    }

    @Test
    void inPlaceDistillationsTargetReceivesNoGradient() {
        Batch data = batch(16, 4);
        SubModel child = SubModel.of(3, 2);
        ElasticMlp teacherAlone = supernet(2);
        NDArray[] teacherProbabilities = new NDArray[1];
        runOnce((batch, backward) -> {
            NDArray logits = teacherAlone.logits(batch.inputs(), teacherAlone.largest());
            backward.backward(new CrossEntropy().apply(logits, batch.targets()));
            teacherProbabilities[0] = logits.softmax(-1).stopGradient();
            return 0;
        }, data);
        Map<String, float[]> teacherGradient = gradients(teacherAlone.supernet());
        ElasticMlp childAlone = supernet(2);
        runOnce((batch, backward) -> {
            backward.backward(new SoftTargetCrossEntropy().apply(childAlone.logits(batch.inputs(), child),
                    teacherProbabilities[0]));
            return 0;
        }, data);
        Map<String, float[]> childGradient = gradients(childAlone.supernet());

        ElasticMlp supernet = supernet(2);
        SubModelSpace space = SubModelSpace.of(supernet, List.of(child, supernet.largest()));
        SupernetTraining distilled = SupernetTraining.of(SamplingRule.sandwich(space, 0)).inplaceDistillation();
        runOnce(distilled, data);
        // the step's gradient is the teacher's own plus the child's towards fixed targets: had the child's loss
        // reached the teacher's logits, the teacher's weights outside the child's prefix would get more
        Map<String, float[]> expected = sum(List.of(teacherGradient, childGradient));
        gradients(supernet.supernet()).forEach((name, g) -> assertArrayEquals(expected.get(name), g, 1e-6f, name));
        float[] outsideChild = supernet.supernet().parameter("layers.0.linear.weight").getGradient()
                .get("3:, :").toFloatArray();
        assertArrayEquals(teacherAlone.supernet().parameter("layers.0.linear.weight").getGradient()
                .get("3:, :").toFloatArray(), outsideChild, 0f);
    }

    @Test
    void inPlaceDistillationNeedsTheLargestSubModelInEveryStep() {
        ElasticMlp supernet = supernet(3);
        SubModelSpace space = SubModelSpace.of(supernet, List.of(SubModel.of(2), supernet.largest()));
        SamplingRule smallestOnly = new SamplingRule() {
            @Override
            public SubModelSpace space() {
                return space;
            }

            @Override
            public List<SubModel> sample(Random rng) {
                return List.of(space.smallest());
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> runOnce(SupernetTraining.of(smallestOnly).inplaceDistillation(), batch(4, 4)));
        assertTrue(e.getMessage().contains("sandwich"), e.getMessage());
    }

    @Test
    void aLayerNoSampledSubModelUsesIsLeftAsItWas() {
        Batch data = batch(32, 4);
        ElasticMlp supernet = supernet(4);
        Mlp mlp = supernet.supernet();
        float[] deep = mlp.parameter("layers.1.linear.weight").toFloatArray();
        float[] shallow = mlp.parameter("layers.0.linear.weight").toFloatArray();
        SubModelSpace shallowOnly = SubModelSpace.uniformWidths(supernet, new int[] {1}, new int[] {4, 8});
        Fit.of(mlp).data(data.inputs(), data.targets(), 8).optimizer(Optimizer.adam(1e-2)).steps(6).quiet()
                .step(SupernetTraining.of(SamplingRule.random(shallowOnly, 1)).seed(1)).run();
        assertArrayEquals(deep, mlp.parameter("layers.1.linear.weight").toFloatArray(), 0f);
        assertFalse(Arrays.equals(shallow, mlp.parameter("layers.0.linear.weight").toFloatArray()));
    }

    @Test
    void sandwichTrainingWithInPlaceDistillationTeachesEverySubModel() {
        // two Gaussian blobs per class pair: classes 0/1 separable along the first input axis
        manager.getEngine().setRandomSeed(6);
        NDArray y = manager.randomInteger(0, 2, new Shape(512), DataType.INT64);
        NDArray x = manager.randomNormal(new Shape(512, 6)).add(y.toType(DataType.FLOAT32, false).mul(4).sub(2)
                .expandDims(1));
        ElasticMlp supernet = ElasticMlp.of(new Mlp(6, 2, 16, 2, Nonlinearity.RELU).initialize(manager, 5));
        SubModelSpace space = SubModelSpace.layerwise(supernet, new int[] {1, 2}, new int[] {2, 8, 16});
        SupernetTraining bigNas = SupernetTraining.of(SamplingRule.sandwich(space, 2)).inplaceDistillation().seed(2);
        Fit.of(supernet.supernet()).data(x, y, 32).optimizer(Optimizer.adam(1e-2)).steps(60).step(bigNas).quiet()
                .run();
        for (SubModel s : space.subModels()) {
            assertTrue(Metrics.accuracy(supernet.logits(x, s), y) > 0.95, s.toString());
        }
        // every step trains the largest and the smallest, and the two random children may draw them again
        assertTrue(bigNas.timesTrained().get(space.largest()) >= 60);
        assertTrue(bigNas.timesTrained().get(space.smallest()) >= 60);
        assertEquals(60L * 4, bigNas.timesTrained().values().stream().mapToLong(Long::longValue).sum());
    }
}
