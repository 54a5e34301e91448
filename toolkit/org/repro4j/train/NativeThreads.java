package org.repro4j.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The number of threads PyTorch uses inside one operation (intra-op parallelism, {@code torch.set_num_threads}).
 *
 * <p>Unless the JVM was started with {@code -Dai.djl.pytorch.num_threads=N}, or {@link #set(int)} was called,
 * {@link Fit} applies {@link #DEFAULT} before training. The default was measured on the target machine
 * (2 cores, shared): see the class's {@code DEFAULT} note.
 */
public final class NativeThreads {

    /**
     * Default intra-op thread count. Measured for a 784-256-256-10 MLP at batch 128 with Adam on 2 cores:
     * see the training benchmark note in {@code Fit}.
     */
    public static final int DEFAULT = 1;

    private static volatile boolean chosen = Integer.getInteger("ai.djl.pytorch.num_threads") != null;

    private NativeThreads() {}

    /**
     * @param threads intra-op threads, ≥ 1; takes effect for the next operation
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public static void set(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be ≥ 1; got " + threads);
        }
        Engine.getInstance(); // loads the native library
        JniUtils.setNumThreads(threads);
        chosen = true;
    }

    /** @return the current intra-op thread count */
    public static int get() {
        Engine.getInstance();
        return JniUtils.getNumThreads();
    }

    /** Applies {@link #DEFAULT} unless a count was chosen by system property or {@link #set(int)}. */
    static void applyDefault() {
        if (!chosen) {
            set(DEFAULT);
        }
    }
}
