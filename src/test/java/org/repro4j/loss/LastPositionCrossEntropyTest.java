package org.repro4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class LastPositionCrossEntropyTest {

    @Test
    void onlyTheLastPositionCounts() {
        try (NDManager m = NDManager.newBaseManager()) {
            // batch 2, seq 3, vocab 4; the last position's logits are [0, ln 3, 0, 0] and [0, 0, 0, 0]
            float[] logits = new float[2 * 3 * 4];
            logits[2 * 4 + 1] = (float) Math.log(3);
            for (int i = 0; i < 2 * 4; i++) {
                logits[i] = 50;                   // earlier positions are wildly wrong and must not matter
                logits[12 + i] = -50;
            }
            NDArray x = m.create(logits, new Shape(2, 3, 4));
            NDArray labels = m.create(new int[] {1, 2});
            // −(ln(3/6) + ln(1/4)) / 2
            double expected = -(Math.log(0.5) + Math.log(0.25)) / 2;
            assertEquals(expected, new LastPositionCrossEntropy().apply(x, labels).getFloat(), 1e-5);
            assertThrows(IllegalArgumentException.class,
                    () -> new LastPositionCrossEntropy().apply(m.zeros(new Shape(2, 4)), labels));
        }
    }
}
