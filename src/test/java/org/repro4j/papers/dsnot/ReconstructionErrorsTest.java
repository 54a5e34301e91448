package org.repro4j.papers.dsnot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.repro4j.pruning.DSnoT;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class ReconstructionErrorsTest {

    /** Two weights over cycles 0..2; {@code b} rises once, at cycle 2. */
    private static DSnoT.Result result(String[] names, int[] cycles, double[] errors) {
        Table table = Table.create("errors", StringColumn.create("parameter", names), IntColumn.create("cycle", cycles),
                DoubleColumn.create("error", errors));
        return new DSnoT.Result(null, table, Map.of());
    }

    private static final DSnoT.Result TWO = result(new String[] {"a", "a", "a", "b", "b", "b"},
            new int[] {0, 1, 2, 0, 1, 2}, new double[] {4, 3, 2, 10, 5, 6});

    @Test
    void curvesTotalsAndRelativeErrorsReadTheTableByWeight() {
        ReconstructionErrors errors = ReconstructionErrors.of(TWO);
        assertEquals(List.of("a", "b"), errors.parameters());
        assertArrayEquals(new double[] {0, 1, 2}, errors.cycles());
        assertArrayEquals(new double[] {10, 5, 6}, errors.curve("b"));
        assertArrayEquals(new double[] {1, 0.75, 0.5}, errors.relativeCurve("a"), 1e-12);
        assertArrayEquals(new double[] {14, 8, 8}, errors.total(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> errors.curve("c"));
    }

    @Test
    void increasesCountsEveryCycleThatRaisesAWeightsError() {
        assertEquals(1, ReconstructionErrors.of(TWO).increases());
        DSnoT.Result flat = result(new String[] {"a", "a"}, new int[] {0, 1}, new double[] {2, 2});
        assertEquals(0, ReconstructionErrors.of(flat).increases(), "an unchanged error is not an increase");
    }

    @Test
    void cyclesOutOfOrderAreRejected() {
        DSnoT.Result shuffled = result(new String[] {"a", "a"}, new int[] {1, 0}, new double[] {2, 3});
        assertThrows(IllegalArgumentException.class, () -> ReconstructionErrors.of(shuffled));
    }
}
