package org.repro4j.papers.talkingheads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.function.IntBinaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class LaundryListAccuracyTest {

    private static final LaundryList TASK = LaundryList.defaults();
    private static final int[] NS = {2, 5, 9};
    private final LaundryListAccuracy eval = new LaundryListAccuracy(TASK, NS, 300, 17);

    /** The item that occurs once in a sequence: the task solved by counting, with no model. */
    private static int oddOneOut(int[] tokens) {
        int[] counts = new int[TASK.items()];
        for (int t : tokens) {
            if (TASK.isItem(t)) {
                counts[t]++;
            }
        }
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == 1) {
                return i;
            }
        }
        throw new AssertionError("no item occurs once");
    }

    /**
     * A predictor whose logits at END are one-hot on {@code choice(row's odd one out, row index)}; every other
     * position holds the same one-hot, so reading the wrong position would still be caught by a wrong choice.
     */
    private static UnaryOperator<NDArray> predictor(IntBinaryOperator choice) {
        return tokens -> {
            int batch = (int) tokens.getShape().get(0);
            int seq = (int) tokens.getShape().get(1);
            int[] ids = tokens.toIntArray();
            float[] logits = new float[batch * seq * TASK.vocabSize()];
            for (int b = 0; b < batch; b++) {
                int[] row = new int[seq];
                System.arraycopy(ids, b * seq, row, 0, seq);
                int predicted = choice.applyAsInt(oddOneOut(row), b);
                logits[(b * seq + seq - 1) * TASK.vocabSize() + predicted] = 1;
            }
            return tokens.getManager().create(logits, new Shape(batch, seq, TASK.vocabSize()));
        };
    }

    @Test
    void aPerfectPredictorScoresOneAtEveryN() {
        assertArrayEquals(new double[] {1, 1, 1}, eval.byN(predictor((odd, row) -> odd)));
    }

    @Test
    void anAlwaysWrongPredictorScoresZero() {
        assertArrayEquals(new double[] {0, 0, 0}, eval.byN(predictor((odd, row) -> (odd + 1) % TASK.items())));
        assertArrayEquals(new double[] {0, 0, 0}, eval.byN(predictor((odd, row) -> TASK.end())));
    }

    @Test
    void accuracyIsTheFractionOfRowsPredictedRight() {
        UnaryOperator<NDArray> rightOnEvenRows = predictor((odd, row) -> row % 2 == 0 ? odd : TASK.bos());
        assertEquals(150 / 300.0, eval.at(5, rightOnEvenRows));
        // a predictor right only for low item ids: its accuracy is the share of such targets in the batch
        int[] targets = eval.batch(9).targets();
        long low = java.util.Arrays.stream(targets).filter(t -> t < 4).count();
        assertEquals(low / 300.0, eval.at(9, predictor((odd, row) -> odd < 4 ? odd : TASK.bos())));
        assertTrue(low > 0 && low < 300);
    }

    @Test
    void everyEvaluationScoresTheSameLists() {
        assertArrayEquals(eval.batch(5).tokens(), new LaundryListAccuracy(TASK, NS, 300, 17).batch(5).tokens());
        assertEquals(5, eval.batch(5).n()[0]);
        assertEquals(9, eval.batch(9).n()[299]);
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new LaundryListAccuracy(TASK, new int[0], 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new LaundryListAccuracy(TASK, new int[] {13}, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> eval.at(4, predictor((odd, row) -> odd)));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> eval.byN(tokens -> tokens.getManager().zeros(new Shape(3, TASK.vocabSize()))));
        assertTrue(shape.getMessage().contains("expected [batch, seq, vocab]"), shape.getMessage());
    }
}
