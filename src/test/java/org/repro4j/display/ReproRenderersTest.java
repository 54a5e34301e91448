package org.repro4j.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import javax.imageio.ImageIO;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.common.Image;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

class ReproRenderersTest {

    private static Renderer renderer() {
        Renderer renderer = new Renderer();
        Image.registerAll(renderer);
        ReproRenderers.register(renderer);
        return renderer;
    }

    @Test
    void chartsRenderAsPngOfTheChartsSize() throws IOException {
        XYChart chart = new XYChartBuilder().width(320).height(240).title("loss").build();
        chart.addSeries("train", new double[] {1, 2, 3}, new double[] {3, 2, 1});
        DisplayData data = renderer().render(chart);
        byte[] png = Base64.getDecoder().decode((String) data.getData(MIMEType.IMAGE_PNG));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(320, image.getWidth());
        assertEquals(240, image.getHeight());
    }

    @Test
    void tablesRenderAsHtmlAndText() {
        Table table = Table.create("losses", DoubleColumn.create("loss", 0.5, 0.25));
        DisplayData data = renderer().render(table);
        assertEquals(TableHtml.of(table), data.getData(MIMEType.TEXT_HTML));
        assertTrue(((String) data.getData(MIMEType.TEXT_PLAIN)).contains("0.25"));
    }
}
