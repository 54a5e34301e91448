package org.repro4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged kernel over the real Jupyter protocol (jupyter_client): one kernel session runs every cell
 * below, and each test checks what came back for its cells.
 */
class KernelProtocolIT {

    private static KernelHarness.Results results;

    @BeforeAll
    static void runSession() throws Exception {
        KernelHarness.assumeJupyter();
        String jupyterPath = KernelHarness.installForCurrentJdk();
        KernelHarness.Session session = new KernelHarness.Session()
                .execute("first", "1 + 1");
        for (int i = 0; i < 5; i++) {
            session.execute("trivial" + i, "1");
        }
        results = session
                .execute("utf8", "System.out.println(\"héllo 汉字 ✓ 🌍\");\nSystem.err.println(\"ошибка ✗\");")
                .execute("large", "for (int i = 0; i < 100_000; i++) System.out.println(i);")
                .execute("huge", "String line = \"x\".repeat(99);\nfor (int i = 0; i < 30_000; i++) System.out.println(line);")
                .execute("afterLarge", "\"still responsive\"")
                .execute("compileError", "int fine = 1;\nint broken = undefinedThing + 1;")
                .execute("runtimeError", "int divide(int a) {\n    return a / 0;\n}\ndivide(3)")
                .execute("exit", "int survivor = 41;\nSystem.exit(3);")
                .execute("afterExit", "survivor + 1")
                .execute("chart", "var chart = new org.knowm.xchart.XYChartBuilder().width(400).height(300).build();\n"
                        + "chart.addSeries(\"y\", new double[] {1, 2, 3}, new double[] {1, 4, 9});\nchart")
                .execute("table", "tech.tablesaw.api.Table.create(\"t\", tech.tablesaw.api.IntColumn.create(\"n\", 1, 2, 3))")
                .execute("image", "new java.awt.image.BufferedImage(8, 6, java.awt.image.BufferedImage.TYPE_INT_RGB)")
                .execute("update", "String bar = display(\"step 0\");\nfor (int i = 1; i <= 3; i++) update(bar, \"step \" + i);")
                .execute("clear", "System.out.println(\"before\");\nclearOutput();\nSystem.out.println(\"after\");")
                .execute("order", "System.out.println(\"text first\");\ndisplay(\"then display\");")
                .execute("nullValue", "String nothing = null;\nnothing")
                .execute("userObject", "class Point { }\nnew Point()")
                .execute("time", "%%time\nThread.sleep(50);\n\"slept\"")
                .execute("badJars", "%jars /nonexistent-dir/*.jar")
                .forged("forged", "int forged = 1;")
                .execute("afterForged", "forged")
                .run(jupyterPath, 600);
    }

    private static double seconds(String step) {
        return results.step(step).get("seconds").getAsDouble();
    }

    private static String text(String step) {
        List<JsonObject> shown = results.outputs(step, "execute_result");
        assertEquals(1, shown.size(), results.summary(step));
        return shown.get(0).getAsJsonObject("data").get("text/plain").getAsString();
    }

    @Test
    void reportsStartupAndRoundTripTimes() {
        double[] trivial = new double[5];
        for (int i = 0; i < 5; i++) {
            trivial[i] = seconds("trivial" + i);
        }
        Arrays.sort(trivial);
        System.out.printf("kernel start to first execute_reply: %.2f s (ready after %.2f s); "
                        + "trivial cell round trip: median %.3f s%n",
                results.json.get("first_reply_seconds").getAsDouble(),
                results.json.get("startup_seconds").getAsDouble(), trivial[2]);
        assertEquals("2", text("first"));
        assertTrue(results.json.get("alive").getAsBoolean());
    }

    @Test
    void streamsAreUtf8() {
        assertEquals("héllo 汉字 ✓ 🌍\n", results.stream("utf8", "stdout"));
        assertEquals("ошибка ✗\n", results.stream("utf8", "stderr"));
    }

    @Test
    void aHundredThousandLinesArriveInFewMessagesAndTheKernelStaysResponsive() {
        String printed = results.stream("large", "stdout");
        int messages = results.outputs("large", "stream").size();
        System.out.printf("100 000-line print: %d stream messages, %.2f s%n", messages, seconds("large"));
        assertEquals(100_000, printed.split("\n").length);
        assertTrue(printed.endsWith("99999\n"));
        assertTrue(messages < 1000, messages + " messages");
        assertEquals("still responsive", text("afterLarge"));
    }

    @Test
    void veryLargeOutputIsTruncatedWithAVisibleNote() {
        String printed = results.stream("huge", "stdout");
        assertTrue(printed.length() <= CellOutput.DEFAULT_LIMIT_BYTES + 300, printed.length() + " chars shown");
        String tail = printed.substring(Math.max(0, printed.length() - 300));
        assertTrue(printed.contains("[output truncated: this cell printed more than 1,048,576 bytes"),
                "note missing; " + results.outputs("huge").size() + " messages, stdout ends with: " + tail);
        assertEquals(String.format("[output truncated: 1,951,424 more bytes were not shown]%n"),
                results.stream("huge", "stderr"));
    }

