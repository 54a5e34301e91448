package org.repro4j.kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;

import org.repro4j.kernel.error.CellFailure;

/**
 * Turns compile errors and exceptions thrown by cells into {@link CellFailure}s that read like the user's code,
 * not like JShell's: no {@code REPL.$JShell$12.} prefixes, no kernel or reflection frames, and positions given as
 * {@code In [3], line 2} (the cell's execution count and the line within the cell).
 */
final class ErrorFormatter {

    /** Where a snippet's source starts: the cell it came from and the line of the cell it starts on. */
    record Location(int cell, int firstLine) {
        String describe(int lineInSnippet) {
            return "In [" + cell + "], line " + (firstLine + lineInSnippet - 1);
        }
    }

    private static final Pattern WRAPPER_PREFIX = Pattern.compile("(?:REPL\\.)?\\$JShell\\$\\d+[$.]");
    private static final Pattern WRAPPER_CLASS = Pattern.compile("(?:REPL\\.)?\\$JShell\\$\\d+");
    private static final Pattern LAMBDA = Pattern.compile("lambda\\$(.*)\\$\\d+");
    private static final String RED = "\u001b[0;31m";
    private static final String RESET = "\u001b[0m";
    private static final int MAX_CAUSES = 8;
    private static final String KERNEL_PACKAGE = "org.repro4j.kernel.";

    private final Function<String, Location> locations;

    /** @param locations snippet id (as in JShell's {@code #id} file names) to where it sits in the notebook */
    ErrorFormatter(Function<String, Location> locations) {
        this.locations = locations;
    }

    /**
     * Removes JShell's wrapper class names from a message, e.g. {@code "REPL.$JShell$4.s" is null} becomes
     * {@code "s" is null}.
     *
     * @param message any text, may be null
     * @return the cleaned text, or null for null
     */
    static String clean(String message) {
        if (message == null) {
            return null;
        }
        return WRAPPER_CLASS.matcher(WRAPPER_PREFIX.matcher(message).replaceAll("")).replaceAll("");
    }

    /**
     * A compile error: each error diagnostic as a one-line message, the offending source line and a marker
     * under the offending span.
     *
     * @param source the snippet's source text
     * @param diagnostics JShell's diagnostics for the snippet; warnings are ignored
     * @param where where the snippet starts in the notebook
     * @return the failure to throw
     */
    CellFailure compilation(String source, List<Diag> diagnostics, Location where) {
        List<String> lines = new ArrayList<>();
        String summary = null;
        for (Diag diag : diagnostics) {
            if (!diag.isError()) {
                continue;
            }
            String message = diagnosticMessage(diag);
            int start = (int) Math.max(0, Math.min(diag.getStartPosition(), source.length()));
            int end = (int) Math.max(start, Math.min(diag.getEndPosition(), source.length()));
            int lineStart = source.lastIndexOf('\n', start - 1) + 1;
            int lineEnd = source.indexOf('\n', start);
            lineEnd = lineEnd < 0 ? source.length() : lineEnd;
            int lineInSnippet = 1 + (int) source.substring(0, lineStart).chars().filter(c -> c == '\n').count();
            String position = where.describe(lineInSnippet);
            if (summary == null) {
                summary = message + " (" + position + ")";
            }
            String code = source.substring(lineStart, lineEnd);
            int markEnd = Math.min(Math.max(end, start + 1), lineEnd);
            lines.add(RED + "error" + RESET + ": " + message);
            lines.add("  " + position + ":");
            lines.add("    " + code);
            lines.add("    " + " ".repeat(start - lineStart) + "^".repeat(Math.max(1, markEnd - start)));
        }
        if (summary == null) {
            summary = "the snippet was rejected without an error message (" + where.describe(1) + ")";
            lines.add(summary);
        }
        return failure("CompilationError", summary, lines, new StackTraceElement[0]);
    }

    /**
     * The code at the end of a cell is not a complete statement (an unclosed brace, say).
     *
     * @param rest the unfinished code
     * @param where where it starts
     * @return the failure to throw
     */
    CellFailure incomplete(String rest, Location where) {
        String firstLine = rest.strip().lines().findFirst().orElse("");
        String summary = "the cell ends in the middle of a statement or declaration (" + where.describe(1)
                + "): is a closing brace, parenthesis or quote missing?";
        return failure("CompilationError", summary, List.of(summary, "    " + firstLine), new StackTraceElement[0]);
    }

