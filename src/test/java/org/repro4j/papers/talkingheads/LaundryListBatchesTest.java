package org.repro4j.papers.talkingheads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.repro4j.train.Batch;

class LaundryListBatchesTest {

    @Test
    void batchesAreFreshSeededSequencesWithTheOddItemAsTarget() {
        LaundryList task = LaundryList.defaults();
        LaundryListBatches a = new LaundryListBatches(task, 16, 3);
        LaundryListBatches b = new LaundryListBatches(task, 16, 3);
        LaundryList.Batch expected = task.batch(16, new java.util.Random(3));
        try (NDManager m = NDManager.newBaseManager()) {
            Batch first = a.next(m);
            assertEquals(new Shape(16, task.seqLength()), first.inputs().getShape());
            assertEquals(new Shape(16), first.targets().getShape());
            assertArrayEquals(expected.targets(), first.targets().toIntArray());
            assertArrayEquals(first.inputs().toIntArray(), b.next(m).inputs().toIntArray(), "same seed, same batch");
            assertEquals(false, java.util.Arrays.equals(first.inputs().toIntArray(), a.next(m).inputs().toIntArray()),
                    "each step draws new sequences");
        }
        assertThrows(IllegalArgumentException.class, () -> new LaundryListBatches(task, 0, 1));
    }
}
