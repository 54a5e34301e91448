package org.repro4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.analysis.Metrics;
import org.repro4j.loss.CrossEntropy;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import tech.tablesaw.api.Table;

class FitTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    /** Two Gaussian blobs in 4 dimensions, centred at ±1.5 on every axis: linearly separable up to a little noise. */
    private NDArray[] blobs(int n, long seed) {
        manager.getEngine().setRandomSeed((int) seed);
        NDArray y = manager.randomInteger(0, 2, new Shape(n), DataType.INT64);
        NDArray centre = y.toType(DataType.FLOAT32, false).mul(3).sub(1.5f).expandDims(1).repeat(1, 4);
        return new NDArray[] {centre.add(manager.randomNormal(new Shape(n, 4))), y};
    }

    private Mlp mlp(long seed) {
        return new Mlp(4, 1, 16, 2, Nonlinearity.RELU).initialize(manager, seed);
    }

    @Test
    void learnsASeparableProblemAndRecordsEvaluationColumns() {
        NDArray[] train = blobs(512, 1);
        NDArray[] test = blobs(256, 2);
        Mlp model = mlp(3);
        TrainingRun run = Fit.of(model).data(train[0], train[1], 32).optimizer(Optimizer.adam(1e-2))
                .steps(200).evaluate("test", test[0], test[1]).metric("accuracy", Metrics::accuracy)
                .evaluateEvery(50).quiet().run();
        Table h = run.history();
        assertEquals(List.of("step", "epoch", "lr", "train_loss", "time_s", "test_loss", "test_accuracy"), h.columnNames());
        assertTrue(run.last("test_accuracy") > 0.95, "accuracy " + run.last("test_accuracy"));
        assertTrue(run.last("test_loss") < 0.2, "loss " + run.last("test_loss"));
        // evaluation at 50, 100, 150, 200 only
        assertEquals(4, h.doubleColumn("test_accuracy").removeMissing().size());
        assertEquals(200, h.intColumn("step").getInt(h.rowCount() - 1));
        assertEquals(200.0 / 16, h.doubleColumn("epoch").getDouble(h.rowCount() - 1), 1e-9);
        double first = h.doubleColumn("train_loss").getDouble(0);
        double last = h.doubleColumn("train_loss").getDouble(h.rowCount() - 1);
        assertTrue(last < first / 3, "train loss fell from " + first + " to " + last);
        assertEquals(run.last("test_accuracy"), Metrics.accuracy(model.logits(test[0]), test[1]), 0);
    }

    @Test
    void theSameSeedGivesTheSameHistoryNumberForNumber() {
        NDArray[] train = blobs(256, 1);
        double[] a = trainLoss(train, 5);
        double[] b = trainLoss(train, 5);
        double[] c = trainLoss(train, 6);
        assertArrayEquals(a, b, 0.0);
        assertFalse(Arrays.equals(a, c), "another seed shuffles differently");
    }

    private double[] trainLoss(NDArray[] train, long seed) {
        return Fit.of(mlp(seed)).data(train[0], train[1], 16).steps(60).logEvery(1).seed(seed).quiet().run()
                .history().doubleColumn("train_loss").asDoubleArray();
    }

    @Test
    void aNanLossStopsAtItsStepBeforeTheUpdate() {
        NDArray[] train = blobs(64, 1);
        Mlp model = mlp(1);
        int[] calls = {0};
        float[][] weightsAfterStep4 = new float[1][];
        Linear first = model.linears().get(0);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> Fit.of(model)
                .data(train[0], train[1], 8).steps(20).logEvery(1).quiet()
                .loss((logits, y) -> ++calls[0] >= 5 ? logits.mean().mul(Float.NaN) : logits.mean())
                .afterStep(step -> {
                    if (step == 4) {
                        weightsAfterStep4[0] = first.getParameters().get("weight").getArray().toFloatArray();
                    }
                })
                .run());
        assertEquals(5, e.step());
        assertTrue(e.getMessage().contains("at step 5") && e.getMessage().contains("step 4"), e.getMessage());
        assertEquals(4, e.history().rowCount());
        assertEquals(e.history().doubleColumn("train_loss").getDouble(3), e.lastFiniteLoss(), 1e-6);
        assertArrayEquals(weightsAfterStep4[0], first.getParameters().get("weight").getArray().toFloatArray());
    }

    /**
     * Fit keeps one handle per gradient and one backward seed for the whole run; this replays the same steps with
     * the textbook loop (a fresh seed and fresh gradient handles every step) and expects the same numbers.
     */
    @Test
    void adamStepsEqualAPlainLoopThatFetchesEveryGradientAfresh() {
        NDArray[] data = blobs(32, 3);
        Batches wholeSet = new Batches() {
            @Override
            public long batchesPerEpoch() {
                return 1;
            }

            @Override
            public Batch next(NDManager step) {
                return new Batch(data[0], data[1]);
            }
        };
        int steps = 12;
        Mlp fitted = mlp(5);
        double[] fitLosses = Fit.of(fitted).data(wholeSet).optimizer(Optimizer.adam(0.05)).steps(steps).logEvery(1)
                .quiet().run().history().doubleColumn("train_loss").asDoubleArray();

        Mlp plain = mlp(5);
        List<NDArray> parameters = plain.getParameters().values().stream().map(Parameter::getArray).toList();
        CrossEntropy crossEntropy = new CrossEntropy();
        double[] plainLosses = new double[steps];
        try (NDManager run = manager.newSubManager()) {
            Optimizer.Updater adam = Optimizer.adam(0.05).start(parameters, run);
            ParameterStore store = new ParameterStore(run, false);
            for (int step = 1; step <= steps; step++) {
                try (NDManager scope = run.newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = plain.forward(store, new NDList(data[0]), true).singletonOrThrow();
                    NDArray loss = crossEntropy.apply(logits, data[1]);
                    loss.attach(scope);
                    collector.backward(loss);
                    plainLosses[step - 1] = loss.getFloat();
                    for (int i = 0; i < parameters.size(); i++) {
                        NDArray gradient = parameters.get(i).getGradient();
                        gradient.attach(scope);
                        adam.update(i, step, 0.05f, parameters.get(i), gradient);
                    }
                }
            }
        }
        assertArrayEquals(plainLosses, fitLosses, 1e-6);
        assertTrue(fitLosses[steps - 1] < fitLosses[0] / 2, "the loss fell: " + Arrays.toString(fitLosses));
        for (String name : fitted.getParameters().keys()) {
            assertArrayEquals(plain.getParameters().get(name).getArray().toFloatArray(),
                    fitted.getParameters().get(name).getArray().toFloatArray(), 1e-6f, name);
        }
    }

    @Test
    void oneSgdStepMovesEachParameterByMinusLearningRateTimesGradient() {
        // loss = mean of the single logit over the batch: ∂/∂bias = 1, ∂/∂w = mean of the inputs
        Mlp linear = new Mlp(2, 0, 0, 1, Nonlinearity.RELU).initialize(manager, 1);
        NDArray x = manager.create(new float[][] {{1, 2}, {3, 4}});
        NDArray y = manager.zeros(new Shape(2));
        NDArray w = linear.linears().get(0).getParameters().get("weight").getArray();
        NDArray b = linear.linears().get(0).getParameters().get("bias").getArray();
        float[] w0 = w.toFloatArray();
        float b0 = b.getFloat(0);
        Fit.of(linear).data(x, y, 2).loss((f, t) -> f.mean()).optimizer(Optimizer.sgd(0.1)).steps(1).quiet().run();
        assertArrayEquals(new float[] {w0[0] - 0.1f * 2, w0[1] - 0.1f * 3}, w.toFloatArray(), 1e-6f);
        assertEquals(b0 - 0.1f, b.getFloat(0), 1e-6f);
    }

    @Test
    void adamsFirstStepIsTheLearningRateTimesTheGradientSignAndAdamWAlsoDecays() {
        Mlp linear = new Mlp(2, 0, 0, 1, Nonlinearity.RELU).initialize(manager, 1);
        NDArray x = manager.create(new float[][] {{1, -2}});
        NDArray b = linear.linears().get(0).getParameters().get("bias").getArray();
        NDArray w = linear.linears().get(0).getParameters().get("weight").getArray();
        float[] w0 = w.toFloatArray();
        float b0 = b.getFloat(0);
        Fit.of(linear).data(x, manager.zeros(new Shape(1)), 1).loss((f, t) -> f.mean())
                .optimizer(Optimizer.adam(0.01)).steps(1).quiet().run();
        // m̂/√v̂ = g/|g| on the first step
        assertArrayEquals(new float[] {w0[0] - 0.01f, w0[1] + 0.01f}, w.toFloatArray(), 1e-5f);
        float b1 = b.getFloat(0);
        assertEquals(b0 - 0.01f, b1, 1e-5f);
        Fit.of(linear).data(x, manager.zeros(new Shape(1)), 1).loss((f, t) -> f.mean())
                .optimizer(Optimizer.adamW(0.01, 0.5)).steps(1).quiet().run();
        assertEquals(b1 - 0.01f * 0.5f * b1 - 0.01f, b.getFloat(0), 1e-5f);
    }

    @Test
    void theScheduleScalesTheLearningRateInTheHistory() {
        NDArray[] train = blobs(64, 1);
        Table h = Fit.of(mlp(1)).data(train[0], train[1], 8).optimizer(Optimizer.sgd(0.2))
                .schedule(LrSchedule.warmup(2, LrSchedule.cosine())).steps(6).logEvery(1).quiet().run().history();
        double[] lr = h.doubleColumn("lr").asDoubleArray();
        double[] expected = {0.1, 0.2, 0.2, 0.2 * 0.5 * (1 + Math.cos(Math.PI / 4)), 0.1, 0.2 * 0.5 * (1 + Math.cos(3 * Math.PI / 4))};
        assertArrayEquals(expected, lr, 1e-6);
    }

    @Test
    void anEpochBudgetCoversTheDataThatManyTimes() {
        NDArray[] train = blobs(100, 1);
        TrainingRun run = Fit.of(mlp(1)).data(train[0], train[1], 10).epochs(3).quiet().run();
        assertEquals(30, run.steps());
        assertEquals(3.0, run.history().doubleColumn("epoch").getDouble(run.history().rowCount() - 1), 1e-12);
    }

    @Test
    void stopWhenEndsTrainingAfterTheStepItAcceptsAndLogsThatStep() {
        NDArray[] train = blobs(64, 1);
        int[] afterStepCalls = {0};
        TrainingRun run = Fit.of(mlp(1)).data(train[0], train[1], 8).steps(50).logEvery(10)
                .afterStep(step -> afterStepCalls[0]++).stopWhen(step -> step == 13).quiet().run();
        assertEquals(13, run.steps());
        assertEquals(13, afterStepCalls[0]);
        Table h = run.history();
        assertArrayEquals(new int[] {10, 13}, h.intColumn("step").asIntArray());
    }

    @Test
    void aCustomStepsBackwardPassesAddUpBeforeTheOneUpdate() {
        NDArray[] train = blobs(64, 1);
        CrossEntropy crossEntropy = new CrossEntropy();
        Mlp twice = mlp(2);
        double[] losses = Fit.of(twice).data(train[0], train[1], 16).optimizer(Optimizer.sgd(0.05)).steps(5)
                .logEvery(1).quiet()
                .step((batch, backward) -> {
                    for (int pass = 0; pass < 2; pass++) {
                        backward.backward(crossEntropy.apply(twice.logits(batch.inputs()), batch.targets()));
                    }
                    return 0.5;
                })
                .run().history().doubleColumn("train_loss").asDoubleArray();
        Mlp once = mlp(2);
        Fit.of(once).data(train[0], train[1], 16).optimizer(Optimizer.sgd(0.1)).steps(5).quiet().run();
        for (String name : once.parameterNames()) {
            // two equal gradients at lr 0.05 move a weight exactly as one gradient at lr 0.1 (doubling is exact)
            assertArrayEquals(once.parameter(name).toFloatArray(), twice.parameter(name).toFloatArray(), 0f, name);
        }
        assertArrayEquals(new double[] {0.5, 0.5, 0.5, 0.5, 0.5}, losses, 0.0, "the step's own loss is reported");
    }

    @Test
    void aParameterNoPassHasUsedIsNotUpdated() {
        NDArray[] train = blobs(32, 1);
        Mlp model = mlp(3);
        float[] hidden = model.parameter("layers.0.linear.weight").toFloatArray();
        float[] bias = model.parameter("readout.bias").toFloatArray();
        Fit.of(model).data(train[0], train[1], 8).optimizer(Optimizer.adam(0.1)).steps(3).quiet()
                .step((batch, backward) -> {
                    NDArray loss = model.parameter("readout.bias").square().sum();
                    backward.backward(loss);
                    return loss.toFloatArray()[0];
                })
                .run();
        assertArrayEquals(hidden, model.parameter("layers.0.linear.weight").toFloatArray(), 0f);
        assertFalse(Arrays.equals(bias, model.parameter("readout.bias").toFloatArray()), "the used bias moved");
    }

    @Test
    void missingSetUpIsReportedWithTheFix() {
        assertThrows(IllegalArgumentException.class, () -> Fit.of(new Mlp(2, 0, 0, 1, Nonlinearity.RELU)));
        IllegalStateException noData = assertThrows(IllegalStateException.class, () -> Fit.of(mlp(1)).steps(5).run());
        assertTrue(noData.getMessage().contains("data("), noData.getMessage());
        NDArray[] train = blobs(16, 1);
        IllegalStateException noBudget = assertThrows(IllegalStateException.class,
                () -> Fit.of(mlp(1)).data(train[0], train[1], 4).run());
        assertTrue(noBudget.getMessage().contains("steps("), noBudget.getMessage());
    }
}