    /**
     * An exception thrown by a cell: its class and message, the frames of the user's code, and causes.
     *
     * @param thrown the exception object the cell threw
     * @return the failure to throw, named after {@code thrown}'s class
     */
    CellFailure runtime(Throwable thrown) {
        List<String> lines = new ArrayList<>();
        List<StackTraceElement> userFrames = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable current = thrown;
        boolean first = true;
        while (current != null && seen.add(current) && seen.size() <= MAX_CAUSES) {
            String header = RED + exceptionName(current) + RESET + messageSuffix(current.getMessage());
            lines.add(first ? header : "Caused by: " + header);
            appendFrames(current.getStackTrace(), lines, first ? userFrames : new ArrayList<>());
            first = false;
            current = current.getCause();
        }
        return failure(exceptionName(thrown), describe(thrown), lines, userFrames.toArray(new StackTraceElement[0]));
    }

    /**
     * A failure the kernel itself raises (interrupt, timeout, bad magic): a name and a message, no frames.
     *
     * @param name the error name shown by Jupyter
     * @param message what happened and what to do
     * @return the failure to throw
     */
    static CellFailure simple(String name, String message) {
        return failure(name, message, List.of(RED + name + RESET + ": " + message), new StackTraceElement[0]);
    }

    private static CellFailure failure(String name, String message, List<String> lines, StackTraceElement[] frames) {
        return CellFailure.named(name, message, lines, frames);
    }

    private static String describe(Throwable thrown) {
        String message = clean(thrown.getMessage());
        return message == null ? exceptionName(thrown) : message;
    }

    private static String messageSuffix(String message) {
        String cleaned = clean(message);
        return cleaned == null ? "" : ": " + cleaned;
    }

    static String exceptionName(Throwable thrown) {
        if (thrown instanceof EvalException) {
            String name = ((EvalException) thrown).getExceptionClassName();
            return clean(name.substring(name.lastIndexOf('.') + 1).replaceAll(".*\\$", ""));
        }
        String simple = thrown.getClass().getSimpleName();
        return simple.isEmpty() ? clean(thrown.getClass().getName()) : simple;
    }

    private void appendFrames(StackTraceElement[] frames, List<String> lines, List<StackTraceElement> userFrames) {
        int firstUser = -1;
        for (int i = 0; i < frames.length; i++) {
            if (isUserFrame(frames[i])) {
                firstUser = i;
                break;
            }
        }
        if (firstUser > 0 && !frames[firstUser - 1].getClassName().startsWith(KERNEL_PACKAGE)) {
            // The library method the user's code called, e.g. java.lang.Integer.parseInt.
            StackTraceElement called = frames[firstUser - 1];
            lines.add("    thrown in " + called.getClassName() + "." + called.getMethodName());
        }
        for (int i = Math.max(firstUser, 0); i < frames.length; i++) {
            if (isUserFrame(frames[i])) {
                StackTraceElement readable = readable(frames[i]);
                userFrames.add(readable);
                lines.add("    at " + frameText(frames[i]));
            }
        }
    }

    private static boolean isUserFrame(StackTraceElement frame) {
        String file = frame.getFileName();
        return frame.getClassName().startsWith("REPL.") || (file != null && file.startsWith("#"));
    }

    private String frameText(StackTraceElement frame) {
        String method = methodName(frame);
        String position = position(frame);
        return method.isEmpty() ? position : method + " (" + position + ")";
    }

    private StackTraceElement readable(StackTraceElement frame) {
        String method = methodName(frame);
        return new StackTraceElement(method.isEmpty() ? "cell" : method, "", position(frame), -1);
    }

    private String position(StackTraceElement frame) {
        String file = frame.getFileName();
        Location where = file != null && file.startsWith("#") ? locations.apply(file.substring(1)) : null;
        int line = Math.max(frame.getLineNumber(), 1);
        return where == null ? "line " + line + " of an earlier cell" : where.describe(line);
    }

    private static String methodName(StackTraceElement frame) {
        String type = clean(frame.getClassName());
        String method = frame.getMethodName();
        var lambda = LAMBDA.matcher(method);
        if (lambda.matches()) {
            String enclosing = lambda.group(1);
            method = enclosing.equals("do_it$") || enclosing.startsWith("static") ? "lambda" : enclosing + ".lambda";
        } else if (method.equals("do_it$")) {
            method = "";
        }
        if (!type.isEmpty() && !type.startsWith("REPL")) {
            method = method.isEmpty() ? type : type + "." + method;
        }
        return method;
    }

    private static String diagnosticMessage(Diag diag) {
        StringBuilder message = new StringBuilder();
        for (String line : diag.getMessage(Locale.ROOT).split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("location:")) {
                continue;
            }
            if (message.length() == 0) {
                message.append(trimmed);
            } else if (trimmed.startsWith("symbol:")) {
                message.append(": ").append(trimmed.substring("symbol:".length()).strip());
            } else {
                message.append("; ").append(trimmed);
            }
        }
        return clean(message.toString());
    }
}
