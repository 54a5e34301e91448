package org.repro4j.kernel;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jdk.jshell.DeclarationSnippet;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.UnresolvedReferenceException;

import org.repro4j.kernel.error.CellFailure;

/**
 * Evaluates plain Java code (no magics) in one JShell session that lives as long as the kernel.
 *
 * <p>A cell may hold many statements and declarations; {@code JShell.eval} takes one at a time, so the cell is
 * split with {@code analyzeCompletion} and each snippet is evaluated in order. The value of the last snippet is
 * shown when it is an expression the user did not end with {@code ;} (so {@code display(x);} shows nothing).
 * Declarations that refer to something not defined yet (a class using a class declared further down) are
 * accepted; if the reference is still missing at the end of the cell, a warning naming it goes to stderr.
 *
 * <p>{@link #stop(CellFailure)} may be called from another thread (interrupt, timeout): it stops the running
 * snippet and the rest of the cell, which then fails with the given failure. State from before survives.
 */
final class Evaluator implements AutoCloseable {

    /** The value a cell shows; {@code value} may be null (the cell's last expression evaluated to null). */
    record Result(Object value) {
    }

    private static final Set<Snippet.SubKind> SHOWN = EnumSet.of(Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND,
            Snippet.SubKind.VAR_VALUE_SUBKIND, Snippet.SubKind.ASSIGNMENT_SUBKIND,
            Snippet.SubKind.OTHER_EXPRESSION_SUBKIND);

    private final TrampolineExecutionControlProvider engine = new TrampolineExecutionControlProvider();
    private final JShell jshell;
    private final SourceCodeAnalysis analysis;
    private final Map<String, ErrorFormatter.Location> locations = new ConcurrentHashMap<>();
    private final ErrorFormatter errors = new ErrorFormatter(locations::get);
    private volatile CellFailure stopRequest;

    Evaluator() {
        jshell = JShell.builder().executionEngine(engine, Map.of()).build();
        analysis = jshell.sourceCodeAnalysis();
    }

    /** @return the JShell session, for completion and inspection */
    JShell jshell() {
        return jshell;
    }

    /** Forgets a stop request left over from the previous cell; call when a new cell starts. */
    void beginCell() {
        stopRequest = null;
        engine.control().allowRuns();
    }

    /**
     * Stops the running snippet and the remaining snippets of the current cell. Safe to call from any thread.
     *
     * @param reportAs what the current cell reports: an interrupt or a timeout
     */
    void stop(CellFailure reportAs) {
        stopRequest = reportAs;
        jshell.stop();
    }

    /**
     * Adds jars or class directories for both compiling and running later snippets.
     *
     * @param path one or more paths separated by {@link java.io.File#pathSeparator}
     */
    void addToClasspath(String path) {
        jshell.addToClasspath(path);
    }

    /**
     * Evaluates every snippet in {@code code}, in order.
     *
     * @param code Java statements, expressions and declarations
     * @param cell the cell's execution count, used in error positions
     * @param firstLine the line of the cell {@code code} starts on (1 unless magics came first)
     * @return the value to show, or null when the cell shows nothing
     * @throws CellFailure on a compile error, an exception thrown by the code, or a stop
     */
    Result eval(String code, int cell, int firstLine) {
        String remaining = code;
        Result shown = null;
        List<DeclarationSnippet> declared = new ArrayList<>();
        while (true) {
            throwIfStopped();
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            if (info.completeness() == Completeness.EMPTY) {
                break;
            }
            String source = info.source() == null ? null : info.source().stripLeading();
            int start = code.length() - remaining.length() + startOf(source, remaining);
            ErrorFormatter.Location where = new ErrorFormatter.Location(cell, firstLine + linesBefore(code, start));
            if (source == null) {
                throw errors.incomplete(remaining, where);
            }
            boolean endsWithSemicolon = info.completeness() != Completeness.COMPLETE_WITH_SEMI
                    && source.stripTrailing().endsWith(";");
            shown = run(source, where, declared, !endsWithSemicolon);
            remaining = info.remaining();
        }
        warnAboutUndefinedReferences(declared);
        return shown;
    }

