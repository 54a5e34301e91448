package org.repro4j.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class DisplayTest {

    @Test
    void withoutANotebookDisplayAndUpdatePrintTheTextForm() {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            String first = Display.display("epoch 0/2");
            String second = Display.display("other");
            Display.update(first, "epoch 1/2");
            Display.clearOutput();
            assertNotEquals(first, second);
        } finally {
            System.setOut(original);
        }
        assertEquals(String.format("epoch 0/2%nother%nepoch 1/2%n"), bytes.toString(StandardCharsets.UTF_8));
    }
}
