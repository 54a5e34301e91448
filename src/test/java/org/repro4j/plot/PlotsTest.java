package org.repro4j.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

class PlotsTest {

    private static final double NAN = Double.NaN;

    private static BufferedImage render(Chart<?, ?> chart) {
        BufferedImage image = BitmapEncoder.getBufferedImage(chart);
        assertEquals(Plots.WIDTH, image.getWidth());
        assertEquals(Plots.HEIGHT, image.getHeight());
        return image;
    }

    private static Table history(int[] steps, double[] loss, double[] accuracy) {
        return Table.create("history", IntColumn.create("step", steps), DoubleColumn.create("train_loss", loss),
                DoubleColumn.create("test_accuracy", accuracy));
    }

    @Test
    void historySkipsNanRowsPerColumn() {
        Table h = history(new int[] {1, 2, 3, 4}, new double[] {2.0, 1.5, NAN, 0.9}, new double[] {NAN, 0.6, NAN, 0.8});
        XYChart chart = Plots.history(h, "train_loss", "test_accuracy");
        render(chart);
        assertArrayEquals(new double[] {1, 2, 4}, chart.getSeriesMap().get("train_loss").getXData());
        assertArrayEquals(new double[] {0.6, 0.8}, chart.getSeriesMap().get("test_accuracy").getYData());
    }

    @Test
    void aHistoryChartBeforeTheFirstStepDrawsEmpty() {
        Table empty = history(new int[0], new double[0], new double[0]);
        XYChart chart = Plots.history(empty, true, "train_loss", "test_accuracy");
        render(chart);
        assertTrue(chart.getSeriesMap().isEmpty());
        assertTrue(chart.getTitle().endsWith("(no data yet)"));
        // a column with no value yet is left out while the others are drawn
        XYChart partial = Plots.history(history(new int[] {1}, new double[] {2.0}, new double[] {NAN}), "train_loss", "test_accuracy");
        render(partial);
        assertEquals(List.of("train_loss"), List.copyOf(partial.getSeriesMap().keySet()));
    }

    @Test
    void aLogStepAxisLeavesOutStepZero() {
        XYChart chart = Plots.history(history(new int[] {0, 10, 100}, new double[] {3, 2, 1}, new double[] {0, 0, 0}), true, "train_loss");
        render(chart);
        assertArrayEquals(new double[] {10, 100}, chart.getSeriesMap().get("train_loss").getXData());
    }

    @Test
    void unknownColumnsNameTheColumnsThatExist() {
        Table h = history(new int[] {1}, new double[] {1}, new double[] {1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Plots.history(h, "test_loss"));
        assertTrue(e.getMessage().contains("test_accuracy"), e.getMessage());
    }

    @Test
    void linesWithInfinityAndNullFreeSeriesRender() {
        XYChart chart = Plots.lines("bias vs steps", "step", "bias", new double[] {1, 10, 100},
                Map.of("relu", new double[] {0.1, Double.POSITIVE_INFINITY, 0.3}, "empty", new double[] {NAN, NAN, NAN}), true);
        render(chart);
        assertEquals(2, chart.getSeriesMap().get("relu").getXData().length);
        assertEquals(1, chart.getSeriesMap().size());
    }

    @Test
    void confusionMatrixHeatMapCarriesTheCounts() {
        int[][] matrix = {{5, 1}, {2, 7}};
        HeatMapChart chart = Plots.confusionMatrix(matrix, List.of("shirt", "coat"));
        render(chart);
        List<Number[]> cells = new java.util.ArrayList<>(chart.getSeriesMap().get("confusion matrix").getHeatData());
        assertEquals(4, cells.size());
        // (predicted 0, true 1) holds 2
        assertTrue(cells.stream().anyMatch(c -> c[0].intValue() == 0 && c[1].intValue() == 1 && c[2].doubleValue() == 2));
        assertEquals("predicted", chart.getXAxisTitle());
    }

    @Test
    void heatMapsWithNanCellsOrNoFiniteCellRender() {
        HeatMapChart some = Plots.heatMap("bias", new double[][] {{NAN, 0.2}, {0.3, 0.4}}, List.of("a", "b"), List.of("x", "y"));
        render(some);
        assertEquals(3, some.getSeriesMap().get("bias").getHeatData().size());
        HeatMapChart none = Plots.heatMap("bias", new double[][] {{NAN}}, List.of("a"), List.of("x"));
        render(none);
        assertTrue(none.getTitle().endsWith("(no data yet)"));
    }

    @Test
    void barChartsRenderWithNanBarsAndWithNoBarsAtAll() {
        CategoryChart chart = Plots.bar("accuracy", "accuracy", List.of("linear", "relu", "tanh"), new double[] {0.7, NAN, 0.9});
        render(chart);
        assertEquals(3, chart.getSeriesMap().get("accuracy").getXData().size());
        render(Plots.bar("accuracy", "accuracy", List.of(), new double[0]));
        render(Plots.bar("accuracy", "accuracy", List.of("a"), new double[] {NAN}));
    }

    @Test
    void histogramCountsEachValueOnceAndSpansTheMarkers() {
        XYChart chart = Plots.histogram("null", "overlap", new double[] {0, 0.1, 0.1, 0.35, NAN}, 4,
                Map.of("observed", 0.8));
        render(chart);
        double[] x = chart.getSeriesMap().get("sample").getXData();
        double[] y = chart.getSeriesMap().get("sample").getYData();
        assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8}, x, 1e-12);
        assertArrayEquals(new double[] {3, 1, 0, 0, 0}, y, 0);
        assertArrayEquals(new double[] {0.8, 0.8}, chart.getSeriesMap().get("observed").getXData(), 0);
        render(Plots.histogram("null", "overlap", new double[0], 10, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> Plots.histogram("h", "x", new double[] {1}, 0, Map.of()));
    }

