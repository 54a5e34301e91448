package org.repro4j.pruning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import org.repro4j.models.SmallCnn;
import tech.tablesaw.api.Table;

class SparsityReportTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void countsNonZerosPerLayerAndInTotalWithFlopsScaledByDensity() {
        Mlp mlp = new Mlp(4, 1, 3, 2, Nonlinearity.RELU).initialize(manager, 1);
        mlp.parameter("layers.0.linear.weight").set(new float[] {1, 0, 0, 2, 0, 3, 0, 0, 4, 0, 0, 5});
        SparsityReport report = SparsityReport.of(mlp);
        assertEquals(5, report.layer("layers.0.linear.weight").nonzeros());
        assertEquals(6, report.layer("readout.weight").nonzeros());
        assertEquals(18, report.size());
        assertEquals(11, report.nonzeros());
        assertEquals(7.0 / 18, report.sparsity(), 1e-12);
        assertEquals(2 * 18, report.denseFlops());
        assertEquals(2 * 11, report.sparseFlops());
        Table table = report.table();
        assertEquals(List.of("parameter", "shape", "size", "nonzeros", "sparsity", "dense_flops", "sparse_flops"),
                table.columnNames());
        assertEquals(List.of("layers.0.linear.weight", "readout.weight", "total"),
                table.stringColumn("parameter").asList());
        assertEquals(11L, table.longColumn("nonzeros").get(2));
    }

    @Test
    void aConvolutionCostsItsWeightsOncePerOutputPixelAndAnAppliedMaskCounts() {
        SmallCnn cnn = new SmallCnn(10, false, 2).initialize(manager, 1);
        SparsityReport dense = SparsityReport.of(cnn);
        // conv [2, 1, 3, 3] at 28·28 pixels; read-out [10, 2·14·14] once
        assertEquals(2L * 18 * 784 + 2L * 3920, dense.denseFlops());
        assertEquals(dense.denseFlops(), dense.sparseFlops());
        ParamMask oneFilter = ParamMask.ones(cnn).withSlicesRemoved("layers.0.conv.weight", 0, 1);
        SparsityReport masked = oneFilter.runWith(cnn, () -> SparsityReport.of(cnn));
        assertEquals(9, masked.layer("layers.0.conv.weight").nonzeros());
        assertEquals(2L * 9 * 784 + 2L * 3920, masked.sparseFlops());
        assertEquals(0.5, masked.layer("layers.0.conv.weight").sparsity(), 1e-12);
    }
}
