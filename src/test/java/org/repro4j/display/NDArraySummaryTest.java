package org.repro4j.display;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class NDArraySummaryTest {

    @Test
    void summaryGivesTypeShapeDeviceAndTheFirstValues() {
        try (NDManager manager = NDManager.newBaseManager()) {
            assertEquals("NDArray float32 (3, 4) on cpu(): [0, 1, 2, 3, 4, 5, 6, 7, … 4 more]",
                    NDArraySummary.of(manager.arange(12f).reshape(3, 4)));
            assertEquals("NDArray int32 (3) on cpu(): [1, 2, 3]", NDArraySummary.of(manager.create(new int[] {1, 2, 3})));
            assertEquals("NDArray float32 () on cpu(): [3.25]", NDArraySummary.of(manager.create(3.25f)));
            assertEquals("NDArray float32 (2) on cpu(): [0.1235, 1.5e-05]",
                    NDArraySummary.of(manager.create(new float[] {0.123456f, 0.000015f})));
        }
    }

    @Test
    void closedArrayIsDescribedInsteadOfFailing() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.create(new float[] {1.5f});
            array.close();
            assertEquals("NDArray (closed: its memory was freed; values are no longer available)",
                    NDArraySummary.of(array));
        }
    }

    @Test
    void summaryLeavesNoTemporaryArraysInTheManager() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.arange(100f);
            int before = manager.getManagedArrays().size();
            NDArraySummary.of(array);
            assertEquals(before, manager.getManagedArrays().size());
        }
    }
}