    @Test
    void scatterDropsNonFinitePairsAndDrawsEmpty() {
        XYChart chart = Plots.scatter("surprisal", "bigram", "subnetwork", new double[] {1, 2, NAN}, new double[] {1, NAN, 3});
        render(chart);
        assertArrayEquals(new double[] {1}, chart.getSeriesMap().values().iterator().next().getXData());
        render(Plots.scatter("surprisal", "bigram", "subnetwork", new double[0], new double[0]));
    }

    @Test
    void pointsAndLinesDrawMarkersAndSortedLinesOnALogAxis() {
        XYChart chart = Plots.pointsAndLines("accuracy by size", "FLOPs per example", "accuracy",
                Map.of("sub-models", new double[][] {{100, 400, 0, NAN}, {0.80, 0.90, 0.5, 0.7}}),
                Map.of("standalone", new double[][] {{400, 100}, {0.91, 0.82}}), true);
        render(chart);
        assertArrayEquals(new double[] {100, 400}, chart.getSeriesMap().get("sub-models").getXData(),
                "x = 0 is left out on a log axis, and NaN everywhere");
        assertArrayEquals(new double[] {0.82, 0.91}, chart.getSeriesMap().get("standalone").getYData(),
                "the line runs in ascending x");
        XYChart empty = Plots.pointsAndLines("t", "x", "y", Map.of(), Map.of(), false);
        render(empty);
        assertTrue(empty.getTitle().endsWith("(no data yet)"));
        assertThrows(IllegalArgumentException.class, () -> Plots.pointsAndLines("t", "x", "y",
                Map.of("bad", new double[][] {{1, 2}, {1}}), Map.of(), false));
    }

    @Test
    void decisionBoundariesSplitPointsByLabelAndDrawEachBoundary() {
        XYChart chart = Plots.decisionBoundaries("surface", "z_s", "z_c",
                new double[] {0, 1, 2, NAN}, new double[] {0, 1, 2, 3}, new float[] {1, -1, 1, -1},
                Map.of("Bayes", new double[][] {{-1, 0, 1}, {1, 0, -1}},
                        "model", new double[][] {{-1, 0, 1}, {NAN, 0, 2}}));
        render(chart);
        assertArrayEquals(new double[] {0, 2}, chart.getSeriesMap().get("y = +1").getXData());
        assertArrayEquals(new double[] {1}, chart.getSeriesMap().get("y = −1").getXData());
        assertArrayEquals(new double[] {1, 0, -1}, chart.getSeriesMap().get("Bayes").getYData());
        assertArrayEquals(new double[] {0, 1}, chart.getSeriesMap().get("model").getXData());
        render(Plots.decisionBoundaries("empty", "z_s", "z_c", new double[0], new double[0], new float[0], Map.of()));
        assertThrows(IllegalArgumentException.class, () -> Plots.decisionBoundaries("t", "x", "y",
                new double[] {0}, new double[] {0}, new float[0], Map.of()));
        assertThrows(IllegalArgumentException.class, () -> Plots.decisionBoundaries("t", "x", "y",
                new double[0], new double[0], new float[0], Map.of("line", new double[][] {{0, 1}, {0}})));
    }

