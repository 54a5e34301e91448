package org.repro4j.nas;

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
import org.knowm.xchart.XYChart;
import org.repro4j.analysis.Metrics;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import tech.tablesaw.api.Table;

class SizeAccuracyTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void aRowPerSubModelWithItsSizeAndItsMetricInTheSharedWeights() {
        manager.getEngine().setRandomSeed(2);
        // 2500 examples: evaluated in batches of 1000, concatenated
        NDArray x = manager.randomNormal(new Shape(2500, 6));
        NDArray y = manager.randomInteger(0, 3, new Shape(2500), DataType.INT64);
        ElasticMlp supernet = ElasticMlp.of(new Mlp(6, 2, 8, 3, Nonlinearity.RELU).initialize(manager, 1));
        List<SubModel> subModels = List.of(SubModel.of(2), SubModel.of(8, 4), supernet.largest());
        Table table = SizeAccuracy.of(supernet, subModels, x, y, "accuracy", Metrics::accuracy);
        assertEquals(List.of("sub_model", "depth", "parameters", "flops", "accuracy"), table.columnNames());
        assertEquals(List.of("2", "8-4", "8-8"), table.stringColumn("sub_model").asList());
        for (int row = 0; row < subModels.size(); row++) {
            SubModel s = subModels.get(row);
            assertEquals(supernet.flops(s), table.longColumn("flops").getLong(row));
            assertEquals(supernet.parameters(s), table.longColumn("parameters").getLong(row));
            assertEquals(Metrics.accuracy(supernet.logits(x, s), y), table.doubleColumn("accuracy").getDouble(row),
                    1e-12);
        }
        Mlp standalone = supernet.extract(SubModel.of(8, 4), manager);
        Table alone = SizeAccuracy.ofModels(List.of(standalone, supernet.supernet()), x, y, "accuracy",
                Metrics::accuracy);
        assertEquals(List.of("8-4", "8-8"), alone.stringColumn("sub_model").asList());
        // the extracted copy and the full model score as their rows in the shared weights
        assertEquals(table.doubleColumn("accuracy").getDouble(1), alone.doubleColumn("accuracy").getDouble(0), 1e-3);
        assertEquals(table.doubleColumn("accuracy").getDouble(2), alone.doubleColumn("accuracy").getDouble(1), 0);
        XYChart chart = SizeAccuracy.plot("toy", table, alone, "accuracy");
        assertEquals(3, chart.getSeriesMap().get("sub-models (shared weights)").getXData().length);
        assertEquals(2, chart.getSeriesMap().get("standalone models").getXData().length);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SizeAccuracy.plot("toy", table, alone, "nll"));
        assertTrue(e.getMessage().contains("no column 'nll'"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SizeAccuracy.ofModels(List.of(), x, y, "accuracy", Metrics::accuracy));
    }
}
