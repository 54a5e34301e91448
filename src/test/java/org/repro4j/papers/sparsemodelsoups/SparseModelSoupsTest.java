package org.repro4j.papers.sparsemodelsoups;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.repro4j.analysis.Metrics;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import org.repro4j.models.WeightSnapshot;
import org.repro4j.pruning.ComparisonGroup;
import org.repro4j.pruning.IterativeMagnitudePruning;
import org.repro4j.pruning.ParamMask;
import org.repro4j.train.Fit;
import org.repro4j.train.Optimizer;

class SparseModelSoupsTest {

    private static final List<Double> SPARSITIES = List.of(0.5, 0.75, 0.875);
    private final NDManager manager = NDManager.newBaseManager();
    private NDArray x;
    private NDArray y;

    @BeforeEach
    void data() {
        manager.getEngine().setRandomSeed(4);
        x = manager.randomNormal(new Shape(96, 10));
        y = manager.randomInteger(0, 3, new Shape(96), DataType.INT64);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private Mlp trainedMlp() {
        Mlp mlp = new Mlp(10, 2, 16, 3, Nonlinearity.RELU).initialize(manager, 8);
        Fit.of(mlp).data(x, y, 16).optimizer(Optimizer.adam(1e-2)).steps(40).seed(1).quiet().run();
        return mlp;
    }

    /** Copies differ in batch order (the seed), as in the paper's main setting. */
    private SparseModelSoups.Retrain batchOrders(Mlp mlp) {
        return (phase, copy, mask) -> Fit.of(mlp).data(x, y, 16).optimizer(Optimizer.sgd(0.05, 0.9, 1e-4))
                .steps(30).seed(100L * phase + copy).quiet().run();
    }

    @Test
    void everySoupHasExactlyTheNonzerosOfItsMask() {
        Mlp mlp = trainedMlp();
        List<SparseModelSoups.Phase> phases = SparseModelSoups.run(mlp, SPARSITIES, 3, ComparisonGroup.GLOBAL,
                SparseModelSoups.Recipe.uniform(), batchOrders(mlp));
        assertEquals(3, phases.size());
        for (SparseModelSoups.Phase phase : phases) {
            assertEquals(phase.mask().kept(), SparseModelSoups.nonzeros(phase.soup(), phase.mask()));
            assertEquals(phase.sparsity(), phase.mask().sparsity(), 0.01);
            for (WeightSnapshot copy : phase.copies()) {
                assertEquals(phase.mask().kept(), SparseModelSoups.nonzeros(copy, phase.mask()));
            }
        }
        assertEquals(phases.get(2).mask().kept(), SparseModelSoups.nonzeros(WeightSnapshot.of(mlp),
                phases.get(2).mask()), "the model ends holding the last soup");
    }

    @Test
    void theUniformSoupIsTheMeanOfTheCopiesAndTheCopiesDiffer() {
        Mlp mlp = trainedMlp();
        SparseModelSoups.Phase phase = SparseModelSoups.run(mlp, List.of(0.5), 3, ComparisonGroup.GLOBAL,
                SparseModelSoups.Recipe.uniform(), batchOrders(mlp)).get(0);
        String name = "layers.1.linear.weight";
        float[] a = phase.copies().get(0).values(name);
        float[] b = phase.copies().get(1).values(name);
        float[] c = phase.copies().get(2).values(name);
        float[] soup = phase.soup().values(name);
        double gap = 0;
        for (int k = 0; k < soup.length; k++) {
            assertEquals((a[k] + (double) b[k] + c[k]) / 3, soup[k], 1e-6);
            gap = Math.max(gap, Math.abs(a[k] - b[k]));
        }
        assertTrue(gap > 1e-3, "different batch orders give different copies");
    }

    @Test
    void eachPhaseStartsFromThePreviousSoupPrunedFurther() {
        Mlp mlp = trainedMlp();
        List<SparseModelSoups.Phase> phases = SparseModelSoups.run(mlp, SPARSITIES, 2, ComparisonGroup.GLOBAL,
                SparseModelSoups.Recipe.uniform(), batchOrders(mlp));
        for (int k = 1; k < phases.size(); k++) {
            ParamMask mask = phases.get(k).mask();
            for (String name : mask.names()) {
                float[] soup = phases.get(k - 1).soup().values(name);
                float[] start = phases.get(k).start().values(name);
                for (int i = 0; i < soup.length; i++) {
                    assertEquals(mask.isKept(name, i) ? soup[i] : 0f, start[i], 0f, name + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void withOneCopyItIsPlainImpBitForBit() {
        Mlp sms = trainedMlp();
        SparseModelSoups.run(sms, SPARSITIES, 1, ComparisonGroup.GLOBAL, SparseModelSoups.Recipe.uniform(),
                batchOrders(sms));
        Mlp imp = trainedMlp();
        SparseModelSoups.Retrain retrain = batchOrders(imp);
        IterativeMagnitudePruning.withContinuedTraining(imp, SPARSITIES, ComparisonGroup.GLOBAL,
                (phase, mask) -> retrain.retrain(phase, 0, mask));
        for (String name : sms.parameterNames()) {
            assertArrayEquals(imp.parameter(name).toFloatArray(), sms.parameter(name).toFloatArray(), 0f, name);
        }
    }

    @Test
    void aSoupThatLosesTheMasksConnectivityIsRejectedNamingTheParameter() {
        Mlp mlp = trainedMlp();
        WeightSnapshot dense = WeightSnapshot.of(mlp);
        List<Integer> calls = new ArrayList<>();
        SparseModelSoups.Recipe denseRecipe = (model, copies, mask) -> {
            calls.add(copies.size());
            return dense;
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SparseModelSoups.run(mlp,
                List.of(0.5), 2, ComparisonGroup.GLOBAL, denseRecipe, batchOrders(mlp)));
        assertTrue(e.getMessage().contains("layers.0.linear.weight"), e.getMessage());
        assertEquals(List.of(2), calls);
    }

    @Test
    void fewerThanOneCopyIsRejected() {
        Mlp mlp = trainedMlp();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparseModelSoups.run(mlp,
                SPARSITIES, 0, ComparisonGroup.GLOBAL, SparseModelSoups.Recipe.uniform(), batchOrders(mlp)));
        assertTrue(e.getMessage().contains("m = 0"), e.getMessage());
    }

    @Test
    void theGreedyRecipeNeverScoresBelowItsBestCopy() {
        Mlp mlp = trainedMlp();
        List<Double> scores = new ArrayList<>();
        SparseModelSoups.Recipe greedy = SparseModelSoups.Recipe.greedy(m -> {
            double score = -lossOn(mlp);
            scores.add(score);
            return score;
        });
        SparseModelSoups.run(mlp, List.of(0.5), 3, ComparisonGroup.GLOBAL, greedy, batchOrders(mlp));
        double bestCopy = scores.subList(0, 3).stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertTrue(-lossOn(mlp) >= bestCopy, "the greedy soup starts from the best copy and only adds on gains");
    }

    @Test
    void scoresMeasureEveryCopyAndSoupAndLeaveTheModelHoldingTheLastSoup() {
        Mlp mlp = trainedMlp();
        List<SparseModelSoups.Phase> phases = SparseModelSoups.run(mlp, SPARSITIES, 3, ComparisonGroup.GLOBAL,
                SparseModelSoups.Recipe.uniform(), batchOrders(mlp));
        String name = "readout.bias";
        Map<String, List<SparseModelSoups.Scores>> both = SparseModelSoups.score(mlp, phases, Map.of(
                "bias", m -> m.parameter(name).toFloatArray()[0],
                "minus bias", m -> -m.parameter(name).toFloatArray()[0]));
        List<SparseModelSoups.Scores> scores = both.get("bias");
        assertEquals(-scores.get(1).soup(), both.get("minus bias").get(1).soup());
        for (int k = 0; k < phases.size(); k++) {
            SparseModelSoups.Scores s = scores.get(k);
            assertEquals(phases.get(k).sparsity(), s.sparsity());
            double best = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (int i = 0; i < 3; i++) {
                double v = phases.get(k).copies().get(i).values(name)[0];
                assertEquals(v, s.copies()[i]);
                best = Math.max(best, v);
                sum += v;
            }
            assertEquals(best, s.best());
            assertEquals(sum / 3, s.mean(), 1e-7);
            assertEquals(sum / 3, s.soup(), 1e-6, "a bias's soup is the mean of the copies' biases");
        }
        assertArrayEquals(phases.get(2).soup().values(name), mlp.parameter(name).toFloatArray(), 0f);
    }

    @Test
    void interpolationReachesBothEndsAndItsMidpointIsTheSoupOfTwo() {
        Mlp mlp = trainedMlp();
        SparseModelSoups.Phase phase = SparseModelSoups.run(mlp, List.of(0.5), 2, ComparisonGroup.GLOBAL,
                SparseModelSoups.Recipe.uniform(), batchOrders(mlp)).get(0);
        WeightSnapshot a = phase.copies().get(0);
        WeightSnapshot b = phase.copies().get(1);
        for (double t : new double[] {0, 0.5, 1}) {
            SparseModelSoups.interpolate(mlp, a, b, t);
            WeightSnapshot expected = t == 0 ? a : t == 1 ? b : phase.soup();
            for (String name : a.names()) {
                assertArrayEquals(expected.values(name), mlp.parameter(name).toFloatArray(), 1e-7f, name + " t=" + t);
            }
        }
    }

    @Test
    void runsOnAThreadOtherThanTheEnginesAsInTheNotebookKernel() throws Throwable {
        Mlp mlp = trainedMlp();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread cell = new Thread(() -> {
            try {
                SparseModelSoups.run(mlp, SPARSITIES, 2, ComparisonGroup.GLOBAL, SparseModelSoups.Recipe.uniform(),
                        batchOrders(mlp));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        cell.start();
        cell.join();
        if (thrown.get() != null) {
            throw thrown.get();
        }
    }

    private double lossOn(Mlp mlp) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray logits = mlp.logits(x);
            logits.attach(scope);
            return Metrics.nll(logits, y);
        }
    }
}
