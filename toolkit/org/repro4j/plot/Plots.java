package org.repro4j.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;

/**
 * Thin XChart helpers for the charts reproductions draw: training curves, heat maps (confusion matrices), bar
 * charts, scatter plots, image grids and small multiples ({@link #heatMaps}, {@link #grid}), all in the
 * {@link HouseStyle}. The notebook kernel shows XChart charts and {@link BufferedImage}s as PNG.
 *
 * <p>Every helper copes with missing data: NaN and infinite values are left out (a line shows a gap), a series
 * with no finite point is omitted, and a chart with no data at all is drawn empty with "(no data yet)" in its
 * title instead of throwing, so a chart drawn before the first training step works.
 */
public final class Plots {

    /** Default chart size in pixels. */
    public static final int WIDTH = 640;
    public static final int HEIGHT = 400;
    private static final String NO_DATA = " (no data yet)";

    private Plots() {}

    /**
     * Training curves from a history table (see {@code TrainingRun.history()}): the {@code step} column against
     * the chosen columns.
     *
     * @param history table with a numeric {@code step} column
     * @param columns numeric columns to draw, e.g. {@code "train_loss", "test_loss"}
     * @return a line chart; rows where a column is NaN (e.g. between evaluations) are skipped for that column
     * @throws IllegalArgumentException if a column is missing or not numeric, naming the table's columns
     */
    public static XYChart history(Table history, String... columns) {
        return history(history, false, columns);
    }

    /**
     * As {@link #history(Table, String...)}, optionally with a logarithmic step axis (steps ≤ 0 are left out).
     *
     * @param logSteps whether the x axis is logarithmic
     */
    public static XYChart history(Table history, boolean logSteps, String... columns) {
        double[] steps = numeric(history, "step");
        Map<String, double[]> series = new LinkedHashMap<>();
        for (String column : columns) {
            series.put(column, numeric(history, column));
        }
        return lines(history.name(), "step", String.join(", ", columns), steps, series, logSteps);
    }

    /**
     * Several lines over a shared x.
     *
     * @param x x values, length n
     * @param series name → y values of length n
     * @param logX whether the x axis is logarithmic (x ≤ 0 left out)
     * @return the chart
     * @throws IllegalArgumentException if a series' length differs from {@code x}'s
     */
    public static XYChart lines(String title, String xLabel, String yLabel, double[] x, Map<String, double[]> series,
            boolean logX) {
        XYChart chart = xy(title, xLabel, yLabel);
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setMarkerSize(4);
        for (Map.Entry<String, double[]> s : series.entrySet()) {
            if (s.getValue().length != x.length) {
                throw new IllegalArgumentException("series '" + s.getKey() + "' has " + s.getValue().length
                        + " values for " + x.length + " x values");
            }
            double[][] points = finitePoints(x, s.getValue(), logX);
            if (points[0].length > 0) {
                chart.addSeries(s.getKey(), points[0], points[1]).setMarker(points[0].length > 50 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            }
        }
        markIfEmpty(chart.getSeriesMap().isEmpty(), chart);
        return chart;
    }

    /**
     * Points (x, y) as a scatter plot.
     *
     * @param x x values, length n
     * @param y y values, length n
     * @return the chart; pairs with a non-finite coordinate are left out
     */
    public static XYChart scatter(String title, String xLabel, String yLabel, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("scatter needs as many x as y values; got " + x.length + " and " + y.length);
        }
        XYChart chart = xy(title, xLabel, yLabel);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setMarkerSize(5);
        double[][] points = finitePoints(x, y, false);
        if (points[0].length > 0) {
            chart.addSeries(yLabel, points[0], points[1]);
        }
        markIfEmpty(points[0].length == 0, chart);
        return chart;
    }

