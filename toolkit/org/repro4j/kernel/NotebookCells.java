package org.repro4j.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/** Reads the code cells of a Jupyter notebook ({@code .ipynb}, nbformat 4), for {@code %load}. */
final class NotebookCells {

    private NotebookCells() {
    }

    /**
     * @param notebook an {@code .ipynb} file
     * @return the source of each code cell, in order
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the file is not an nbformat 4 notebook
     */
    static List<String> codeCells(Path notebook) throws IOException {
        JsonObject root;
        try {
            root = JsonParser.parseString(Files.readString(notebook, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(notebook + " is not a Jupyter notebook (not a JSON object)", e);
        }
        if (!root.has("cells") || !root.get("cells").isJsonArray()) {
            throw new IllegalArgumentException(notebook + " is not an nbformat 4 notebook: it has no \"cells\" list");
        }
        List<String> code = new ArrayList<>();
        for (JsonElement element : root.getAsJsonArray("cells")) {
            JsonObject cell = element.getAsJsonObject();
            if ("code".equals(cell.get("cell_type").getAsString())) {
                code.add(source(cell.get("source")));
            }
        }
        return code;
    }

    private static String source(JsonElement source) {
        if (source.isJsonArray()) {
            StringBuilder text = new StringBuilder();
            source.getAsJsonArray().forEach(line -> text.append(line.getAsString()));
            return text.toString();
        }
        return source.getAsString();
    }
}
