package org.repro4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CellOutputTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void manyPrintsBecomeFewMessagesWithNothingLost() {
        CellOutput output = new CellOutput(out::add, err::add, timer, CellOutput.DEFAULT_LIMIT_BYTES);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            output.stdout().println(i);
            expected.append(i).append(System.lineSeparator());
        }
        output.close();
        assertEquals(expected.toString(), String.join("", out));
        assertTrue(out.size() < 100, out.size() + " messages for 20 000 prints");
        assertTrue(err.isEmpty());
    }

    @Test
    void multiByteCharacterSplitAcrossWritesIsNotSplitAcrossMessages() {
        CellOutput output = new CellOutput(out::add, err::add, timer, CellOutput.DEFAULT_LIMIT_BYTES);
        byte[] text = "héllo 汉字 ✓ 🌍".getBytes(StandardCharsets.UTF_8);
        int globe = text.length - 4;
        output.stdout().write(text, 0, globe + 2);
        output.flush();
        output.stdout().write(text, globe + 2, 2);
        output.close();
        assertEquals(List.of("héllo 汉字 ✓ ", "🌍"), out);
    }

    @Test
    void outputBeyondTheLimitIsDroppedWithANote() {
        CellOutput output = new CellOutput(out::add, err::add, timer, 1000);
        for (int i = 0; i < 300; i++) {
            output.stdout().print("0123456789");
        }
        output.close();
        String shown = String.join("", out);
        assertTrue(shown.startsWith("0123456789".repeat(100)), shown);
        assertTrue(shown.contains("output truncated: this cell printed more than 1,000 bytes"), shown);
        assertEquals(List.of(String.format("[output truncated: 2,000 more bytes were not shown]%n")), err);
    }

    @Test
    void completeUtf8PrefixStopsBeforeAnUnfinishedCharacter() {
        byte[] euro = "a€".getBytes(StandardCharsets.UTF_8);
        assertEquals(1, CellOutput.completeUtf8Prefix(euro, 2));
        assertEquals(1, CellOutput.completeUtf8Prefix(euro, 3));
        assertEquals(4, CellOutput.completeUtf8Prefix(euro, 4));
    }
}
