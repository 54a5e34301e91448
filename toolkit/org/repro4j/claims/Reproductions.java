package org.repro4j.claims;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.repro4j.Repro;

/**
 * {@code REPRODUCTIONS.md}: every paper of the seed list with its notebook, tier, status and the claims it held at
 * full scale, with the commit they were measured at. Rendered from three files of the repository:
 * {@code notebooks/catalogue.tsv} (the list), the notebooks' metadata ({@link NotebookInfo}) and
 * {@code notebooks/reproductions.json}, the record of each notebook's last full-scale run at the default seed,
 * which {@link #update} refreshes from a run's {@code summary.json}.
 *
 * <p>Status: <b>reproduced</b> — the notebook's claims all held in its last recorded full-scale run;
 * <b>mechanism only</b> — there is a notebook, but a claim failed or it has no full-scale record yet;
 * <b>not yet</b> — no notebook.
 *
 * <p>Command line: {@code Reproductions <notebooks-dir> <summary.json or -> <REPRODUCTIONS.md>} updates the
 * record from the summary (if given) and rewrites the Markdown.
 */
public final class Reproductions {

    /** File name of the record inside the notebooks folder. */
    public static final String RECORD = "reproductions.json";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    /**
     * A notebook's last full-scale run at the default seed.
     *
     * @param commit the commit it ran at
     * @param date the day it was recorded, ISO format
     * @param held claims that held
     * @param total claims checked
     * @param wallSeconds its wall-clock time
     */
    public record Measured(String commit, String date, long held, long total, double wallSeconds) {}

    private Reproductions() {}