    /**
     * Named point sets with named reference lines on one pair of axes, e.g. the sub-models of a supernet as points
     * against the line through standalone models of the same sizes, accuracy over FLOPs.
     *
     * @param points series name → {x values, y values} ({@code [2][n]}), drawn as markers only
     * @param lines series name → {x values, y values} ({@code [2][m]}), drawn as lines with markers, points joined
     *     in ascending x
     * @param logX whether the x axis is logarithmic (x ≤ 0 left out)
     * @return the chart, with a legend; pairs with a non-finite coordinate are left out, empty series omitted
     * @throws IllegalArgumentException if a series' x and y lengths differ
     */
    public static XYChart pointsAndLines(String title, String xLabel, String yLabel, Map<String, double[][]> points,
            Map<String, double[][]> lines, boolean logX) {
        XYChart chart = xy(title, xLabel, yLabel);
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setMarkerSize(6);
        for (Map.Entry<String, double[][]> s : points.entrySet()) {
            double[][] xy = finiteSeries(s.getKey(), s.getValue(), logX);
            if (xy[0].length > 0) {
                chart.addSeries(s.getKey(), xy[0], xy[1]).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            }
        }
        for (Map.Entry<String, double[][]> s : lines.entrySet()) {
            double[][] xy = finiteSeries(s.getKey(), s.getValue(), logX);
            Integer[] order = new Integer[xy[0].length];
            Arrays.setAll(order, i -> i);
            Arrays.sort(order, (a, b) -> Double.compare(xy[0][a], xy[0][b]));
            if (order.length > 0) {
                chart.addSeries(s.getKey(), Arrays.stream(order).mapToDouble(i -> xy[0][i]).toArray(),
                        Arrays.stream(order).mapToDouble(i -> xy[1][i]).toArray())
                        .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line).setMarker(SeriesMarkers.CIRCLE);
            }
        }
        markIfEmpty(chart.getSeriesMap().isEmpty(), chart);
        return chart;
    }

    private static double[][] finiteSeries(String name, double[][] xy, boolean positiveX) {
        if (xy.length != 2 || xy[0].length != xy[1].length) {
            throw new IllegalArgumentException("series '" + name + "' needs {x values, y values} of equal length; got "
                    + (xy.length == 2 ? xy[0].length + " x and " + xy[1].length + " y values" : xy.length + " rows"));
        }
        return finitePoints(xy[0], xy[1], positiveX);
    }

    /**
     * A binary classification picture: labelled points as two scatter series ("y = +1", "y = −1") and decision
     * boundaries as lines, e.g. a model's boundary against the Bayes line in latent space.
     *
     * @param x point x coordinates, length n
     * @param y point y coordinates, length n
     * @param labels point labels, length n; &gt; 0 counts as +1, anything else as −1
     * @param boundaries name → the boundary's points {x values, y values}, shape [2, m], in drawing order (as
     *     {@code DecisionSurface.boundary()} returns them)
     * @return the chart; non-finite points are left out
     * @throws IllegalArgumentException if the lengths do not match
     */
    public static XYChart decisionBoundaries(String title, String xLabel, String yLabel, double[] x, double[] y,
            float[] labels, Map<String, double[][]> boundaries) {
        if (x.length != y.length || x.length != labels.length) {
            throw new IllegalArgumentException("decision boundaries need one x, y and label per point; got "
                    + x.length + ", " + y.length + " and " + labels.length);
        }
        XYChart chart = xy(title, xLabel, yLabel);
        chart.getStyler().setMarkerSize(4);
        boolean any = false;
        for (int sign : new int[] {1, -1}) {
            int n = 0;
            double[] xs = new double[x.length];
            double[] ys = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                if ((labels[i] > 0) == (sign > 0)) {
                    xs[n] = x[i];
                    ys[n] = y[i];
                    n++;
                }
            }
            double[][] points = finitePoints(Arrays.copyOf(xs, n), Arrays.copyOf(ys, n), false);
            if (points[0].length > 0) {
                chart.addSeries(sign > 0 ? "y = +1" : "y = −1", points[0], points[1])
                        .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                any = true;
            }
        }
        for (Map.Entry<String, double[][]> line : boundaries.entrySet()) {
            double[][] xy = line.getValue();
            if (xy.length != 2 || xy[0].length != xy[1].length) {
                throw new IllegalArgumentException("boundary '" + line.getKey() + "' must be {x values, y values} of"
                        + " equal length");
            }
            double[][] points = finitePoints(xy[0], xy[1], false);
            if (points[0].length > 0) {
                chart.addSeries(line.getKey(), points[0], points[1]).setMarker(SeriesMarkers.NONE);
                any = true;
            }
        }
        markIfEmpty(!any, chart);
        return chart;
    }

    /**
     * A histogram of a sample with vertical lines at marked values, e.g. a permutation null and the observed
     * statistic.
     *
     * @param values the sample; non-finite values are left out
     * @param bins number of equal-width bins between the smallest and largest of the values and markers, ≥ 1
     * @param markers label → x position of a vertical line (may be empty)
     * @return the chart: counts per bin as a filled step line, one line per marker
     * @throws IllegalArgumentException if {@code bins < 1}
     */
    public static XYChart histogram(String title, String xLabel, double[] values, int bins, Map<String, Double> markers) {
        if (bins < 1) {
            throw new IllegalArgumentException("a histogram needs at least one bin; got " + bins);
        }
        XYChart chart = xy(title, xLabel, "count");
        double[] finite = Arrays.stream(values).filter(Double::isFinite).toArray();
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (double v : finite) {
            low = Math.min(low, v);
            high = Math.max(high, v);
        }
        for (double m : markers.values()) {
            if (Double.isFinite(m)) {
                low = Math.min(low, m);
                high = Math.max(high, m);
            }
        }
        markIfEmpty(finite.length == 0, chart);
        if (finite.length == 0) {
            return chart;
        }
        double width = high > low ? (high - low) / bins : 1;
        double[] counts = new double[bins];
        for (double v : finite) {
            counts[Math.min(bins - 1, (int) ((v - low) / width))]++;
        }
        // step points: each bin's count from its left edge, the last repeated at the right edge
        double[] x = new double[bins + 1];
        double[] y = new double[bins + 1];
        double maxCount = 0;
        for (int i = 0; i <= bins; i++) {
            x[i] = low + i * width;
            y[i] = counts[Math.min(i, bins - 1)];
            maxCount = Math.max(maxCount, y[i]);
        }
        chart.addSeries("sample", x, y).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.StepArea)
                .setMarker(SeriesMarkers.NONE);
        for (Map.Entry<String, Double> m : markers.entrySet()) {
            if (Double.isFinite(m.getValue())) {
                chart.addSeries(m.getKey(), new double[] {m.getValue(), m.getValue()}, new double[] {0, maxCount})
                        .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line).setMarker(SeriesMarkers.NONE);
            }
        }
        return chart;
    }

    /**
     * One bar per category.
     *
     * @param categories names, length n
     * @param values heights, length n; a non-finite value leaves its category without a bar
     * @return the chart
     */
    public static CategoryChart bar(String title, String yLabel, List<String> categories, double[] values) {
        if (categories.size() != values.length) {
            throw new IllegalArgumentException("bar chart needs one value per category; got " + categories.size()
                    + " categories and " + values.length + " values");
        }
        CategoryChart chart = HouseStyle.apply(new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .yAxisTitle(yLabel).build());
        chart.getStyler().setLegendVisible(false);
        if (categories.stream().mapToInt(String::length).sum() > 60) {
            chart.getStyler().setXAxisLabelRotation(30); // long names would run into each other
        }
        List<Double> heights = new ArrayList<>();
        boolean any = false;
        for (double v : values) {
            heights.add(Double.isFinite(v) ? v : null);
            any |= Double.isFinite(v);
        }
        if (any) {
            chart.addSeries(yLabel, categories, heights);
        } else {
            // XChart cannot paint a category chart without a series; zero-height bars keep the axes visible
            List<String> axis = categories.isEmpty() ? List.of(" ") : categories;
            chart.addSeries(yLabel, axis, axis.stream().map(c -> 0.0).toList());
        }
        markIfEmpty(!any, chart);
        return chart;
    }

    /**
     * A heat map of a matrix with labelled rows and columns, each cell annotated with its value.
     *
     * @param values {@code [rows][columns]}; non-finite cells are left blank
     * @param columnLabels one per column (x axis)
     * @param rowLabels one per row (y axis, first row at the bottom)
     * @return the chart
     * @throws IllegalArgumentException if the labels do not match the matrix or rows differ in length
     */
    public static HeatMapChart heatMap(String title, double[][] values, List<String> columnLabels, List<String> rowLabels) {
        double[] range = finiteRange(List.<double[][]>of(values));
        return heatMap(title, values, columnLabels, rowLabels, range[0], range[1]);
    }

    /**
     * As {@link #heatMap(String, double[][], List, List)} on a given colour scale, so several heat maps can share
     * one (see {@link #heatMaps}).
     *
     * @param low value at the light end of the colour bar; rounded outward to two significant digits
     * @param high value at the dark end; rounded outward to two significant digits
     * @return the chart
     */
    public static HeatMapChart heatMap(String title, double[][] values, List<String> columnLabels,
            List<String> rowLabels, double low, double high) {
        return heatMap(title, values, columnLabels, rowLabels, low, high, WIDTH, HEIGHT);
    }

    private static HeatMapChart heatMap(String title, double[][] values, List<String> columnLabels,
            List<String> rowLabels, double low, double high, int width, int height) {
        if (values.length != rowLabels.size()) {
            throw new IllegalArgumentException("heat map has " + values.length + " rows but " + rowLabels.size() + " row labels");
        }
        HeatMapChart chart = HouseStyle.apply(new HeatMapChartBuilder().width(width).height(height).title(title).build());
        chart.getStyler().setShowValue(true);
        if (Double.isFinite(low) && Double.isFinite(high)) {
            // XChart prints the colour bar's ends as raw doubles: give it short ones
            chart.getStyler().setMin(HouseStyle.niceBound(low, false));
            chart.getStyler().setMax(HouseStyle.niceBound(high, true));
        }
        // at most 3 decimals, so fractional cells (scores, probabilities) stay legible; counts print as integers
        chart.getStyler().setHeatMapValueDecimalPattern("0.###");
        chart.getStyler().setDecimalPattern("0.###");
        chart.getStyler().setLegendVisible(true);
        if (columnLabels.size() > 4) {
            chart.getStyler().setXAxisLabelRotation(45); // long class names would overlap
        }
        List<Number[]> cells = new ArrayList<>();
        for (int r = 0; r < values.length; r++) {
            if (values[r].length != columnLabels.size()) {
                throw new IllegalArgumentException("heat map row " + r + " has " + values[r].length + " values but there are "
                        + columnLabels.size() + " column labels");
            }
            for (int c = 0; c < values[r].length; c++) {
                if (Double.isFinite(values[r][c])) {
                    cells.add(new Number[] {c, r, values[r][c]});
                }
            }
        }
        if (!cells.isEmpty()) {
            chart.addSeries(title, columnLabels, rowLabels, cells);
        }
        markIfEmpty(cells.isEmpty(), chart);
        return chart;
    }

    /**
     * A confusion matrix as a heat map: true class on the y axis, predicted class on the x axis, counts in cells.
     *
     * @param matrix {@code [K][K]} counts, rows are true classes (as {@code Metrics.confusionMatrix})
     * @param classNames K names in class-index order
     * @return the chart
     */
    public static HeatMapChart confusionMatrix(int[][] matrix, List<String> classNames) {
        double[][] values = new double[matrix.length][];
        for (int t = 0; t < matrix.length; t++) {
            values[t] = new double[matrix[t].length];
            for (int p = 0; p < matrix[t].length; p++) {
                values[t][p] = matrix[t][p];
            }
        }
        HeatMapChart chart = heatMap("confusion matrix", values, classNames, classNames);
        chart.setXAxisTitle("predicted");
        chart.setYAxisTitle("true");
        return chart;
    }

    /**
     * Square grey images (e.g. 28×28 Fashion-MNIST) in a grid with a caption under each.
     *
     * @param images {@code [n][side·side]} pixels, row-major; values in [0, 1], or in [0, 255] if any exceeds 1;
     *     NaN drawn black
     * @param captions n captions (may be empty strings)
     * @param columns images per grid row, ≥ 1
     * @return the grid, each image scaled 3×
     * @throws IllegalArgumentException if an image is not square, sizes differ, or captions do not match
     */
    public static BufferedImage imageGrid(float[][] images, List<String> captions, int columns) {
        int n = images.length;
        int side = n == 0 ? 28 : (int) Math.round(Math.sqrt(images[0].length));
        float[][][] square = new float[n][side][side];
        for (int i = 0; i < n; i++) {
            if (images[i].length != side * side) {
                throw new IllegalArgumentException("image " + i + " has " + images[i].length + " pixels; every image needs "
                        + side * side + " (" + side + "×" + side + ")");
            }
            for (int r = 0; r < side; r++) {
                System.arraycopy(images[i], r * side, square[i][r], 0, side);
            }
        }
        return imageGrid(square, captions, columns);
    }

    /**
     * As {@link #imageGrid(float[][], List, int)} for images {@code [n][height][width]}.
     */
    public static BufferedImage imageGrid(float[][][] images, List<String> captions, int columns) {
        if (captions.size() != images.length) {
            throw new IllegalArgumentException(images.length + " images need " + images.length + " captions; got " + captions.size());
        }
        if (columns < 1) {
            throw new IllegalArgumentException("an image grid needs at least one column; got " + columns);
        }
        int scale = 3;
        int h = images.length == 0 ? 28 : images[0].length;
        int w = images.length == 0 ? 28 : images[0][0].length;
        int captionHeight = 16;
        int pad = 4;
        int rows = Math.max(1, (images.length + columns - 1) / columns);
        int cols = Math.min(columns, Math.max(1, images.length));
        int cellW = w * scale + pad;
        int cellH = h * scale + captionHeight + pad;
        BufferedImage grid = new BufferedImage(cols * cellW + pad, rows * cellH + pad, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        float max = 0;
        for (float[][] image : images) {
            for (float[] row : image) {
                for (float v : row) {
                    max = Float.isFinite(v) ? Math.max(max, v) : max;
                }
            }
        }
        float toUnit = max > 1 ? 1 / 255f : 1f;
        for (int i = 0; i < images.length; i++) {
            if (images[i].length != h || images[i][0].length != w) {
                throw new IllegalArgumentException("image " + i + " is " + images[i].length + "×" + images[i][0].length
                        + "; all images must be " + h + "×" + w);
            }
            int x0 = pad + (i % columns) * cellW;
            int y0 = pad + (i / columns) * cellH;
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    float v = images[i][r][c] * toUnit;
                    int grey = Float.isFinite(v) ? Math.round(Math.max(0, Math.min(1, v)) * 255) : 0;
                    g.setColor(new Color(grey, grey, grey));
                    g.fillRect(x0 + c * scale, y0 + r * scale, scale, scale);
                }
            }
            g.setColor(Color.BLACK);
            g.drawString(captions.get(i), x0, y0 + h * scale + captionHeight - 4);
        }
        g.dispose();
        return grid;
    }

    /**
     * Small multiples: several heat maps of the same shape side by side on one shared colour scale, e.g. one per
     * layer or per composition kind, so a colour means the same value in every panel.
     *
     * @param title the figure's title
     * @param panels panel title → {@code [rows][columns]} values, in drawing order (left to right, then down)
     * @param columnLabels one per column, shared by the panels
     * @param rowLabels one per row, shared by the panels
     * @param columns panels per figure row, ≥ 1
     * @return the figure
     * @throws IllegalArgumentException if there are no panels or a panel does not match the labels
     */
    public static BufferedImage heatMaps(String title, Map<String, double[][]> panels, List<String> columnLabels,
            List<String> rowLabels, int columns) {
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("heatMaps needs at least one panel");
        }
        double[] range = finiteRange(panels.values());
        List<HeatMapChart> charts = new ArrayList<>();
        for (Map.Entry<String, double[][]> panel : panels.entrySet()) {
            HeatMapChart chart = heatMap(panel.getKey(), panel.getValue(), columnLabels, rowLabels, range[0], range[1],
                    WIDTH / 2 + 60, HEIGHT * 3 / 4);
            chart.getStyler().setChartTitleFont(chart.getStyler().getAxisTitleFont());
            chart.getStyler().setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            charts.add(chart);
        }
        return grid(title, charts, columns);
    }

    /**
     * Gives line charts one y range, the smallest that holds every finite point of every series.
     *
     * @param charts the charts to align
     * @return the same charts
     */
    public static List<XYChart> shareYAxis(List<XYChart> charts) {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (XYChart chart : charts) {
            for (XYSeries series : chart.getSeriesMap().values()) {
                for (double y : series.getYData()) {
                    if (Double.isFinite(y)) {
                        low = Math.min(low, y);
                        high = Math.max(high, y);
                    }
                }
            }
        }
        if (low <= high) {
            for (XYChart chart : charts) {
                chart.getStyler().setYAxisMin(low);
                chart.getStyler().setYAxisMax(high);
            }
        }
        return charts;
    }

    /**
     * Small multiples of any charts: drawn in a grid under one title. To compare line charts, give them a shared
     * y range first ({@link #shareYAxis}).
     *
     * @param title the figure's title
     * @param charts the panels, left to right, then down
     * @param columns panels per figure row, ≥ 1
     * @return the figure; each panel keeps its own size
     * @throws IllegalArgumentException if {@code columns < 1} or there are no charts
     */
    public static BufferedImage grid(String title, List<? extends Chart<?, ?>> charts, int columns) {
        if (columns < 1 || charts.isEmpty()) {
            throw new IllegalArgumentException("a grid needs at least one chart and one column; got " + charts.size()
                    + " charts and " + columns + " columns");
        }
        List<BufferedImage> images = new ArrayList<>();
        for (Chart<?, ?> chart : charts) {
            images.add(BitmapEncoder.getBufferedImage(chart));
        }
        int cellW = images.stream().mapToInt(BufferedImage::getWidth).max().orElseThrow();
        int cellH = images.stream().mapToInt(BufferedImage::getHeight).max().orElseThrow();
        int cols = Math.min(columns, images.size());
        int rows = (images.size() + cols - 1) / cols;
        int titleHeight = 32;
        BufferedImage figure = new BufferedImage(cols * cellW, titleHeight + rows * cellH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = figure.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, figure.getWidth(), figure.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(new Color(0x333333));
        g.drawString(title, Math.max(4, (figure.getWidth() - g.getFontMetrics().stringWidth(title)) / 2), 22);
        for (int i = 0; i < images.size(); i++) {
            g.drawImage(images.get(i), (i % cols) * cellW, titleHeight + (i / cols) * cellH, null);
        }
        g.dispose();
        return figure;
    }

    private static XYChart xy(String title, String xLabel, String yLabel) {
        return HouseStyle.apply(new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xLabel).yAxisTitle(yLabel).build());
    }

    /** @return {min, max} over the finite cells of the matrices, or {NaN, NaN} if there are none */
    private static double[] finiteRange(Collection<double[][]> matrices) {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (double[][] m : matrices) {
            for (double[] row : m) {
                for (double v : row) {
                    if (Double.isFinite(v)) {
                        low = Math.min(low, v);
                        high = Math.max(high, v);
                    }
                }
            }
        }
        return low <= high ? new double[] {low, high} : new double[] {Double.NaN, Double.NaN};
    }

    private static double[] numeric(Table table, String column) {
        if (!table.columnNames().contains(column) || !(table.column(column) instanceof NumericColumn<?> values)) {
            throw new IllegalArgumentException("no numeric column '" + column + "' in table '" + table.name()
                    + "'; columns: " + table.columnNames());
        }
        return values.asDoubleArray();
    }

    /** Keeps the pairs where both coordinates are finite (and x > 0 on a log axis). */
    private static double[][] finitePoints(double[] x, double[] y, boolean positiveX) {
        int n = 0;
        double[] xs = new double[x.length];
        double[] ys = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i]) && (!positiveX || x[i] > 0)) {
                xs[n] = x[i];
                ys[n] = y[i];
                n++;
            }
        }
        return new double[][] {Arrays.copyOf(xs, n), Arrays.copyOf(ys, n)};
    }

    private static void markIfEmpty(boolean empty, Chart<?, ?> chart) {
        if (empty) {
            chart.setTitle(chart.getTitle() + NO_DATA);
        }
    }
}
