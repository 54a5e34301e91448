package org.repro4j.display;

import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.common.Image;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

import ai.djl.ndarray.NDArray;
import tech.tablesaw.api.Table;

/**
 * How toolkit objects appear in a notebook; registered by the toolkit's kernel extension
 * ({@link ReproExtension}), so the same jar renders the same way in the repro4j kernel and in upstream
 * JJava:
 * <ul>
 *   <li>XChart charts ({@code XYChart}, {@code CategoryChart}, {@code HeatMapChart}, ...) as {@code image/png};</li>
 *   <li>Tablesaw {@link Table}s as {@code text/html} (first {@value TableHtml#MAX_ROWS} rows, with a note);</li>
 *   <li>DJL {@link NDArray}s as a text summary: shape, data type and the first values;</li>
 *   <li>{@code BufferedImage} and other {@code RenderedImage}s as {@code image/png} (built into jjava).</li>
 * </ul>
 */
public final class ReproRenderers {

    private ReproRenderers() {}

    /** @param renderer the renderer to add the toolkit's types to */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public static void register(Renderer renderer) {
        renderer.createRegistration((Class<Chart>) (Class) Chart.class)
                .preferring(MIMEType.IMAGE_PNG)
                .register((chart, context) -> Image.renderImage(BitmapEncoder.getBufferedImage(chart), context));
        renderer.createRegistration(Table.class)
                .preferring(MIMEType.TEXT_HTML)
                .supporting(MIMEType.TEXT_PLAIN)
                .register((table, context) -> {
                    context.renderIfRequested(MIMEType.TEXT_HTML, () -> TableHtml.of(table));
                    context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> TableHtml.plainText(table));
                });
        renderer.createRegistration(NDArray.class)
                .preferring(MIMEType.TEXT_PLAIN)
                .register((array, context) ->
                        context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> NDArraySummary.of(array)));
    }
}
