package org.repro4j.claims;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.repro4j.Format;
import org.repro4j.Repro;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The machine-checked claims at the end of a reproduction notebook.
 *
 * <pre>{@code
 * Claims claims = Claims.forNotebook("01-fashion-mnist");
 * claims.atLeast("MLP test accuracy", mlpAccuracy, 0.85).paper("0.871 (MLPClassifier, benchmark of §3)");
 * claims.greaterThan("CNN beats MLP", cnnAccuracy, mlpAccuracy, 0.0);
 * claims.table();   // shown as HTML in the notebook
 * }</pre>
 *
 * Each check computes whether the claim holds, and (re)writes {@code <Repro.buildDir()>/claims/<notebook>.json}:
 *
 * <pre>{@code
 * {"notebook": "01-fashion-mnist", "scale": "full", "seed": 42,
 *  "claims": [{"name": "MLP test accuracy", "observed": 0.871, "expected": "≥ 0.85", "holds": true,
 *              "paper": "0.871 (MLPClassifier, benchmark of §3)"}]}
 * }</pre>
 *
 * Checking a name again replaces its earlier result, so re-running a cell does not duplicate it. Creating the
 * object writes an empty claims list, so a stale file from an earlier run never survives a failed one. The scale
 * is recorded because notebooks state full-scale thresholds: {@link ClaimsReport} fails only on full-scale
 * claims and reports smoke-scale ones as information.
 */
public final class Claims {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private final String notebook;
    private final Repro.Scale scale;
    private final long seed;
    private final Path file;
    private final Map<String, Claim> claims = new LinkedHashMap<>();

    /** A claim just checked, to which the paper's own figure can be added. */
    public final class Recorded {
        private final String name;

        private Recorded(String name) {
            this.name = name;
        }

        /**
         * Puts the paper's own figure for the claimed quantity beside ours, in the notebook's claims table, the
         * claims file and the run summary.
         *
         * @param figure the value with its setting and where the paper reports it, e.g.
         *     {@code "0.2 % of parameters at 1B (§4)"}
         * @return this
         * @throws IllegalArgumentException if {@code figure} is blank
         */
        public Recorded paper(String figure) {
            if (figure == null || figure.isBlank()) {
                throw new IllegalArgumentException("claim '" + name + "': give the paper's figure with its setting,"
                        + " e.g. \"0.871 (MLP, Table 3)\", or leave .paper(...) out when the paper has none");
            }
            claims.put(name, claims.get(name).withPaper(figure));
            write();
            return this;
        }

        /** @return whether the claim holds */
        public boolean holds() {
            return claim().holds();
        }

        /** @return the claim as recorded */
        public Claim claim() {
            return claims.get(name);
        }

        @Override
        public String toString() {
            return claim().toString();
        }
    }

    private Claims(String notebook, Repro.Scale scale, long seed, Path directory) {
        if (notebook == null || notebook.isBlank() || notebook.contains("/") || notebook.contains("\\")) {
            throw new IllegalArgumentException("name the notebook without folder or extension, e.g. \"01-fashion-mnist\"; got " + notebook);
        }
        this.notebook = notebook;
        this.scale = scale;
        this.seed = seed;
        this.file = directory.resolve(notebook + ".json");
        write();
    }

    /**
     * Starts the claims of a notebook at the current {@link Repro#scale()} and {@link Repro#seed()}, written under
     * {@code Repro.buildDir()/claims/}.
     *
     * @param notebook notebook file name without extension, e.g. {@code "01-fashion-mnist"}
     * @return an empty claims list (its file is written at once)
     * @throws IllegalArgumentException if the name is blank or contains a folder
     * @throws UncheckedIOException if the claims folder cannot be written
     */
    public static Claims forNotebook(String notebook) {
        return new Claims(notebook, Repro.scale(), Repro.seed(), Repro.buildDir().resolve("claims"));
    }

    /**
     * As {@link #forNotebook(String)} with an explicit folder, scale and seed (for tests and scripts).
     *
     * @param notebook notebook name without extension
     * @param scale the scale the numbers were computed at
     * @param seed the seed they were computed at
     * @param directory folder of the claims files
     * @return an empty claims list
     */
    public static Claims forNotebook(String notebook, Repro.Scale scale, long seed, Path directory) {
        return new Claims(notebook, scale, seed, directory);
    }

