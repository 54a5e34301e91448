package org.repro4j.claims;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.repro4j.Format;

/**
 * The report of one {@code ./repro run}: every notebook it ran, with its paper, each claim (ours, the paper's
 * figure, whether it holds), the seed, the scale and the wall time. Writes {@code summary.json} and
 * {@code summary.md} into the claims folder, prints the Markdown, and judges only the notebooks of this run, so a
 * stale claims file of another notebook changes nothing.
 *
 * <p>Command line: {@code RunSummary <claims-dir> <notebooks-dir> <runs.tsv> <commit>}, where each line of
 * {@code runs.tsv} is {@code notebook<TAB>wall seconds<TAB>exit status<TAB>scale<TAB>seed}. Exit status 1 when a
 * notebook failed to execute, a notebook that checks claims left none from this run, or a full-scale claim does not
 * hold; claims at smoke scale are informational (notebooks state full-scale thresholds).
 */
public final class RunSummary {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    /**
     * One notebook of the run.
     *
     * @param notebook its name
     * @param paper the paper in its metadata, or null
     * @param executed whether it ran to its end
     * @param wallSeconds wall-clock time of its execution, seconds
     * @param scale {@code smoke} or {@code full}
     * @param seed the seed it ran at
     * @param claims its claims from this run (empty if it checks none or left none)
     * @param problem why the notebook counts as failed, or null
     */
    public record Result(String notebook, NotebookInfo.Paper paper, boolean executed, double wallSeconds,
            String scale, long seed, List<Claim> claims, String problem) {

        /** @return how many claims hold */
        public long held() {
            return claims.stream().filter(Claim::holds).count();
        }

        /** @return whether this notebook fails the run: a problem, or a full-scale claim that does not hold */
        public boolean fails() {
            return problem != null || ("full".equals(scale) && held() < claims.size());
        }
    }

    /**
     * The whole run, as {@code summary.json} holds it.
     *
     * @param commit the commit the run was made at (with {@code +dirty} if the work tree had changes)
     * @param notebooks one result per notebook run, in run order
     */
    public record Summary(String commit, List<Result> notebooks) {}

    private RunSummary() {}

