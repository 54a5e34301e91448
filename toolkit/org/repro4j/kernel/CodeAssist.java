package org.repro4j.kernel;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;

/**
 * Answers the editor's questions about a cell without running it: completions (Tab), documentation (Shift-Tab)
 * and whether the code is complete (console Enter). Magic lines are blanked out before JShell analyses a cell.
 */
final class CodeAssist {

    private static final Pattern MAGIC_LINE = Pattern.compile("(?m)^[ \\t]*%.*$");
    private static final Pattern MAGIC_PREFIX = Pattern.compile("^\\s*(%%?)(\\w*)$");

    private final SourceCodeAnalysis analysis;

    /** @param analysis the kernel's JShell analysis, so declared variables and imports are known */
    CodeAssist(SourceCodeAnalysis analysis) {
        this.analysis = analysis;
    }

    /**
     * @param code the whole cell
     * @param cursor cursor offset in {@code code}
     * @return completions replacing {@code code[start, cursor)}, or null when there are none
     */
    ReplacementOptions complete(String code, int cursor) {
        String line = code.substring(code.lastIndexOf('\n', cursor - 1) + 1, cursor);
        Matcher magic = MAGIC_PREFIX.matcher(line);
        if (magic.matches()) {
            Set<String> names = magic.group(1).equals("%%") ? Magics.cellMagics() : Magics.lineMagics();
            List<String> matches = names.stream().filter(n -> n.startsWith(magic.group(2)))
                    .collect(Collectors.toList());
            return matches.isEmpty() ? null : new ReplacementOptions(matches, cursor - magic.group(2).length(), cursor);
        }
        // JShell finds the statement under the cursor itself, and sees declarations earlier in the cell.
        String prefix = blankMagics(code.substring(0, cursor));
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions = analysis.completionSuggestions(prefix, cursor, anchor);
        Set<String> matches = new LinkedHashSet<>();
        suggestions.stream().filter(SourceCodeAnalysis.Suggestion::matchesType)
                .forEach(s -> matches.add(s.continuation()));
        suggestions.forEach(s -> matches.add(s.continuation()));
        return matches.isEmpty() ? null : new ReplacementOptions(new ArrayList<>(matches), anchor[0], cursor);
    }

    /**
     * @param code the whole cell
     * @param cursor cursor offset, anywhere inside or just after an identifier
     * @return signatures and javadoc (where the JDK ships it) for the identifier, or null when nothing is known
     */
    String documentation(String code, int cursor) {
        String text = blankMagics(code);
        int end = Math.min(cursor, text.length());
        while (end < text.length() && Character.isJavaIdentifierPart(text.charAt(end))) {
            end++;
        }
        if (end < text.length() && text.charAt(end) == '(') {
            end++;
        }
        String snippet = text.substring(0, end);
        List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(snippet, snippet.length(), true);
        if (docs.isEmpty() && !snippet.endsWith("(")) {
            docs = analysis.documentation(snippet + "(", snippet.length() + 1, true);
        }
        if (docs.isEmpty()) {
            return null;
        }
        return docs.stream()
                .map(d -> d.javadoc() == null || d.javadoc().isBlank() ? d.signature()
                        : d.signature() + "\n\n" + d.javadoc().strip())
                .collect(Collectors.joining("\n\n"));
    }

    /**
     * @param code a cell
     * @return {@link BaseKernel#IS_COMPLETE_YES}, {@link BaseKernel#IS_COMPLETE_BAD}, or the indent for the next
     *     line when the code is unfinished
     */
    String isComplete(String code) {
        if (code.strip().startsWith("%%")) {
            return BaseKernel.IS_COMPLETE_YES;
        }
        String rest = blankMagics(code);
        while (true) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            Completeness completeness = info.completeness();
            switch (completeness) {
                case EMPTY:
                    return BaseKernel.IS_COMPLETE_YES;
                case COMPLETE:
                case COMPLETE_WITH_SEMI:
                    rest = info.remaining();
                    break;
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    return "    ".repeat(Math.max(1, openBrackets(rest)));
                default:
                    // UNKNOWN: JShell cannot make sense of it, e.g. "int x = ;" or a stray ")"
                    return BaseKernel.IS_COMPLETE_BAD;
            }
        }
    }

    private static int openBrackets(String code) {
        int depth = 0;
        for (char c : code.toCharArray()) {
            if (c == '{' || c == '(' || c == '[') {
                depth++;
            } else if (c == '}' || c == ')' || c == ']') {
                depth--;
            }
        }
        return Math.max(depth, 0);
    }

    private static String blankMagics(String code) {
        return MAGIC_LINE.matcher(code).replaceAll(m -> " ".repeat(m.group().length()));
    }
}