    /**
     * Evaluates import declarations as a single JShell snippet. JShell compiles every snippet on its own, so the
     * start-up's imports, evaluated one by one, cost one compilation each by a javac that is still cold (about a
     * second on two cores); as one snippet they cost one. Every later snippet sees all of them, as it would see
     * them as separate snippets.
     *
     * @param imports import declarations only, e.g. {@code import java.util.*;\nimport java.io.*;}
     * @throws CellFailure if any of them does not compile; then none of them is in effect
     */
    void evalImports(String imports) {
        run(imports.strip() + "\n", new ErrorFormatter.Location(0, 1), new ArrayList<>(), false);
    }

    private Result run(String source, ErrorFormatter.Location where, List<DeclarationSnippet> declared,
                       boolean mayShow) {
        List<SnippetEvent> events = jshell.eval(source);
        TrampolineExecutionControl control = engine.control();
        Result result = null;
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null) {
                continue; // another snippet's status changed because of this one
            }
            Snippet snippet = event.snippet();
            locations.put(snippet.id(), where);
            Object value = control.takeResult(event.value());
            if (event.status() == Snippet.Status.REJECTED) {
                throw errors.compilation(source, jshell.diagnostics(snippet).collect(Collectors.toList()), where);
            }
            throwIfStopped();
            if (event.exception() != null) {
                throw runtimeFailure(event.exception());
            }
            if (snippet instanceof DeclarationSnippet) {
                declared.add((DeclarationSnippet) snippet);
            }
            if (mayShow && SHOWN.contains(snippet.subKind())) {
                result = new Result(value);
            }
        }
        throwIfStopped();
        return result;
    }

    private CellFailure runtimeFailure(JShellException exception) {
        if (exception instanceof UnresolvedReferenceException) {
            DeclarationSnippet snippet = ((UnresolvedReferenceException) exception).getSnippet();
            return ErrorFormatter.simple("UnresolvedReference", describe(snippet)
                    + " cannot run until these are defined: " + unresolved(snippet));
        }
        return errors.runtime(exception);
    }

    private void warnAboutUndefinedReferences(List<DeclarationSnippet> declared) {
        for (DeclarationSnippet snippet : declared) {
            Snippet.Status status = jshell.status(snippet);
            if (status == Snippet.Status.RECOVERABLE_DEFINED || status == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                System.err.println("warning: " + describe(snippet) + " refers to " + unresolved(snippet)
                        + ", which is not defined yet; it can be used once that is defined.");
            }
        }
    }

    private String unresolved(DeclarationSnippet snippet) {
        return jshell.unresolvedDependencies(snippet).collect(Collectors.joining(", "));
    }

    private static String describe(DeclarationSnippet snippet) {
        switch (snippet.kind()) {
            case TYPE_DECL:
                return "type " + snippet.name();
            case METHOD:
                return "method " + snippet.name() + "(...)";
            case VAR:
                return "variable " + snippet.name();
            default:
                return snippet.name();
        }
    }

    private void throwIfStopped() {
        CellFailure stop = stopRequest;
        if (stop != null) {
            throw stop;
        }
    }

    /** Where {@code source} starts within {@code remaining} (JShell may drop leading blanks, add a ';'). */
    private static int startOf(String source, String remaining) {
        if (source == null || source.isBlank()) {
            return 0;
        }
        String head = source.strip();
        head = head.substring(0, Math.min(head.length(), 20)).replaceAll(";$", "");
        return Math.max(0, remaining.indexOf(head));
    }

    private static int linesBefore(String code, int index) {
        int lines = 0;
        for (int i = 0; i < Math.min(index, code.length()); i++) {
            if (code.charAt(i) == '\n') {
                lines++;
            }
        }
        return lines;
    }

    @Override
    public void close() {
        jshell.close();
    }
}