    @Test
    void imageGridPlacesEachImageScaledWithItsCaption() {
        float[][] images = new float[3][784];
        java.util.Arrays.fill(images[1], 1f); // the second image is white
        images[2][0] = 255f; // a value above 1 switches the whole grid to the 0–255 range
        BufferedImage grid = Plots.imageGrid(images, List.of("T-shirt", "Trouser", "Bag"), 2);
        // 2 columns × (28·3 + 4) + 4 wide; 2 rows × (28·3 + 16 + 4) + 4 high
        assertEquals(2 * 88 + 4, grid.getWidth());
        assertEquals(2 * 104 + 4, grid.getHeight());
        int white = 0xFFFFFF;
        int black = 0x000000;
        assertEquals(black, grid.getRGB(4 + 40, 4 + 40) & 0xFFFFFF); // first image: zeros
        // second image: value 1 on the 0–255 scale is nearly black; with no value above 1 it would be white
        assertEquals(1, grid.getRGB(88 + 4 + 40, 4 + 40) & 0xFF);
        assertEquals(white, grid.getRGB(4, 104 + 4) & 0xFFFFFF); // top-left pixel of the third image (255)
        float[][] unit = {new float[784]};
        java.util.Arrays.fill(unit[0], 1f);
        assertEquals(white, Plots.imageGrid(unit, List.of(""), 4).getRGB(10, 10) & 0xFFFFFF);
        assertThrows(IllegalArgumentException.class, () -> Plots.imageGrid(images, List.of("one"), 2));
        Plots.imageGrid(new float[0][], List.of(), 3); // nothing to show is not an error
    }

    @Test
    void chartsHaveAWhiteBackgroundAndTheColourBlindSafePalette() {
        XYChart chart = Plots.lines("t", "step", "loss", new double[] {1, 2}, Map.of("a", new double[] {1, 2}), false);
        assertEquals(java.awt.Color.WHITE, chart.getStyler().getChartBackgroundColor());
        assertEquals(java.awt.Color.WHITE, chart.getStyler().getPlotBackgroundColor());
        assertArrayEquals(HouseStyle.PALETTE, chart.getStyler().getSeriesColors());
        BufferedImage image = render(chart);
        assertEquals(0xFFFFFF, image.getRGB(2, 2) & 0xFFFFFF, "corner pixel is white");
    }

    @Test
    void colourBarEndsAreShortDecimals() {
        HeatMapChart chart = Plots.heatMap("t", new double[][] {{0.06926993923600275, 0.4787587301465909}},
                List.of("a", "b"), List.of("r"));
        assertEquals(0.069, chart.getStyler().getMin());
        assertEquals(0.48, chart.getStyler().getMax());
        HeatMapChart tiny = Plots.heatMap("t", new double[][] {{4.183189623012306E-4, 0.6558301923419348}},
                List.of("a", "b"), List.of("r"));
        assertEquals(0.0, tiny.getStyler().getMin());
        assertEquals(0.66, tiny.getStyler().getMax());
    }

    @Test
    void niceBoundsRoundOutward() {
        assertEquals(-0.0013, HouseStyle.niceBound(-0.00125, false));
        assertEquals(1300.0, HouseStyle.niceBound(1234, true));
        assertEquals(1200.0, HouseStyle.niceBound(1234, false));
        assertEquals(0.001, HouseStyle.niceBound(0.0004, true));
        assertEquals(-0.001, HouseStyle.niceBound(-0.0004, false));
        assertEquals(0.0, HouseStyle.niceBound(-0.0004, true));
    }

    @Test
    void smallMultipleHeatMapsShareOneColourScale() {
        Map<String, double[][]> panels = new java.util.LinkedHashMap<>();
        panels.put("Q", new double[][] {{0.1, 0.2}, {0.3, 0.4}});
        panels.put("K", new double[][] {{0.5, 0.6}, {0.7, 0.9}});
        panels.put("V", new double[][] {{0.2, 0.2}, {0.2, 0.2}});
        BufferedImage figure = Plots.heatMaps("composition", panels, List.of("a", "b"), List.of("x", "y"), 2);
        BufferedImage one = BitmapEncoder.getBufferedImage(
                Plots.heatMap("Q", panels.get("Q"), List.of("a", "b"), List.of("x", "y")));
        assertTrue(figure.getWidth() > one.getWidth() / 2 * 2, "two panels side by side");
        assertTrue(figure.getHeight() > one.getHeight(), "two rows of panels under a title");
        assertThrows(IllegalArgumentException.class, () -> Plots.heatMaps("none", Map.of(), List.of(), List.of(), 2));
    }

    @Test
    void sharedYAxisSpansEveryChart() {
        XYChart low = Plots.lines("a", "x", "y", new double[] {1, 2}, Map.of("s", new double[] {0.1, 0.5}), false);
        XYChart high = Plots.lines("b", "x", "y", new double[] {1, 2}, Map.of("s", new double[] {2, 3}), false);
        Plots.shareYAxis(List.of(low, high));
        assertEquals(0.1, low.getStyler().getYAxisMin());
        assertEquals(3.0, high.getStyler().getYAxisMax());
        BufferedImage figure = Plots.grid("both", List.of(low, high), 2);
        assertEquals(2 * Plots.WIDTH, figure.getWidth());
    }
}
