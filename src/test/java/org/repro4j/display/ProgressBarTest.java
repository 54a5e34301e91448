package org.repro4j.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    /** A clock the test advances by hand, in nanoseconds. */
    private long now;

    @Test
    void inANotebookUpdatesAreThrottledToFivePerSecondPlusTheFinalState() {
        List<String> shown = new ArrayList<>();
        List<Boolean> last = new ArrayList<>();
        ProgressBar bar = new ProgressBar("fit", 1000, (text, html, isLast) -> {
            shown.add(html);
            last.add(isLast);
        }, true, () -> now);
        for (int step = 1; step <= 1000; step++) {
            now += 2_000_000; // 2 ms per step: 2 s in all
            bar.update(step, "loss 0.5");
        }
        bar.finish("done");
        // 2 s at ≤ 5 updates per second, plus the final state
        assertEquals(11, shown.size());
        assertTrue(last.get(last.size() - 1) && !last.get(0));
        assertTrue(shown.get(10).contains("value=\"1000\"") && shown.get(10).contains("done"), shown.get(10));
    }

    @Test
    void inATerminalItPrintsEveryTenthOfTheWorkAndTheEnd() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(out, true, StandardCharsets.UTF_8);
        ProgressBar bar = new ProgressBar("fit", 1000, ProgressBar.streamSink(stream), false, () -> now);
        for (int step = 1; step <= 1000; step++) {
            now += 1_000_000;
            bar.update(step, "");
        }
        bar.finish("loss 0.1");
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(11, lines.length); // 10 %, 20 %, …, 100 %, final line
        assertTrue(lines[0].contains(" 10% 100/1000"), lines[0]);
        assertTrue(lines[10].contains("100% 1000/1000") && lines[10].endsWith("loss 0.1"), lines[10]);
    }

    @Test
    void slowWorkInATerminalStillPrintsEveryFiveSeconds() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar("fit", 1000, ProgressBar.streamSink(new PrintStream(out, true, StandardCharsets.UTF_8)),
                false, () -> now);
        for (int step = 1; step <= 20; step++) {
            now += 1_000_000_000L; // 1 s per step, far from the first 10 %
            bar.update(step, "");
        }
        assertEquals(4, out.toString(StandardCharsets.UTF_8).split("\n").length); // at 5, 10, 15 and 20 s
    }

    @Test
    void withoutAKernelStartDrawsOnStandardErrorAndNeverThrows() {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try (ProgressBar bar = ProgressBar.start("<model>", 2)) {
            bar.update(2, "ok");
        } finally {
            System.setErr(original);
        }
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("<model>"));
    }
}