    @Test
    void compileErrorShowsTheLineAndMessageWithoutJShellNoise() {
        JsonObject reply = results.reply("compileError");
        assertEquals("error", reply.get("status").getAsString());
        assertEquals("CompilationError", reply.get("ename").getAsString());
        String traceback = results.traceback("compileError");
        assertTrue(traceback.contains("cannot find symbol: variable undefinedThing"), traceback);
        assertTrue(traceback.contains("int broken = undefinedThing + 1;"), traceback);
        assertTrue(traceback.contains("^^^^^^^^^^^^^^"), traceback);
        assertTrue(traceback.matches("(?s).*In \\[\\d+\\], line 2.*"), traceback);
        assertFalse(traceback.contains("$JShell") || traceback.contains("REPL."), traceback);
    }

    @Test
    void runtimeErrorShowsTheUsersExceptionAndOnlyTheirFrames() {
        assertEquals("ArithmeticException", results.reply("runtimeError").get("ename").getAsString());
        List<JsonObject> errors = results.outputs("runtimeError", "error");
        assertEquals(1, errors.size());
        assertEquals("ArithmeticException", errors.get(0).get("ename").getAsString());
        assertEquals("/ by zero", errors.get(0).get("evalue").getAsString());
        String traceback = results.traceback("runtimeError");
        assertTrue(traceback.matches("(?s).*at divide \\(In \\[\\d+\\], line 2\\).*at In \\[\\d+\\], line 4.*"), traceback);
        assertFalse(traceback.contains("jdk.") || traceback.contains("org.dflib") || traceback.contains("org.repro4j"),
                traceback);
    }

    @Test
    void systemExitFailsTheCellButTheKernelAndItsVariablesSurvive() {
        assertEquals("SystemExit", results.reply("exit").get("ename").getAsString());
        assertTrue(results.traceback("exit").contains("System.exit(3)"));
        assertEquals("42", text("afterExit"));
    }

    private static byte[] png(String step, boolean displayData) {
        List<JsonObject> outputs = results.outputs(step, displayData ? "display_data" : "execute_result");
        assertEquals(1, outputs.size(), results.summary(step));
        return Base64.getDecoder().decode(outputs.get(0).getAsJsonObject("data").get("image/png").getAsString());
    }

    @Test
    void chartCellProducesAPngOfTheChart() throws IOException {
        var image = ImageIO.read(new ByteArrayInputStream(png("chart", false)));
        assertEquals(400, image.getWidth());
        assertEquals(300, image.getHeight());
    }

    @Test
    void tableCellProducesHtml() {
        JsonObject data = results.outputs("table", "execute_result").get(0).getAsJsonObject("data");
        String html = data.get("text/html").getAsString();
        assertTrue(html.contains("t (3 rows × 1 column)") && html.contains("<td>3</td>"), html);
    }

    @Test
    void bufferedImageCellProducesAPng() throws IOException {
        var image = ImageIO.read(new ByteArrayInputStream(png("image", false)));
        assertEquals(8, image.getWidth());
        assertEquals(6, image.getHeight());
    }

    @Test
    void displayIdsAreUpdatedInPlace() {
        List<JsonObject> outputs = results.outputs("update");
        assertEquals(List.of("display_data", "update_display_data", "update_display_data", "update_display_data"),
                outputs.stream().map(o -> o.get("msg_type").getAsString()).collect(Collectors.toList()));
        String id = outputs.get(0).getAsJsonObject("content").getAsJsonObject("transient").get("display_id").getAsString();
        for (JsonObject output : outputs) {
            assertEquals(id, output.getAsJsonObject("content").getAsJsonObject("transient").get("display_id").getAsString());
        }
        assertEquals("step 3", outputs.get(3).getAsJsonObject("content").getAsJsonObject("data").get("text/plain").getAsString());
        assertTrue(results.outputs("update", "execute_result").isEmpty(), "display(x); shows no value");
    }

    @Test
    void clearOutputComesBetweenTheTextBeforeAndAfterIt() {
        List<String> sequence = results.outputs("clear").stream()
                .map(o -> o.get("msg_type").getAsString() + (o.getAsJsonObject("content").has("text")
                        ? ":" + o.getAsJsonObject("content").get("text").getAsString().strip() : ""))
                .collect(Collectors.toList());
        assertEquals(List.of("stream:before", "clear_output", "stream:after"), sequence);
    }

    @Test
    void printedTextAppearsBeforeALaterDisplay() {
        assertEquals(List.of("stream", "display_data"), results.outputs("order").stream()
                .map(o -> o.get("msg_type").getAsString()).collect(Collectors.toList()));
    }

    @Test
    void valuesShowNullAndCellClassesWithoutWrapperNames() {
        assertEquals("null", text("nullValue"));
        assertTrue(text("userObject").matches("Point@[0-9a-f]+"), text("userObject"));
    }

    @Test
    void timeMagicPrintsWallTimeAndShowsTheValue() {
        assertTrue(results.stream("time", "stdout").startsWith("Wall time: "), results.summary("time"));
        assertEquals("slept", text("time"));
    }

    @Test
    void badMagicPatternIsNamedInTheError() {
        assertEquals("MagicError", results.reply("badJars").get("ename").getAsString());
        assertTrue(results.traceback("badJars").contains("\"/nonexistent-dir/*.jar\""), results.traceback("badJars"));
    }

    @Test
    void messageWithAWrongSignatureIsIgnored() {
        assertEquals("CompilationError", results.reply("afterForged").get("ename").getAsString(),
                "the forged cell must not have run");
        assertTrue(results.traceback("afterForged").contains("variable forged"));
    }
}
