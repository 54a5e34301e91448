package org.repro4j.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Keeps the native heap that PyTorch allocates tensors from warm between training steps.
 *
 * <p>DJL frees a step's arrays all at once when the step's manager closes. With glibc's default malloc settings
 * that returns the memory to the operating system (large blocks are {@code mmap}ed, the heap top is trimmed), so
 * the next step page-faults every intermediate array in again. Measured on the Brown LM of notebook 11 (2-core box, one
 * intra-op thread): 120 ms of CPU per Adam step with the defaults, 45–50 ms after {@link #keepFreedMemory()}; the
 * same setting (through {@code MALLOC_MMAP_THRESHOLD_} / {@code MALLOC_TRIM_THRESHOLD_}) takes PyTorch's own
 * loop from 98 to 51 ms. The cost is that the process keeps its peak native memory until it exits.
 */
public final class NativeMemory {

    /** glibc {@code mallopt} parameter numbers, from {@code malloc.h}. */
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;
    /** glibc's ceiling for the mmap threshold on 64-bit machines: blocks below it come from the reusable heap. */
    private static final int MMAP_THRESHOLD_MAX = 32 << 20;

    private interface LibC extends Library {
        int mallopt(int param, int value);
    }

    private NativeMemory() {}

    /**
     * Tells glibc malloc to serve blocks up to 32 MiB from its heap and never to trim the heap, for this whole
     * process. Call once before training (it is idempotent); it does not change results, only speed.
     *
     * @return true if the setting was applied; false on systems without glibc (macOS, Windows, musl), where it
     *     does nothing
     */
    public static boolean keepFreedMemory() {
        if (!Platform.isLinux()) {
            return false;
        }
        try {
            LibC libc = Native.load("c", LibC.class);
            return libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_MAX) == 1
                    && libc.mallopt(M_TRIM_THRESHOLD, Integer.MAX_VALUE) == 1;
        } catch (UnsatisfiedLinkError e) {
            return false; // a C library without mallopt: nothing to tune
        }
    }
}
