package org.repro4j.papers.sortednet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import org.repro4j.nas.ElasticMlp;
import org.repro4j.nas.SubModel;
import org.repro4j.nas.SubModelSpace;

class SortedOrderTest {

    private static NDManager manager;
    private static ElasticMlp supernet;
    private static List<SubModel> grid;

    @BeforeAll
    static void supernet() {
        manager = NDManager.newBaseManager();
        supernet = ElasticMlp.of(new Mlp(100, 3, 64, 10, Nonlinearity.RELU).initialize(manager, 1));
        // ascending FLOPs: 16, 16-16, 16-16-16, 32, 32-32, 32-32-32, 64, 64-64, 64-64-64
        grid = SubModelSpace.uniformWidths(supernet, new int[] {1, 2, 3}, new int[] {16, 32, 64}).subModels();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** A metric that grows with width and, by {@code depthEffect} per layer, with depth. */
    private static double[] metric(double depthEffect) {
        return grid.stream().mapToDouble(s -> Math.log(s.width(0)) + depthEffect * s.depth()).toArray();
    }

    @Test
    void aMetricThatGrowsWithSizeIsPerfectlySortedAndCostsNothingToSelectBySize() {
        SortedOrder order = SortedOrder.of(supernet, grid, metric(0.01));
        assertEquals(1.0, order.spearman(), 1e-12);
        assertEquals(Map.of(1, 1.0, 2, 1.0, 3, 1.0), order.acrossWidths());
        assertEquals(Map.of(16, 1.0, 32, 1.0, 64, 1.0), order.acrossDepths());
        assertEquals(0.0, order.maxRegret());
    }

    @Test
    void deeperWorseAtEveryWidthShowsInTheDepthViewAndInTheRegret() {
        SortedOrder order = SortedOrder.of(supernet, grid, metric(-0.01));
        assertEquals(Map.of(1, 1.0, 2, 1.0, 3, 1.0), order.acrossWidths());
        assertEquals(Map.of(16, -1.0, 32, -1.0, 64, -1.0), order.acrossDepths());
        // within each width the one-layer sub-model is best: depth 2 loses 0.01, depth 3 loses 0.02
        double[] regrets = order.regrets();
        for (int i = 0; i < grid.size(); i++) {
            assertEquals(0.01 * (grid.get(i).depth() - 1), regrets[i], 1e-12, grid.get(i).toString());
        }
        assertEquals(0.02, order.maxRegret(), 1e-12);
        // ranks by size: width dominates, so ρ stays high but below 1
        double rho = order.spearman();
        assertTrue(rho > 0.7 && rho < 1, "ρ = " + rho);
    }

    @Test
    void theGridPlacesEachValueAtItsDepthAndWidth() {
        double[] values = grid.stream().mapToDouble(s -> 10 * s.depth() + s.width(0)).toArray();
        SortedOrder order = SortedOrder.of(supernet, grid.subList(1, grid.size()),
                Arrays.copyOfRange(values, 1, values.length));
        assertEquals(List.of(1, 2, 3), order.depths());
        assertEquals(List.of(16, 32, 64), order.widths());
        double[][] g = order.grid();
        assertTrue(Double.isNaN(g[0][0]), "16 (depth 1) was left out");
        assertArrayEquals(new double[] {36, 52, 84}, g[1], 0.0);
        assertArrayEquals(new double[] {46, 62, 94}, g[2], 0.0);
        // depth 1 keeps two widths and width 16 two depths: both views still have every group
        assertEquals(Map.of(1, 1.0, 2, 1.0, 3, 1.0), order.acrossWidths());
        assertEquals(Map.of(16, 1.0, 32, 1.0, 64, 1.0), order.acrossDepths());
    }

    @Test
    void subModelsWithLayersOfDifferentWidthsOrMismatchedValuesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> SortedOrder.of(supernet, List.of(SubModel.of(16), SubModel.of(32, 16)), new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> SortedOrder.of(supernet, grid, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class,
                () -> SortedOrder.of(supernet, List.of(SubModel.of(16)), new double[] {1}));
    }
}
