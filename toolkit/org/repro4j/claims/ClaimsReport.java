package org.repro4j.claims;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Command line: {@code ClaimsReport <claims-dir> [notebook...]} prints every claim of every claims file in the
 * folder (notebook, scale, claim, observed, expected, holds) and exits with status 1 if
 *
 * <ul>
 *   <li>a claim recorded at <b>full</b> scale does not hold, or
 *   <li>a notebook named on the command line has no claims file, an unreadable one, or no claims in it
 *       (it did not run to its end).
 * </ul>
 *
 * Claims recorded at <b>smoke</b> scale are printed for information only: notebooks state full-scale thresholds
 * that a seconds-long smoke run is not expected to meet. Notebook names may be given as {@code 01-fashion-mnist}
 * or as a path such as {@code notebooks/01-fashion-mnist.ipynb}. Used by {@code ./repro run}.
 */
public final class ClaimsReport {

    /** The JSON layout written by {@link Claims}. */
    record ClaimsFile(String notebook, String scale, List<Claim> claims) {}

    private ClaimsReport() {}

    /**
     * @param args the claims folder, then optional notebook names that must have claims
     */
    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: ClaimsReport <claims-dir> [notebook...]   e.g. ClaimsReport build/claims 01-fashion-mnist");
            System.exit(2);
        }
        System.exit(run(Path.of(args[0]), Arrays.asList(args).subList(1, args.length), System.out));
    }

    /**
     * Prints the report.
     *
     * @param directory folder of {@code <notebook>.json} files
     * @param required notebooks that must have claims
     * @param out where the report goes
     * @return 0 if every full-scale claim holds and every required notebook has claims, 1 otherwise
     */
    public static int run(Path directory, List<String> required, PrintStream out) {
        Map<String, ClaimsFile> files = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        if (Files.isDirectory(directory)) {
            try (Stream<Path> paths = Files.list(directory)) {
                for (Path path : paths.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                    String notebook = path.getFileName().toString().replaceFirst("\\.json$", "");
                    try {
                        ClaimsFile file = new Gson().fromJson(Files.readString(path, StandardCharsets.UTF_8), ClaimsFile.class);
                        if (file == null || file.claims() == null || file.scale() == null) {
                            throw new JsonParseException("missing \"scale\" or \"claims\"");
                        }
                        files.put(notebook, file);
                    } catch (JsonParseException e) {
                        problems.add(path + " is not a claims file: " + e.getMessage());
                    }
                }
            } catch (IOException e) {
                problems.add("cannot read " + directory + ": " + e.getMessage());
            }
        }
        Table table = Table.create("claims", StringColumn.create("notebook"), StringColumn.create("scale"),
                StringColumn.create("claim"), StringColumn.create("observed"), StringColumn.create("expected"),
                StringColumn.create("holds"));
        int failed = 0;
        int informational = 0;
        for (Map.Entry<String, ClaimsFile> entry : files.entrySet()) {
            boolean full = "full".equals(entry.getValue().scale());
            for (Claim claim : entry.getValue().claims()) {
                String verdict = claim.holds() ? "yes" : full ? "NO" : "no (smoke: informational)";
                if (!claim.holds()) {
                    if (full) {
                        failed++;
                    } else {
                        informational++;
                    }
                }
                table.stringColumn("notebook").append(entry.getKey());
                table.stringColumn("scale").append(entry.getValue().scale());
                table.stringColumn("claim").append(claim.name());
                table.stringColumn("observed").append(Claims.format(claim.observed()));
                table.stringColumn("expected").append(claim.expected());
                table.stringColumn("holds").append(verdict);
            }
        }
        for (String name : required) {
            String notebook = Path.of(name).getFileName().toString().replaceFirst("\\.ipynb$", "");
            ClaimsFile file = files.get(notebook);
            if (file == null) {
                problems.add(notebook + ": no claims file " + directory.resolve(notebook + ".json") + " (did the notebook run?)");
            } else if (file.claims().isEmpty()) {
                problems.add(notebook + ": no claims recorded (the notebook stopped before its claims)");
            }
        }
        out.println(table.rowCount() == 0 ? "no claims in " + directory : table.printAll());
        problems.forEach(p -> out.println("ERROR " + p));
        out.printf("%d claims, %d failing at full scale, %d not met at smoke scale (informational)%n",
                table.rowCount(), failed, informational);
        return failed > 0 || !problems.isEmpty() ? 1 : 0;
    }
}
