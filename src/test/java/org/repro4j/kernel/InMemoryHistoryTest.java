package org.repro4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager.ResultFlag;
import org.junit.jupiter.api.Test;

class InMemoryHistoryTest {

    private static final Set<ResultFlag> NONE = EnumSet.noneOf(ResultFlag.class);

    private static InMemoryHistory history() {
        InMemoryHistory history = new InMemoryHistory();
        String[] inputs = {"int a = 1;", "a + 1", "print(a)", "a + 1", "a * 3"};
        for (int i = 0; i < inputs.length; i++) {
            history.recordInput(i + 1, inputs[i]);
        }
        history.recordOutput(2, "2");
        return history;
    }

    private static List<String> inputs(List<HistoryEntry> entries) {
        return entries.stream().map(HistoryEntry::getInput).collect(Collectors.toList());
    }

    @Test
    void tailReturnsTheLastCellsInOrder() {
        List<HistoryEntry> tail = history().lookupTail(2, NONE);
        assertEquals(List.of("a + 1", "a * 3"), inputs(tail));
        assertEquals(List.of(4, 5), tail.stream().map(HistoryEntry::getCellNumber).collect(Collectors.toList()));
    }

    @Test
    void rangeIsHalfOpenAndAcceptsTheCurrentSessionAlias() {
        assertEquals(List.of("a + 1", "print(a)"), inputs(history().lookupRange(InMemoryHistory.SESSION, 2, 4, NONE)));
        assertEquals(List.of("a + 1", "print(a)"), inputs(history().lookupRange(0, 2, 4, NONE)));
        assertEquals(List.of(), history().lookupRange(7, 2, 4, NONE));
    }

    @Test
    void outputIsIncludedOnlyWhenAsked() {
        HistoryEntry second = history().lookupRange(0, 2, 3, EnumSet.of(ResultFlag.INCLUDE_OUTPUT)).get(0);
        assertEquals("2", second.getOutput());
        assertEquals(null, history().lookupRange(0, 2, 3, NONE).get(0).getOutput());
    }

    @Test
    void searchMatchesGlobsAgainstWholeInputsWithUniqueAndLimit() {
        assertEquals(List.of("a + 1", "a + 1"), inputs(history().search("a + ?", 0, NONE)));
        assertEquals(List.of("a + 1"), inputs(history().search("a + ?", 0, EnumSet.of(ResultFlag.UNIQUE))));
        assertEquals(List.of("a + 1", "a * 3"), inputs(history().search("a*", 2, NONE)));
    }
}
