package org.repro4j.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.HeatMapStyler;
import org.knowm.xchart.style.Styler;

/**
 * The look every repro4j chart shares, the one a reader of papers expects from matplotlib: white background, light
 * grid, no boxes around plot and legend, tick labels that do not run together, and colours a colour-blind reader
 * can tell apart (the Okabe–Ito palette for lines and bars; a light yellow–green–blue ramp for heat maps, light
 * enough that cell values stay readable). {@link Plots} applies it to every chart it builds; call
 * {@link #apply(Chart)} on a chart built with XChart directly.
 */
public final class HouseStyle {

    /**
     * Okabe &amp; Ito (2008), "Color Universal Design": blue, vermillion, bluish green, reddish purple, orange,
     * sky blue, black, yellow (last: it is faint on white).
     */
    public static final Color[] PALETTE = {
        new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0xF0E442)};

    /** Sequential heat-map ramp, low to high (ColorBrewer YlGnBu without its darkest steps). */
    public static final Color[] HEAT_RAMP = {
        new Color(0xFFFFD9), new Color(0xC7E9B4), new Color(0x7FCDBB), new Color(0x41B6C4), new Color(0x1D91C0)};

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    private static final Font AXIS_TITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Color GRID = new Color(0xE5E5E5);
    private static final Color INK = new Color(0x333333);

    private HouseStyle() {}

    /**
     * Applies the house style to a chart (in place).
     *
     * @param chart any XChart chart
     * @return the same chart
     */
    public static <C extends Chart<?, ?>> C apply(C chart) {
        Styler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(false);
        s.setChartTitleFont(TITLE);
        s.setChartTitleBoxVisible(false);
        s.setChartFontColor(INK);
        s.setLegendBorderColor(Color.WHITE);
        s.setLegendBackgroundColor(Color.WHITE);
        s.setLegendFont(TICKS);
        s.setSeriesColors(PALETTE);
        s.setAntiAlias(true);
        if (s instanceof AxesChartStyler axes && !(s instanceof HeatMapStyler)) {
            // below the plot: the plot keeps its width and a long title is never pushed off the left edge
            axes.setLegendPosition(Styler.LegendPosition.OutsideS);
            axes.setLegendLayout(Styler.LegendLayout.Vertical);
        }
        if (s instanceof AxesChartStyler axes) {
            axes.setAxisTitleFont(AXIS_TITLE);
            axes.setAxisTickLabelsFont(TICKS);
            axes.setAxisTickLabelsColor(INK);
            axes.setPlotGridLinesColor(GRID);
            axes.setPlotGridLinesStroke(new BasicStroke(1f));
            axes.setAxisTicksLineVisible(true);
            // tick labels at least ~90 px apart, so long numbers ("12,000") never run together
            axes.setXAxisTickMarkSpacingHint(90);
            axes.setYAxisTickMarkSpacingHint(50);
            axes.setXAxisMaxLabelCount(12);
        }
        if (s instanceof HeatMapStyler heat) {
            heat.setRangeColors(HEAT_RAMP);
            heat.setValueFontColor(INK);
            heat.setDrawBorder(false);
        }
        return chart;
    }

    /**
     * Rounds a colour-bar or axis bound outward to two significant digits, so the bar's end labels read
     * {@code 0.48}, not {@code 0.4787587301465909}; bounds within 1e-3 of zero become 0.
     *
     * @param value the data bound
     * @param up true to round up (an upper bound), false to round down
     * @return a short decimal on the outer side of {@code value}
     */
    static double niceBound(double value, boolean up) {
        if (!Double.isFinite(value)) {
            return value;
        }
        if (Math.abs(value) < 1e-3) {
            // zero is outward on one side of a tiny value; on the other side the bound is ±0.001
            boolean zeroIsOutward = up ? value <= 0 : value >= 0;
            return zeroIsOutward ? 0 : (up ? 1e-3 : -1e-3);
        }
        MathContext twoDigits = new MathContext(2, up ? RoundingMode.CEILING : RoundingMode.FLOOR);
        return new BigDecimal(value).round(twoDigits).doubleValue();
    }
}