    /** @param args notebooks folder, summary file (or {@code -}), output Markdown file */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: Reproductions <notebooks-dir> <summary.json|-> <REPRODUCTIONS.md>");
            System.exit(2);
        }
        Path notebooks = Path.of(args[0]);
        Map<String, Measured> record = readRecord(notebooks);
        if (!args[1].equals("-")) {
            Path summary = Path.of(args[1]);
            if (!Files.isRegularFile(summary)) {
                System.err.println("no " + summary + ": run the notebooks first (./repro run)");
                System.exit(1);
            }
            record = update(record, GSON.fromJson(Files.readString(summary), RunSummary.Summary.class),
                    LocalDate.now().toString());
            Files.writeString(notebooks.resolve(RECORD), GSON.toJson(record) + "\n", StandardCharsets.UTF_8);
        }
        Files.writeString(Path.of(args[2]), render(notebooks, record), StandardCharsets.UTF_8);
        System.out.println("wrote " + args[2]);
    }

    /**
     * @param notebooks the notebooks folder
     * @return the record in {@value #RECORD}, by notebook name (empty if the file does not exist)
     * @throws IOException if the file is unreadable or not a record
     */
    public static Map<String, Measured> readRecord(Path notebooks) throws IOException {
        Path file = notebooks.resolve(RECORD);
        if (!Files.isRegularFile(file)) {
            return new TreeMap<>();
        }
        try {
            Map<String, Measured> record = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8),
                    new TypeToken<TreeMap<String, Measured>>() {}.getType());
            return record == null ? new TreeMap<>() : record;
        } catch (JsonParseException e) {
            throw new IOException(file + " is not a reproductions record: " + e.getMessage(), e);
        }
    }

    /**
     * @param record the current record
     * @param summary a run's summary
     * @param date today, ISO format
     * @return the record with every notebook of the run that executed at full scale and the default seed replaced
     *     by this run's result
     */
    public static Map<String, Measured> update(Map<String, Measured> record, RunSummary.Summary summary,
            String date) {
        Map<String, Measured> updated = new TreeMap<>(record);
        for (RunSummary.Result r : summary.notebooks()) {
            if (r.executed() && "full".equals(r.scale()) && r.seed() == Repro.DEFAULT_SEED) {
                updated.put(r.notebook(), new Measured(summary.commit(), date, r.held(), r.claims().size(),
                        r.wallSeconds()));
            }
        }
        return updated;
    }

    /**
     * @param notebooks the notebooks folder (with {@code catalogue.tsv})
     * @param record the record of full-scale runs
     * @return the Markdown of {@code REPRODUCTIONS.md}
     * @throws IOException if the catalogue or a notebook cannot be read, or two notebooks claim one paper
     */
    public static String render(Path notebooks, Map<String, Measured> record) throws IOException {
        List<Catalogue.Entry> catalogue = Catalogue.read(notebooks.resolve("catalogue.tsv"));
        Map<Integer, NotebookInfo> byNumber = new TreeMap<>();
        List<NotebookInfo> others = new ArrayList<>();
        for (NotebookInfo nb : NotebookInfo.readAll(notebooks)) {
            Integer n = nb.paper() == null ? null : nb.paper().catalogue();
            if (n == null) {
                others.add(nb);
            } else if (byNumber.put(n, nb) != null) {
                throw new IOException("two notebooks reproduce catalogue paper " + n + ": " + byNumber.get(n).name()
                        + " and another; give each paper one notebook");
            }
        }
        long withNotebook = byNumber.size();
        long reproduced = byNumber.values().stream().filter(nb -> status(nb, record).equals("reproduced")).count();
        StringBuilder md = new StringBuilder("""
                # Reproductions

                The papers of repro4j's seed list, each with its notebook, its tier and what its claims showed at
                full scale (seed %d). Generated by `./repro reproductions` from `notebooks/catalogue.tsv`, the
                notebooks' metadata and `notebooks/reproductions.json`; do not edit by hand.

                - **Tier** A: faithful mechanism and visible claim; B: the mechanism runs, the claim may not show at
                  classroom scale (its invariants are gated, the headline reported); C: needs LLM scale, a demo.
                - **Status** reproduced: every claim held in the notebook's last full-scale run; mechanism only: there
                  is a notebook, but a claim failed or it was not run at full scale yet; not yet: no notebook.

                %d of %d papers have a notebook; %d reproduced.

                | # | paper | tier | notebook | status | claims held | measured at |
                |---|---|---|---|---|---|---|
                """.formatted(Repro.DEFAULT_SEED, withNotebook, catalogue.size(), reproduced));
        for (Catalogue.Entry e : catalogue) {
            NotebookInfo nb = byNumber.get(e.number());
            md.append("| ").append(e.number()).append(" | ").append(e.shortName()).append(" — *")
                    .append(e.title().replace("|", "\\|")).append("* | ").append(e.tier()).append(" | ");
            if (nb == null) {
                md.append("— | not yet | | |\n");
            } else {
                md.append(row(nb, record));
            }
        }
        if (!others.isEmpty()) {
            md.append("\n## Other notebooks\n\n| notebook | paper | claims held | measured at |\n|---|---|---|---|\n");
            for (NotebookInfo nb : others) {
                md.append("| ").append(link(nb)).append(" | ").append(RunSummary.cite(nb.paper())).append(" | ");
                Optional<Measured> m = Optional.ofNullable(record.get(nb.name()));
                md.append(m.map(Reproductions::held).orElse("")).append(" | ")
                        .append(m.map(Reproductions::when).orElse("")).append(" |\n");
            }
        }
        return md.toString();
    }

    private static String row(NotebookInfo nb, Map<String, Measured> record) {
        Measured m = record.get(nb.name());
        return link(nb) + " | " + status(nb, record) + " | " + (m == null ? "" : held(m)) + " | "
                + (m == null ? "" : when(m)) + " |\n";
    }

    private static String status(NotebookInfo nb, Map<String, Measured> record) {
        Measured m = record.get(nb.name());
        return m != null && m.total() > 0 && m.held() == m.total() ? "reproduced" : "mechanism only";
    }

    private static String link(NotebookInfo nb) {
        return "[" + nb.name() + "](notebooks/" + nb.name() + ".ipynb)";
    }

    private static String held(Measured m) {
        return m.total() == 0 ? "no claims" : m.held() + " / " + m.total();
    }

    private static String when(Measured m) {
        return m.commit() + " (" + m.date() + ")";
    }
}
