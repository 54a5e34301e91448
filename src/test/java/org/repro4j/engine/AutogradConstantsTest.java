package org.repro4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class AutogradConstantsTest {

    private static final int SIZE = 64;
    private static final float FACTOR = 0.125f;

    @Test
    void gradientSurvivesAGarbageCollectionBetweenForwardAndBackward() throws InterruptedException {
        float[] expected = new float[SIZE];
        Arrays.fill(expected, FACTOR);
        for (int trial = 0; trial < 5; trial++) {
            assertArrayEquals(expected, gradientAfterGc(AutogradConstants::times), "trial " + trial);
        }
    }

    @Test
    void anArrayConstantSurvivesBeingClosedBeforeBackward() throws InterruptedException {
        float[] values = new float[SIZE];
        for (int i = 0; i < SIZE; i++) {
            values[i] = i - 20.5f;
        }
        float[] gradient = gradientAfterGc((x, unused) -> {
            try (NDArray constant = AutogradConstants.array(x.getManager(), values, new Shape(SIZE))) {
                return x.mul(constant);
            }
        });
        assertArrayEquals(values, gradient);
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AutogradConstants.array(manager, values, new Shape(SIZE + 1)));
            assertTrue(e.getMessage().contains("64 values cannot fill shape (65)"), e.getMessage());
        }
    }

    /** d/dx Σ f(x, FACTOR), with the constant's Java wrapper collected and its memory reused before backward. */
    private static float[] gradientAfterGc(BiFunction<NDArray, Double, NDArray> f) throws InterruptedException {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.ones(new Shape(SIZE));
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = f.apply(x, (double) FACTOR).sum();
                System.gc();
                Thread.sleep(50); // lets the cleaner free unreachable direct buffers
                for (int i = 0; i < 1000; i++) {
                    ByteBuffer.allocateDirect(4).putFloat(0, 1e30f); // reuses freed 4-byte blocks, if any
                }
                collector.backward(y);
            }
            return x.getGradient().toFloatArray();
        }
    }
}