    /** @param args claims folder, notebooks folder, runs file, commit */
    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: RunSummary <claims-dir> <notebooks-dir> <runs.tsv> <commit>");
            System.exit(2);
        }
        Summary summary = summarize(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), args[3]);
        System.exit(write(summary, Path.of(args[0]), System.out) ? 0 : 1);
    }

    /**
     * @param claimsDir folder of the claims files
     * @param notebooksDir folder of the notebooks (for their metadata)
     * @param runs the runs file written by {@code ./repro run}
     * @param commit the commit of the run
     * @return the summary of the notebooks listed in {@code runs}
     * @throws IOException if the runs file cannot be read or has a malformed line
     */
    public static Summary summarize(Path claimsDir, Path notebooksDir, Path runs, String commit) throws IOException {
        List<Result> results = new ArrayList<>();
        for (String line : Files.readAllLines(runs, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length != 5) {
                throw new IOException(runs + ": expected notebook, seconds, status, scale and seed; got '" + line + "'");
            }
            results.add(result(claimsDir, notebooksDir.resolve(f[0] + ".ipynb"), Double.parseDouble(f[1]),
                    Integer.parseInt(f[2]) == 0, f[3], Long.parseLong(f[4])));
        }
        return new Summary(commit, results);
    }

    private static Result result(Path claimsDir, Path notebook, double seconds, boolean executed, String scale,
            long seed) {
        String name = notebook.getFileName().toString().replaceFirst("\\.ipynb$", "");
        NotebookInfo info;
        try {
            info = NotebookInfo.read(notebook);
        } catch (IOException e) {
            return new Result(name, null, executed, seconds, scale, seed, List.of(), e.getMessage());
        }
        if (!executed) {
            return new Result(name, info.paper(), false, seconds, scale, seed, List.of(),
                    "failed to execute (log in build/notebooks/" + name + ".log)");
        }
        if (!info.checksClaims()) {
            return new Result(name, info.paper(), true, seconds, scale, seed, List.of(), null);
        }
        Path file = claimsDir.resolve(name + ".json");
        if (!Files.isRegularFile(file)) {
            return new Result(name, info.paper(), true, seconds, scale, seed, List.of(),
                    "no claims file " + file + " (did it run to its claims cell?)");
        }
        try {
            ClaimsFile claims = ClaimsFile.read(file);
            String problem = !claims.scale().equals(scale) || claims.seed() != seed
                    ? "claims file is from another run (" + claims.scale() + " scale, seed " + claims.seed() + ")"
                    : claims.claims().isEmpty() ? "no claims recorded (it stopped before its claims)" : null;
            return new Result(name, info.paper(), true, seconds, scale, seed, claims.claims(), problem);
        } catch (IOException e) {
            return new Result(name, info.paper(), true, seconds, scale, seed, List.of(), e.getMessage());
        }
    }

    /**
     * Writes {@code summary.json} and {@code summary.md} and prints the Markdown.
     *
     * @param summary the run
     * @param claimsDir where to write
     * @param out where to print
     * @return whether the run passes: no notebook {@link Result#fails() fails}
     * @throws IOException if the files cannot be written
     */
    public static boolean write(Summary summary, Path claimsDir, PrintStream out) throws IOException {
        Files.createDirectories(claimsDir);
        Files.writeString(claimsDir.resolve("summary.json"), GSON.toJson(summary) + "\n", StandardCharsets.UTF_8);
        String markdown = markdown(summary);
        Files.writeString(claimsDir.resolve("summary.md"), markdown, StandardCharsets.UTF_8);
        out.print(markdown);
        return summary.notebooks().stream().noneMatch(Result::fails);
    }

    /**
     * @param summary the run
     * @return an overview table (one row per notebook), then each notebook's claims beside the paper's figures
     */
    static String markdown(Summary summary) {
        StringBuilder md = new StringBuilder("# repro4j run at " + summary.commit() + "\n\n");
        md.append("| notebook | paper | scale | seed | claims held | wall time | verdict |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        long failing = 0;
        long claims = 0;
        long failingFull = 0;
        for (Result r : summary.notebooks()) {
            claims += r.claims().size();
            failingFull += "full".equals(r.scale()) ? r.claims().size() - r.held() : 0;
            failing += r.fails() ? 1 : 0;
            md.append("| ").append(r.notebook()).append(" | ").append(cite(r.paper())).append(" | ")
                    .append(r.scale()).append(" | ").append(r.seed()).append(" | ")
                    .append(r.claims().isEmpty() ? "—" : r.held() + " / " + r.claims().size()).append(" | ")
                    .append(Format.duration(java.time.Duration.ofMillis(Math.round(r.wallSeconds() * 1000))))
                    .append(" | ").append(verdict(r)).append(" |\n");
        }
        for (Result r : summary.notebooks()) {
            if (r.claims().isEmpty() && r.problem() == null) {
                continue;
            }
            md.append("\n## ").append(r.notebook()).append("\n\n");
            if (r.problem() != null) {
                md.append("**").append(r.problem()).append("**\n\n");
            }
            if (!r.claims().isEmpty()) {
                md.append("| claim | ours | expected | holds | paper |\n|---|---|---|---|---|\n");
                for (Claim c : r.claims()) {
                    md.append("| ").append(cell(c.name())).append(" | ").append(cell(c.observedText())).append(" | ")
                            .append(cell(c.expected())).append(" | ")
                            .append(c.holds() ? "yes" : "full".equals(r.scale()) ? "**NO**" : "no (smoke)")
                            .append(" | ").append(c.paper() == null ? "" : cell(c.paper())).append(" |\n");
                }
            }
        }
        md.append(String.format(Locale.ROOT, "%n%d notebooks, %d failing; %d claims, %d failing at full scale%n",
                summary.notebooks().size(), failing, claims, failingFull));
        return md.toString();
    }

    private static String verdict(Result r) {
        if (r.problem() != null) {
            return "**failed**";
        }
        if (r.claims().isEmpty()) {
            return "ran (no claims)";
        }
        if (r.held() == r.claims().size()) {
            return "all hold";
        }
        return "full".equals(r.scale()) ? "**claims fail**" : "smoke: informational";
    }

    /** @return e.g. {@code Bigram Subnetworks … (Chang et al., NeurIPS 2025)} */
    static String cite(NotebookInfo.Paper paper) {
        if (paper == null) {
            return "—";
        }
        String[] authors = paper.authors() == null ? new String[0] : paper.authors().split(",");
        String first = authors.length == 0 ? "" : authors[0].trim().replaceAll("^.* ", "");
        String who = authors.length > 2 ? first + " et al." : authors.length == 2
                ? first + " & " + authors[1].trim().replaceAll("^.* ", "") : first;
        return cell(paper.paper()) + " (" + who + ", " + paper.venue() + " " + paper.year() + ")";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
