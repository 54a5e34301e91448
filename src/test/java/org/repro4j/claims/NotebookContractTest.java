package org.repro4j.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The form every stored notebook keeps: kernelspec {@code java}, no outputs, code lines of at most 100 characters,
 * nothing pointing outside the repository, and for a reproduction a closing summary and its cost.
 */
class NotebookContractTest {

    private static final int MAX_CODE_LINE = 100;
    private static final List<String> OUTSIDE = List.of("../shared", "specs/", "core3");

    @TestFactory
    Stream<DynamicTest> everyNotebookKeepsTheContract() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("notebooks"))) {
            for (Path nb : files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList()) {
                tests.add(DynamicTest.dynamicTest(nb.getFileName().toString(), () -> check(nb)));
            }
        }
        return tests.stream();
    }

    private static void check(Path notebook) throws IOException {
        String text = Files.readString(notebook, StandardCharsets.UTF_8);
        JsonObject json = JsonParser.parseString(text).getAsJsonObject();
        assertEquals("java", json.getAsJsonObject("metadata").getAsJsonObject("kernelspec").get("name").getAsString());
        List<String> problems = new ArrayList<>();
        List<String> markdown = new ArrayList<>();
        int cell = 0;
        for (JsonElement element : json.getAsJsonArray("cells")) {
            JsonObject c = element.getAsJsonObject();
            String source = String.join("", c.getAsJsonArray("source").asList().stream()
                    .map(JsonElement::getAsString).toList());
            if (c.get("cell_type").getAsString().equals("code")) {
                if (!c.getAsJsonArray("outputs").isEmpty() || !c.get("execution_count").isJsonNull()) {
                    problems.add("cell " + cell + " is stored with outputs: store notebooks clean");
                }
                for (String line : source.split("\n")) {
                    if (line.length() > MAX_CODE_LINE) {
                        problems.add("cell " + cell + " has a code line of " + line.length() + " characters: "
                                + line.strip());
                    }
                }
            } else {
                markdown.add(source);
            }
            for (String outside : OUTSIDE) {
                if (source.contains(outside)) {
                    problems.add("cell " + cell + " points outside the repository ('" + outside + "')");
                }
            }
            cell++;
        }
        if (NotebookInfo.read(notebook).checksClaims()) {
            assertTrue(markdown.stream().anyMatch(m -> m.startsWith("## Summary")),
                    notebook + " ends without a '## Summary' of what reproduced, what did not and what the toy "
                            + "scale cannot show");
        }
        assertEquals(List.of(), problems, notebook.toString());
    }
}
