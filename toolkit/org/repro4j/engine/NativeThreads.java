package org.repro4j.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The number of threads PyTorch uses inside one operation (intra-op parallelism, {@code torch.set_num_threads}).
 *
 * <p>Unless the JVM was started with {@code -Dai.djl.pytorch.num_threads=N}, or {@link #set(int)} was called,
 * {@code org.repro4j.train.Fit} applies {@link #DEFAULT} before training.
 */
public final class NativeThreads {

    /**
     * Default intra-op thread count: 1. Measured on the 2-core target machine while it was shared (load 8–12),
     * 784-256-256-10 MLP, batch 128, Adam, 100 steps: 1 thread took 18–31 ms per step of wall-clock time, 2
     * threads 140–330 ms, because OpenMP workers that the OS deschedules stall every operation's barrier. On
     * shared machines (Binder, CI, a class's server) one thread is the robust choice; on an idle multi-core
     * machine call {@code NativeThreads.set(2)} or start the JVM with {@code -Dai.djl.pytorch.num_threads=2}
     * (and consider {@code OMP_WAIT_POLICY=passive}).
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
    public static void applyDefault() {
        if (!chosen) {
            set(DEFAULT);
        }
    }
}
