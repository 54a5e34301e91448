package org.repro4j.papers.shortcutlearning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.repro4j.data.LabeledImages;

class ShortcutPatchSweepTest {

    private static final List<String> CLASSES = IntStream.range(0, 10).mapToObj(c -> "class " + c).toList();

    /** Blank 28×28 images with labels 0..9 in turn: the garment cannot be seen, only the square. */
    private static LabeledImages blankImages(int n) {
        return LabeledImages.of(new byte[n * 784], IntStream.range(0, n).map(i -> i % 10).toArray(), 28, 28, CLASSES);
    }

    @Test
    void withNothingElseToSeeTheCnnFollowsTheSquare() {
        ShortcutPatchSweep sweep = ShortcutPatchSweep.of(blankImages(640), blankImages(100));
        ShortcutPatchSweep.Results results = sweep.run(List.of(4), List.of(1L), 150);
        // the conflict set's square always points away from the (invisible) garment; a net that reads the square
        // follows it on (nearly) every image
        assertTrue(results.meanFollowRate(4, 150) > 0.9, "follow rate " + results.meanFollowRate(4, 150));
    }

    @Test
    void resultsHaveOneRowPerSideSeedAndCheckpoint() {
        ShortcutPatchSweep sweep = ShortcutPatchSweep.of(blankImages(200), blankImages(50));
        ShortcutPatchSweep.Results results = sweep.run(List.of(2, 8), List.of(1L, 2L), 2, 4);
        assertEquals(8, results.table().rowCount());
        double[] rates = results.followRates(8, 4);
        assertEquals(2, rates.length);
        assertEquals((rates[0] + rates[1]) / 2, results.meanFollowRate(8, 4), 1e-12);
        // Dress (3) and Bag (8) are dropped: 40 of the 50 conflict images remain, so rates are multiples of 1/40
        assertEquals(0, Math.abs(rates[0] * 40 - Math.round(rates[0] * 40)), 1e-9);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> results.meanFollowRate(4, 4));
        assertTrue(missing.getMessage().contains("k = 4 at step 4"), missing.getMessage());
    }

    @Test
    void badSweepsAreRejectedWithAFix() {
        ShortcutPatchSweep sweep = ShortcutPatchSweep.of(blankImages(100), blankImages(20));
        IllegalArgumentException noSides = assertThrows(IllegalArgumentException.class,
                () -> sweep.run(List.of(), List.of(1L), 10));
        assertTrue(noSides.getMessage().contains("at least one square side"), noSides.getMessage());
        IllegalArgumentException order = assertThrows(IllegalArgumentException.class,
                () -> sweep.run(List.of(2), List.of(1L), 10, 10));
        assertTrue(order.getMessage().contains("increase strictly"), order.getMessage());
        LabeledImages small = LabeledImages.of(new byte[10 * 64], new int[10], 8, 8, CLASSES);
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> ShortcutPatchSweep.of(small, small));
        assertTrue(size.getMessage().contains("28x28"), size.getMessage());
    }
}