    /**
     * Records a claim whose truth the caller decided.
     *
     * @param name what is claimed; checking the same name again replaces the earlier result
     * @param observed the computed value, a {@link Number} or a {@link String}
     * @param expected the expectation, e.g. {@code "bias(ReLU) > bias(linear)"}
     * @param holds whether it holds
     * @return the recorded claim
     * @throws IllegalArgumentException if {@code observed} is neither a number nor a string
     */
    public Recorded check(String name, Object observed, String expected, boolean holds) {
        Object value;
        if (observed instanceof Number number) {
            double d = number.doubleValue();
            value = Double.isFinite(d) ? (Object) d : Double.toString(d);
        } else if (observed instanceof String s) {
            value = s;
        } else {
            throw new IllegalArgumentException("claim '" + name + "': observed must be a number or a string; got "
                    + (observed == null ? "null" : observed.getClass().getSimpleName()));
        }
        claims.put(name, new Claim(name, value, expected, holds, null));
        write();
        return new Recorded(name);
    }

    /** Claims {@code observed ≥ threshold} (false for NaN). @return the recorded claim */
    public Recorded atLeast(String name, double observed, double threshold) {
        return check(name, observed, "≥ " + format(threshold), observed >= threshold);
    }

    /** Claims {@code observed ≤ threshold} (false for NaN). @return the recorded claim */
    public Recorded atMost(String name, double observed, double threshold) {
        return check(name, observed, "≤ " + format(threshold), observed <= threshold);
    }

    /** Claims {@code low ≤ observed ≤ high} (false for NaN). @return the recorded claim */
    public Recorded between(String name, double observed, double low, double high) {
        if (low > high) {
            throw new IllegalArgumentException("claim '" + name + "': interval [" + low + ", " + high + "] is empty");
        }
        return check(name, observed, "in [" + format(low) + ", " + format(high) + "]", observed >= low && observed <= high);
    }

    /**
     * Claims that one quantity exceeds another by more than a margin: {@code a > b + margin}. The observed value
     * recorded is {@code a − b}.
     *
     * @param name e.g. {@code "CNN accuracy − MLP accuracy"}
     * @param a the quantity claimed larger
     * @param b the quantity compared with
     * @param margin required excess, ≥ 0 (0 for a plain comparison)
     * @return the recorded claim
     */
    public Recorded greaterThan(String name, double a, double b, double margin) {
        return check(name, a - b, "> " + format(margin) + " (" + format(a) + " vs " + format(b) + ")", a - b > margin);
    }

    /** @return whether every claim recorded so far holds (true when there are none) */
    public boolean allHold() {
        return claims.values().stream().allMatch(Claim::holds);
    }

    /** @return the claims in the order first checked */
    public List<Claim> claims() {
        return List.copyOf(claims.values());
    }

    /** @return the claims file this object writes */
    public Path file() {
        return file;
    }

    /**
     * @return columns {@code claim}, {@code observed}, {@code expected}, {@code holds} and {@code paper} (the
     *     paper's figure, empty where it gives none), for display
     */
    public Table table() {
        Table table = Table.create("claims of " + notebook + " (" + scale.label() + " scale, seed " + seed + ")",
                StringColumn.create("claim"), StringColumn.create("observed"), StringColumn.create("expected"),
                BooleanColumn.create("holds"), StringColumn.create("paper"));
        for (Claim c : claims.values()) {
            table.stringColumn("claim").append(c.name());
            table.stringColumn("observed").append(c.observedText());
            table.stringColumn("expected").append(c.expected());
            table.booleanColumn("holds").append(c.holds());
            table.stringColumn("paper").append(c.paper() == null ? "" : c.paper());
        }
        return table;
    }

    @Override
    public String toString() {
        return table().printAll();
    }

    /** Numbers in {@link Format#number}; strings unchanged. */
    static String format(Object value) {
        return value instanceof Double d ? Format.number(d) : String.valueOf(value);
    }

    private static String format(double d) {
        return format((Object) d);
    }

    private void write() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("notebook", notebook);
        json.put("scale", scale.label());
        json.put("seed", seed);
        json.put("claims", new ArrayList<>(claims.values()));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), notebook, ".tmp");
            Files.writeString(tmp, GSON.toJson(json) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write claims file " + file + " (set REPRO_BUILD to a writable folder)", e);
        }
    }
}
