package org.repro4j.claims;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Starts a new reproduction so that every one comes out alike: the notebook {@code notebooks/NN-name.ipynb} with the
 * paper in its metadata and the house outline (citation, settings, mechanism, claims, summary, cost), the paper
 * package {@code org.repro4j.papers.<name>} with its {@code package-info.java} and the class that will hold the
 * paper's mechanism (named after the reproduction, empty until written: a package needs a class for the notebook's
 * import to compile), and a test class. The skeleton runs top to bottom as it is; its claims cell says it has no
 * claims yet.
 *
 * <p>Command line ({@code ./repro new}): {@code Scaffold <repo> NN-name --catalogue N --authors "A, B" --venue V
 * --year Y [--arxiv ID]}; the title and tier come from {@code notebooks/catalogue.tsv}.
 */
public final class Scaffold {

    private Scaffold() {}

    /** @param args as above */
    public static void main(String[] args) throws IOException {
        try {
            for (Path p : create(Path.of(args[0]), Arrays.copyOfRange(args, 1, args.length))) {
                System.out.println("wrote " + p);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("./repro new: " + e.getMessage());
            System.err.println("usage: ./repro new NN-name --catalogue N --authors \"First Author, Second Author\""
                    + " --venue VENUE --year YEAR [--arxiv ID]");
            System.exit(2);
        }
    }

    /**
     * @param repo the repository root
     * @param args {@code NN-name} and the options above
     * @return the files written
     * @throws IllegalArgumentException if the name is not {@code NN-lowercase-words}, an option is missing, the
     *     catalogue number is not in the list, or a file of the reproduction already exists
     * @throws IOException if a file cannot be written
     */
    public static List<Path> create(Path repo, String[] args) throws IOException {
        if (args.length == 0 || !args[0].matches("\\d{2}-[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("name the reproduction NN-short-name, e.g. 13-gradual-pruning; got "
                    + (args.length == 0 ? "nothing" : "'" + args[0] + "'"));
        }
        String name = args[0];
        Map<String, String> options = options(Arrays.copyOfRange(args, 1, args.length));
        for (String required : List.of("catalogue", "authors", "venue", "year")) {
            if (!options.containsKey(required)) {
                throw new IllegalArgumentException("--" + required + " is missing");
            }
        }
        int number = integer(options.get("catalogue"), "--catalogue");
        Catalogue.Entry entry = Catalogue.read(repo.resolve("notebooks/catalogue.tsv")).stream()
                .filter(e -> e.number() == number).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("catalogue number " + number + " is not in 1.."
                        + Catalogue.SIZE));
        NotebookInfo.Paper paper = new NotebookInfo.Paper(entry.title(), options.get("authors"),
                options.get("venue"), integer(options.get("year"), "--year"), options.get("arxiv"), number,
                entry.tier());
        String pkg = name.substring(3).replace("-", "");
        String className = Arrays.stream(name.substring(3).split("-"))
                .map(w -> w.substring(0, 1).toUpperCase(Locale.ROOT) + w.substring(1)).collect(Collectors.joining());
        Path notebook = repo.resolve("notebooks/" + name + ".ipynb");
        Path packageInfo = repo.resolve("toolkit/org/repro4j/papers/" + pkg + "/package-info.java");
        Path mechanism = repo.resolve("toolkit/org/repro4j/papers/" + pkg + "/" + className + ".java");
        Path test = repo.resolve("src/test/java/org/repro4j/papers/" + pkg + "/" + className + "NotebookTest.java");
        for (Path p : List.of(notebook, packageInfo, mechanism, test)) {
            if (Files.exists(p)) {
                throw new IllegalArgumentException(p + " already exists; pick another name or edit it");
            }
        }
        write(notebook, notebook(pkg, paper));
        write(packageInfo, packageInfo(name, pkg, paper));
        write(mechanism, mechanism(name, pkg, className, paper));
        write(test, test(name, pkg, className, number));
        return List.of(notebook, packageInfo, mechanism, test);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new java.util.LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("options come in pairs such as --year 2024; got '" + args[i] + "'");
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    private static int integer(String value, String option) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number; got '" + value + "'");
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static String citation(NotebookInfo.Paper p) {
        return "*" + p.paper() + "* — " + p.authors() + "; " + p.venue() + " " + p.year()
                + (p.arxiv() == null ? "" : "; [arXiv:" + p.arxiv() + "](https://arxiv.org/abs/" + p.arxiv() + ")");
    }

    static String notebook(String pkg, NotebookInfo.Paper paper) {
        JsonArray cells = new JsonArray();
        cells.add(cell(cells, "markdown", "# " + paper.paper() + "\n\n" + citation(paper) + " (catalogue #"
                + paper.catalogue() + ", tier " + paper.tier() + ").\n\n"
                + "What the paper claims, and why it matters, in a few sentences of your own."));
        cells.add(cell(cells, "markdown", """
                ## Settings

                `REPRO_SCALE=smoke` runs every step in seconds; the default full scale is the reproduction. Sizes
                come from the scale, never from constants in later cells."""));
        cells.add(cell(cells, "code", "import org.repro4j.papers." + pkg + ".*;\n\n"
                + "Stopwatch run = Stopwatch.start();\n"
                + "Repro.Scale scale = Repro.scale();\n"
                + "long seed = Repro.seed();\n"
                + "System.out.printf(\"scale=%s seed=%d%n\", scale.label(), seed);"));
        cells.add(cell(cells, "markdown", """
                ## The mechanism

                A short paragraph of why before each block of code, the paper's equations in LaTeX (`$...$`), code
                small enough to read at a glance, then a picture."""));
        cells.add(cell(cells, "markdown", """
                ## Claims

                Each claim computed from this run, its threshold from the catalogue or the paper, and the paper's own
                figure beside ours (`.paper(...)`)."""));
        cells.add(cell(cells, "code", "System.out.println(\"no claims yet: this reproduction is a skeleton\");"));
        cells.add(cell(cells, "markdown", """
                ## Summary

                What reproduced, what did not (and why), and what the toy scale cannot show."""));
        cells.add(cell(cells, "code", "run"));
        JsonObject nb = new JsonObject();
        nb.add("cells", cells);
        JsonObject metadata = new JsonObject();
        JsonObject kernelspec = new JsonObject();
        kernelspec.addProperty("name", "java");
        kernelspec.addProperty("display_name", "Java (repro4j)");
        kernelspec.addProperty("language", "java");
        metadata.add("kernelspec", kernelspec);
        JsonObject language = new JsonObject();
        language.addProperty("name", "java");
        language.addProperty("file_extension", ".jshell");
        language.addProperty("mimetype", "text/x-java-source");
        metadata.add("language_info", language);
        metadata.add("repro4j", new GsonBuilder().create().toJsonTree(paper));
        nb.add("metadata", metadata);
        nb.addProperty("nbformat", 4);
        nb.addProperty("nbformat_minor", 5);
        // nulls kept: nbformat requires "execution_count": null in a code cell that has not run
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(nb)
                + "\n";
    }

    /** A cell of nbformat 4.5, its id numbered by its position among {@code earlier}. */
    private static JsonObject cell(JsonArray earlier, String type, String source) {
        JsonObject cell = new JsonObject();
        cell.addProperty("cell_type", type);
        cell.addProperty("id", String.format(Locale.ROOT, "cell-%02d", earlier.size()));
        cell.add("metadata", new JsonObject());
        JsonArray lines = new JsonArray();
        String[] split = source.split("\n", -1);
        for (int i = 0; i < split.length; i++) {
            lines.add(i < split.length - 1 ? split[i] + "\n" : split[i]);
        }
        cell.add("source", lines);
        if (type.equals("code")) {
            cell.add("outputs", new JsonArray());
            cell.add("execution_count", null);
        }
        return cell;
    }

    private static String packageInfo(String name, String pkg, NotebookInfo.Paper p) {
        return "/**\n * <b>" + p.paper() + "</b> — " + p.authors() + "; " + p.venue() + " " + p.year()
                + (p.arxiv() == null ? "" : "; arXiv " + p.arxiv()) + ". Notebook: {@code notebooks/" + name
                + ".ipynb}.\n *\n * <p>The paper's mechanism in two sentences, then the classes of this package, one line"
                + " each,\n * and the toy design: what was scaled down, and why.\n */\npackage org.repro4j.papers."
                + pkg + ";\n";
    }

    private static String mechanism(String name, String pkg, String className, NotebookInfo.Paper p) {
        return """
                package org.repro4j.papers.%s;

                /**
                 * The mechanism of %s (%s, %s %d): what it computes, with shapes, units and the paper's equation
                 * numbers. Used by {@code notebooks/%s.ipynb}.
                 */
                public final class %s {

                    private %s() {}
                }
                """.formatted(pkg, p.paper(), p.authors(), p.venue(), p.year(), name, className, className);
    }

    private static String test(String name, String pkg, String className, int number) {
        return """
                package org.repro4j.papers.%s;

                import static org.junit.jupiter.api.Assertions.assertEquals;

                import java.nio.file.Path;
                import org.junit.jupiter.api.Test;
                import org.repro4j.claims.NotebookInfo;

                /** The contracts of this paper's mechanism, one test per claim of the paper it relies on. */
                class %sNotebookTest {

                    @Test
                    void theNotebookCitesItsCataloguePaper() throws Exception {
                        NotebookInfo notebook = NotebookInfo.read(Path.of("notebooks/%s.ipynb"));
                        assertEquals(%d, notebook.paper().catalogue());
                        assertEquals(java.util.List.of(), notebook.paper().problems());
                    }
                }
                """.formatted(pkg, className, name, number);
    }
}
