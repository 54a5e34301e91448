package org.repro4j.claims;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a reproduction notebook says about itself: its name, the paper in its metadata and whether it checks claims.
 * The metadata, under the notebook's {@code metadata.repro4j}:
 *
 * <pre>{@code
 * "repro4j": {"paper": "Bigram Subnetworks: Mapping to Next Tokens in Transformer Language Models",
 *             "authors": "Tyler A. Chang, Benjamin K. Bergen", "venue": "NeurIPS", "year": 2025,
 *             "arxiv": "2504.15471", "catalogue": 9, "tier": "A"}
 * }</pre>
 *
 * @param name file name without {@code .ipynb}, e.g. {@code 11-bigram-subnetworks}
 * @param paper the paper, or null for a notebook without one (the kernel tour)
 * @param checksClaims whether a code cell calls {@code Claims.forNotebook}
 * @param codeCells the source of each code cell, in order
 */
public record NotebookInfo(String name, Paper paper, boolean checksClaims, List<String> codeCells) {

    /**
     * The paper a notebook reproduces.
     *
     * @param paper title
     * @param authors authors, comma-separated
     * @param venue where it appeared, e.g. {@code ICLR} or {@code arXiv preprint}
     * @param year year of publication
     * @param arxiv arXiv id, e.g. {@code 2310.16228}, or null
     * @param catalogue its number in the seed list ({@code notebooks/catalogue.tsv}), 1–65, or null for a notebook
     *     outside the list
     * @param tier {@code A}, {@code B} or {@code C} (see the catalogue)
     */
    public record Paper(String paper, String authors, String venue, Integer year, String arxiv, Integer catalogue,
            String tier) {

        /**
         * @return what is missing or wrong in this metadata, empty when it is complete
         */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            if (blank(paper) || blank(authors) || blank(venue) || year == null) {
                problems.add("metadata repro4j needs \"paper\", \"authors\", \"venue\" and \"year\"");
            }
            if (catalogue != null && (catalogue < 1 || catalogue > Catalogue.SIZE)) {
                problems.add("\"catalogue\" is " + catalogue + "; the seed list is numbered 1.." + Catalogue.SIZE);
            }
            if (tier == null || !tier.matches("[ABC]")) {
                problems.add("\"tier\" is " + tier + "; use \"A\", \"B\" or \"C\" as in notebooks/catalogue.tsv");
            }
            return problems;
        }

        private static boolean blank(String s) {
            return s == null || s.isBlank();
        }
    }

    /**
     * @param notebook an {@code .ipynb} file
     * @return what it says about itself
     * @throws IOException if it cannot be read or is not a notebook
     */
    public static NotebookInfo read(Path notebook) throws IOException {
        String file = notebook.getFileName().toString();
        String name = file.endsWith(".ipynb") ? file.substring(0, file.length() - ".ipynb".length()) : file;
        try {
            JsonObject json = JsonParser.parseString(Files.readString(notebook, StandardCharsets.UTF_8))
                    .getAsJsonObject();
            JsonObject metadata = json.has("metadata") ? json.getAsJsonObject("metadata") : new JsonObject();
            Paper paper = metadata.has("repro4j") ? new Gson().fromJson(metadata.get("repro4j"), Paper.class) : null;
            List<String> code = new ArrayList<>();
            for (JsonElement cell : json.getAsJsonArray("cells")) {
                JsonObject c = cell.getAsJsonObject();
                if ("code".equals(c.get("cell_type").getAsString())) {
                    code.add(source(c.get("source")));
                }
            }
            boolean checks = code.stream().anyMatch(s -> s.contains("Claims.forNotebook"));
            return new NotebookInfo(name, paper, checks, code);
        } catch (JsonParseException | IllegalStateException | NullPointerException e) {
            throw new IOException(notebook + " is not a Jupyter notebook (" + e.getMessage() + ")", e);
        }
    }

    /**
     * @param folder a folder of notebooks, e.g. {@code notebooks/}
     * @return every {@code *.ipynb} in it, by name
     * @throws IOException if a notebook cannot be read
     */
    public static List<NotebookInfo> readAll(Path folder) throws IOException {
        List<NotebookInfo> all = new ArrayList<>();
        try (var files = Files.list(folder)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList()) {
                all.add(read(p));
            }
        }
        return all;
    }

    private static String source(JsonElement source) {
        if (source.isJsonArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonElement line : (JsonArray) source) {
                text.append(line.getAsString());
            }
            return text.toString();
        }
        return source.getAsString();
    }
}
