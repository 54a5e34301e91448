package org.repro4j.kernel;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.repro4j.kernel.error.CellFailure;

/**
 * The magic commands, handled in Java before JShell sees a cell (IJava/JJava names and meanings):
 * <ul>
 *   <li>{@code %classpath PATH...}: add jars or class directories; each argument may be a glob and may hold
 *       several entries separated by {@code :}.</li>
 *   <li>{@code %jars GLOB...}: add the jar files matching each glob.</li>
 *   <li>{@code %load FILE}: run a Java source or JShell script, or the code cells of an {@code .ipynb}.</li>
 *   <li>{@code %time CODE} and, as the first line of a cell, {@code %%time}: run and print the wall time.</li>
 * </ul>
 * Relative paths are resolved against the kernel's working directory (the notebook's directory).
 */
final class Magics {

    /** Runs code (which may itself contain magics) as part of the current cell. */
    interface Runner {
        /**
         * @param code cell text
         * @param cell the current cell's execution count
         * @param firstLine the line of the cell {@code code} starts on
         * @return the value to show, or null
         */
        Evaluator.Result run(String code, int cell, int firstLine);
    }

    private static final Set<String> LINE = new TreeSet<>(List.of("classpath", "jars", "load", "time"));
    private static final Set<String> CELL = new TreeSet<>(List.of("time"));

    private final Evaluator evaluator;
    private final Path workingDirectory;

    /**
     * @param evaluator receives class path additions
     * @param workingDirectory where relative paths start
     */
    Magics(Evaluator evaluator, Path workingDirectory) {
        this.evaluator = evaluator;
        this.workingDirectory = workingDirectory;
    }

    /** @return names of the line magics, without {@code %} */
    static Set<String> lineMagics() {
        return LINE;
    }

    /** @return names of the cell magics, without {@code %%} */
    static Set<String> cellMagics() {
        return CELL;
    }

    /**
     * @param name magic name without {@code %}
     * @param args the rest of the line
     * @param runner runs code for {@code %load} and {@code %time}
     * @param cell current execution count
     * @param line line of the cell the magic is on
     * @return the value to show, or null
     * @throws CellFailure named {@code MagicError} for unknown magics or bad arguments
     */
    Evaluator.Result line(String name, String args, Runner runner, int cell, int line) {
        switch (name) {
            case "classpath":
                addToClasspath("%classpath", args, false);
                return null;
            case "jars":
                addToClasspath("%jars", args, true);
                return null;
            case "load":
                return load(args, runner, cell);
            case "time":
                return time(() -> runner.run(args, cell, line));
            default:
                throw unknown("%" + name, LINE.stream().map(n -> "%" + n));
        }
    }

    /**
     * @param name magic name without {@code %%}
     * @param args the rest of the first line
     * @param body the rest of the cell
     * @param runner runs the body
     * @param cell current execution count
     * @param bodyLine the line of the cell the body starts on
     * @return the value to show, or null
     * @throws CellFailure named {@code MagicError} for unknown magics
     */
    Evaluator.Result cell(String name, String args, String body, Runner runner, int cell, int bodyLine) {
        if (name.equals("time")) {
            return time(() -> runner.run(body, cell, bodyLine));
        }
        throw unknown("%%" + name, CELL.stream().map(n -> "%%" + n));
    }

    private void addToClasspath(String magic, String args, boolean jarsOnly) {
        List<String> patterns = new ArrayList<>();
        for (String arg : split(args)) {
            patterns.addAll(jarsOnly ? List.of(arg) : List.of(arg.split(File.pathSeparator)));
        }
        patterns.removeIf(String::isBlank);
        if (patterns.isEmpty()) {
            throw error(magic + " needs at least one path or glob, e.g. " + magic + " lib/*.jar");
        }
        List<Path> entries = new ArrayList<>();
        for (String pattern : patterns) {
            List<Path> matches;
            try {
                matches = PathGlobs.expand(pattern, workingDirectory);
            } catch (IllegalArgumentException e) {
                throw error(magic + ": " + e.getMessage());
            }
            if (jarsOnly) {
                matches = matches.stream().filter(p -> p.toString().toLowerCase(Locale.ROOT).endsWith(".jar"))
                        .collect(Collectors.toList());
                if (matches.isEmpty()) {
                    throw error(magic + ": \"" + pattern + "\" matches no .jar file");
                }
            }
            entries.addAll(matches);
        }
        evaluator.addToClasspath(entries.stream().map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator)));
        System.out.println("Added to the class path: " + entries.stream()
                .map(p -> workingDirectory.relativize(p.toAbsolutePath()).toString()).collect(Collectors.joining(", ")));
    }

    private Evaluator.Result load(String args, Runner runner, int cell) {
        List<String> files = split(args);
        if (files.size() != 1) {
            throw error("%load takes exactly one file, e.g. %load helpers.jsh or %load 01-setup.ipynb");
        }
        Path file = workingDirectory.resolve(files.get(0)).normalize();
        try {
            if (file.toString().endsWith(".ipynb")) {
                Evaluator.Result last = null;
                for (String code : NotebookCells.codeCells(file)) {
                    last = runner.run(code, cell, 1);
                }
                return last;
            }
            return runner.run(Files.readString(file, StandardCharsets.UTF_8), cell, 1);
        } catch (IOException e) {
            throw error("%load cannot read " + file + ": " + e);
        } catch (IllegalArgumentException e) {
            throw error("%load: " + e.getMessage());
        }
    }

    private interface Timed {
        Evaluator.Result run();
    }

    private static Evaluator.Result time(Timed timed) {
        long start = System.nanoTime();
        try {
            return timed.run();
        } finally {
            System.out.println("Wall time: " + formatNanos(System.nanoTime() - start));
        }
    }

    /**
     * @param nanos a duration
     * @return e.g. {@code 850 µs}, {@code 12.3 ms}, {@code 4.56 s}
     */
    static String formatNanos(long nanos) {
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%d µs", nanos / 1000);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    /**
     * Splits magic arguments at blanks; double or single quotes keep blanks inside one argument.
     *
     * @param args the text after the magic's name
     * @return the arguments, quotes removed
     * @throws CellFailure if a quote is not closed
     */
    static List<String> split(String args) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        boolean inArg = false;
        for (char c : args.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    current.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inArg = true;
            } else if (Character.isWhitespace(c)) {
                if (inArg) {
                    parts.add(current.toString());
                    current.setLength(0);
                    inArg = false;
                }
            } else {
                current.append(c);
                inArg = true;
            }
        }
        if (quote != 0) {
            throw error("unclosed " + quote + " in magic arguments: " + args);
        }
        if (inArg) {
            parts.add(current.toString());
        }
        return parts;
    }

    private static CellFailure unknown(String magic, Stream<String> known) {
        return error("unknown magic " + magic + "; available: " + known.collect(Collectors.joining(", ")));
    }

    private static CellFailure error(String message) {
        return ErrorFormatter.simple("MagicError", message);
    }
}
