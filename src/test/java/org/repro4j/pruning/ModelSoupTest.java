package org.repro4j.pruning;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.models.Maskable;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import org.repro4j.models.WeightSnapshot;
import org.repro4j.train.Fit;
import org.repro4j.train.Optimizer;

class ModelSoupTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    private Mlp mlp(int width) {
        return new Mlp(10, 1, width, 3, Nonlinearity.RELU).initialize(manager, 8);
    }

    /** Three copies of one pruned model retrained with different batch orders, the recipe of Sparse Model Soups. */
    private List<WeightSnapshot> retrainedCopies(Mlp model, ParamMask mask) {
        manager.getEngine().setRandomSeed(4);
        NDArray x = manager.randomNormal(new Shape(96, 10));
        NDArray y = manager.randomInteger(0, 3, new Shape(96), DataType.INT64);
        List<WeightSnapshot> copies = new ArrayList<>();
        try (ParamMask.Applied pruned = mask.prune(model)) {
            WeightSnapshot start = WeightSnapshot.of(model);
            for (int seed = 0; seed < 3; seed++) {
                start.restore(model);
                Fit.of(model).data(x, y, 16).optimizer(Optimizer.adam(1e-2)).steps(30).seed(seed).quiet().run();
                copies.add(WeightSnapshot.of(model));
            }
        }
        return copies;
    }

    @Test
    void theSoupOfIdenticalModelsIsTheModel() {
        Mlp model = mlp(8);
        ParamMask mask = MagnitudePruning.prune(model, 0.6, ComparisonGroup.LAYER);
        WeightSnapshot trained = retrainedCopies(model, mask).get(0);
        WeightSnapshot soup = ModelSoup.uniform(List.of(trained, trained, trained), mask);
        for (String name : trained.names()) {
            assertArrayEquals(trained.values(name), soup.values(name), 0f, name);
        }
        ModelSoup.Greedy greedy = ModelSoup.greedy(model, List.of(trained, trained), mask, m -> 1.0);
        assertEquals(List.of(0, 1), greedy.ingredients(), "an equal score does not reject an ingredient");
        for (String name : trained.names()) {
            assertArrayEquals(trained.values(name), model.parameter(name).toFloatArray(), 0f, name);
        }
    }

    @Test
    void aUniformSoupOfModelsSharingAMaskIsTheirMeanAndKeepsTheMasksSparsity() {
        Mlp model = mlp(8);
        ParamMask mask = MagnitudePruning.prune(model, 0.75, ComparisonGroup.GLOBAL);
        List<WeightSnapshot> copies = retrainedCopies(model, mask);
        WeightSnapshot soup = ModelSoup.uniform(copies, mask);
        float[] a = copies.get(0).values("layers.0.linear.weight");
        float[] b = copies.get(1).values("layers.0.linear.weight");
        float[] c = copies.get(2).values("layers.0.linear.weight");
        float[] mean = soup.values("layers.0.linear.weight");
        for (int i = 0; i < mean.length; i++) {
            assertEquals((a[i] + (double) b[i] + c[i]) / 3, mean[i], 1e-7);
        }
        soup.restore(model);
        ParamMask support = ParamMask.support(model);
        assertEquals(mask.kept(), support.kept(), "nnz(soup) = nnz(mask)");
        assertEquals(mask.kept(), support.overlap(mask));
    }

    @Test
    void theGreedySoupAddsIngredientsFromBestToWorstWhileHeldOutAccuracyDoesNotDrop() {
        Mlp model = new Mlp(2, 0, 0, 1, Nonlinearity.RELU).initialize(manager, 1);
        float[] target = {1, 2};
        List<WeightSnapshot> ingredients = new ArrayList<>();
        for (float[] w : new float[][] {{1.5f, 2.5f}, {0.5f, 1.5f}, {6, 7}}) {
            model.parameter("readout.weight").set(w);
            ingredients.add(WeightSnapshot.of(model));
        }
        // accuracy stand-in: closeness to the target weights; the first two average exactly onto it
        ModelSoup.Greedy greedy = ModelSoup.greedy(model, ingredients, ParamMask.ones(model), m -> {
            float[] w = m.parameter("readout.weight").toFloatArray();
            return -((w[0] - target[0]) * (w[0] - target[0]) + (w[1] - target[1]) * (w[1] - target[1]));
        });
        assertEquals(List.of(0, 1), greedy.ingredients());
        assertEquals(0, greedy.heldOutAccuracy(), 1e-12);
        assertArrayEquals(new double[] {-0.5, -0.5, -50}, greedy.individualAccuracies(), 1e-6);
        assertArrayEquals(target, model.parameter("readout.weight").toFloatArray(), 0f, "the model holds the soup");
    }

    @Test
    void averagingModelsWithDifferentMasksOrArchitecturesIsRejectedNamingTheParameter() {
        Mlp model = mlp(8);
        ParamMask global = MagnitudePruning.prune(model, 0.5, ComparisonGroup.GLOBAL);
        ParamMask other = MagnitudePruning.prune(model, 0.5, ComparisonGroup.OUTPUT);
        WeightSnapshot a = retrainedCopies(model, global).get(0);
        WeightSnapshot b = retrainedCopies(model, other).get(0);
        IllegalArgumentException masks = assertThrows(IllegalArgumentException.class,
                () -> ModelSoup.uniform(List.of(a, b), global));
        assertTrue(masks.getMessage().contains("ingredient 1") && masks.getMessage().contains(".weight")
                && masks.getMessage().contains("share one mask"), masks.getMessage());
        WeightSnapshot wide = WeightSnapshot.of(mlp(9));
        IllegalArgumentException architectures = assertThrows(IllegalArgumentException.class,
                () -> ModelSoup.uniform(List.of(a, wide), global));
        assertTrue(architectures.getMessage().contains("layers.0.linear.weight")
                && architectures.getMessage().contains("ingredient 1"), architectures.getMessage());
        IllegalArgumentException average = assertThrows(IllegalArgumentException.class,
                () -> WeightSnapshot.average(List.of(a, wide)));
        assertTrue(average.getMessage().contains("layers.0.linear.weight"), average.getMessage());
        Maskable narrow = mlp(8);
        IllegalArgumentException restore = assertThrows(IllegalArgumentException.class, () -> wide.restore(narrow));
        assertTrue(restore.getMessage().contains("layers.0.linear.weight"), restore.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WeightSnapshot.average(List.of()));
        assertThrows(IllegalArgumentException.class, () -> ModelSoup.greedy(model, List.of(), global, m -> 0));
    }
}
