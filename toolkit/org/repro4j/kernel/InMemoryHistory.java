package org.repro4j.kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;

/**
 * The inputs (and text outputs) of this kernel session's cells, for Jupyter's {@code history_request}: the
 * last n cells, a range of cells, or a glob search ({@code *} and {@code ?}, matched against the whole input).
 * Kept in memory only; a restarted kernel starts with an empty history. This session is number
 * {@value #SESSION}; requests for session 0 (Jupyter's "current session") are answered from it too.
 */
final class InMemoryHistory implements HistoryManager {

    static final int SESSION = 1;

    private final Map<Integer, String> inputs = new LinkedHashMap<>();
    private final Map<Integer, String> outputs = new LinkedHashMap<>();

    /**
     * @param cell the cell's execution count
     * @param input the code as typed
     */
    synchronized void recordInput(int cell, String input) {
        inputs.put(cell, input);
    }

    /**
     * @param cell the cell's execution count
     * @param output the text/plain form of what the cell showed
     */
    synchronized void recordOutput(int cell, String output) {
        outputs.put(cell, output);
    }

    @Override
    public synchronized List<HistoryEntry> lookupTail(int length, Set<ResultFlag> flags) {
        List<HistoryEntry> all = entries(flags);
        return new ArrayList<>(all.subList(Math.max(0, all.size() - length), all.size()));
    }

    @Override
    public synchronized List<HistoryEntry> lookupRange(int session, int start, int stop, Set<ResultFlag> flags) {
        if (session != SESSION && session != 0) {
            return Collections.emptyList();
        }
        List<HistoryEntry> range = new ArrayList<>();
        for (HistoryEntry entry : entries(flags)) {
            if (entry.getCellNumber() >= start && (stop <= 0 || entry.getCellNumber() < stop)) {
                range.add(entry);
            }
        }
        return range;
    }

    @Override
    public synchronized List<HistoryEntry> search(String glob, int length, Set<ResultFlag> flags) {
        Pattern pattern = globToRegex(glob == null || glob.isEmpty() ? "*" : glob);
        List<HistoryEntry> matches = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        List<HistoryEntry> all = entries(flags);
        for (int i = all.size() - 1; i >= 0; i--) {
            HistoryEntry entry = all.get(i);
            if (!pattern.matcher(entry.getInput()).matches()) {
                continue;
            }
            if (flags.contains(ResultFlag.UNIQUE)) {
                if (seen.contains(entry.getInput())) {
                    continue;
                }
                seen.add(entry.getInput());
            }
            matches.add(entry);
            if (length > 0 && matches.size() == length) {
                break;
            }
        }
        Collections.reverse(matches);
        return matches;
    }

    private List<HistoryEntry> entries(Set<ResultFlag> flags) {
        boolean withOutput = flags.contains(ResultFlag.INCLUDE_OUTPUT);
        List<HistoryEntry> entries = new ArrayList<>();
        inputs.forEach((cell, input) -> entries.add(new HistoryEntry(SESSION, cell, input,
                withOutput ? outputs.getOrDefault(cell, "") : null)));
        return entries;
    }

    /**
     * @param glob {@code *} for any text, {@code ?} for one character
     * @return a regex matching the whole text against the glob
     */
    static Pattern globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
