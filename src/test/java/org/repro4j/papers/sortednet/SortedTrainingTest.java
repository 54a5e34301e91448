package org.repro4j.papers.sortednet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.analysis.Metrics;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import org.repro4j.nas.ElasticMlp;
import org.repro4j.nas.SubModel;
import org.repro4j.nas.SubModelSpace;
import org.repro4j.nas.SupernetTraining;
import org.repro4j.train.Fit;
import org.repro4j.train.Optimizer;

class SortedTrainingTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    private ElasticMlp supernet(int input, int width, int outputs) {
        return ElasticMlp.of(new Mlp(input, 3, width, outputs, Nonlinearity.RELU).initialize(manager, 1));
    }

    @Test
    void budgetMatchedAccumulationDividesTheFullModelsFlopsByTheMeanSubModels() {
        // the notebook's grid: mean FLOPs 454 733 per example, the full model's 1 861 632, ratio 4.09
        SubModelSpace grid = SubModelSpace.uniformWidths(supernet(784, 512, 10), new int[] {1, 2, 3},
                new int[] {32, 64, 128, 256, 512});
        assertEquals(4, SortedTraining.budgetMatchedAccumulation(grid));
        // one sub-model: its own cost, one draw per update
        ElasticMlp small = supernet(6, 8, 3);
        assertEquals(1, SortedTraining.budgetMatchedAccumulation(SubModelSpace.of(small, List.of(small.largest()))));
        // two sub-models of nearly equal cost: the mean is close to the largest, still at least 1
        SubModelSpace pair = SubModelSpace.of(small, List.of(SubModel.of(8, 8, 7), small.largest()));
        assertEquals(1, SortedTraining.budgetMatchedAccumulation(pair));
    }

    @Test
    void everyUpdateAccumulatesGAccUniformDrawsAndTeachesEverySubModel() {
        manager.getEngine().setRandomSeed(3);
        NDArray y = manager.randomInteger(0, 2, new Shape(256), DataType.INT64);
        NDArray x = manager.randomNormal(new Shape(256, 6)).add(y.toType(DataType.FLOAT32, false).mul(4).sub(2)
                .expandDims(1));
        ElasticMlp supernet = supernet(6, 16, 2);
        SubModelSpace space = SubModelSpace.uniformWidths(supernet, new int[] {1, 2, 3}, new int[] {4, 8, 16});
        SupernetTraining sorted = SortedTraining.of(space, 3).seed(5);
        Fit.of(supernet.supernet()).data(x, y, 32).optimizer(Optimizer.adam(1e-2)).steps(80).step(sorted).quiet()
                .run();
        long total = sorted.timesTrained().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(80L * 3, total);
        for (SubModel s : space.subModels()) {
            long times = sorted.timesTrained().get(s);
            // 240 uniform draws over 9 sub-models: 26.7 expected each
            assertTrue(times >= 10 && times <= 50, s + " trained " + times + " times");
            assertTrue(Metrics.accuracy(supernet.logits(x, s), y) > 0.95, s.toString());
        }
    }

    @Test
    void anAccumulationBelowOneIsRefused() {
        ElasticMlp small = supernet(6, 8, 3);
        SubModelSpace space = SubModelSpace.uniformWidths(small, new int[] {1, 2}, new int[] {4, 8});
        assertThrows(IllegalArgumentException.class, () -> SortedTraining.of(space, 0));
    }
}
