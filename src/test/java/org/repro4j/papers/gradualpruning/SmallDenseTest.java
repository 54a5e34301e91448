package org.repro4j.papers.gradualpruning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SmallDenseTest {

    @Test
    void anMlpHoldsInputTimesWidthPlusHiddenSquaresPlusReadoutWeights() {
        assertEquals(784L * 1024 + 1024L * 1024 + 1024L * 10, SmallDense.weights(784, 2, 1024, 10));
        assertEquals(784L * 190 + 190L * 190 + 1900, SmallDense.weights(784, 2, 190, 10));
        assertEquals(784L * 64 + 640, SmallDense.weights(784, 1, 64, 10), "one hidden layer has no square term");
    }

    @Test
    void theSmallDenseCounterpartOfThe90PercentSparse1024MlpIs190Wide() {
        long nonzeros = 80_282 + 104_858 + 1_024;   // each layer of 784-1024-1024-10 keeps ⌈10 %⌉ of its weights
        int width = SmallDense.widthFor(nonzeros, 784, 2, 10);
        assertEquals(190, width);
        assertTrue(SmallDense.weights(784, 2, width, 10) >= nonzeros, "never fewer weights than the sparse model");
        assertTrue(SmallDense.weights(784, 2, width - 1, 10) < nonzeros, "the narrowest such width");
    }

    @Test
    void aBudgetOfAtMostOneLayerOfWidthOneGivesWidthOne() {
        assertEquals(1, SmallDense.widthFor(1, 784, 2, 10));
        assertEquals(1, SmallDense.widthFor(784 + 1 + 10, 784, 2, 10));
        assertEquals(2, SmallDense.widthFor(784 + 1 + 10 + 1, 784, 2, 10));
    }

    @Test
    void nonPositiveSizesAreRejectedNamingThem() {
        IllegalArgumentException depth = assertThrows(IllegalArgumentException.class,
                () -> SmallDense.weights(784, 0, 10, 10));
        assertTrue(depth.getMessage().contains("784, 0, 10, 10"), depth.getMessage());
        IllegalArgumentException budget = assertThrows(IllegalArgumentException.class,
                () -> SmallDense.widthFor(0, 784, 2, 10));
        assertTrue(budget.getMessage().contains("got 0"), budget.getMessage());
    }
}
