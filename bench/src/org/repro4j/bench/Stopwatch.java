package org.repro4j.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * Wall-clock and process CPU time of repeated intervals (training steps, forward calls): the median wall-clock
 * interval, and the mean CPU time per interval (the JVM reads process CPU time in scheduler ticks, so single
 * intervals are quantised; their sum over many intervals is not). CPU time counts all threads and barely moves
 * when other processes take the cores away, so on a shared machine its ratio is the steadier one; wall-clock time
 * is what a user waits.
 */
final class Stopwatch {

    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final double[] wallMs;
    private final double[] cpuMs;
    private int count;
    private long wall;
    private long cpu;

    /** @param capacity the number of intervals that will be kept */
    Stopwatch(int capacity) {
        wallMs = new double[capacity];
        cpuMs = new double[capacity];
    }

    /** Marks the start of an interval. */
    void start() {
        wall = System.nanoTime();
        cpu = OS.getProcessCpuTime();
    }

    /** Ends the interval begun by the last {@link #start} or {@link #lap}, keeping it if {@code keep}. */
    void stop(boolean keep) {
        long nowWall = System.nanoTime();
        long nowCpu = OS.getProcessCpuTime();
        if (keep) {
            wallMs[count] = (nowWall - wall) / 1e6;
            cpuMs[count] = (nowCpu - cpu) / 1e6;
            count++;
        }
    }

    /** Ends the current interval (kept if {@code keep}) and starts the next one: one lap per training step. */
    void lap(boolean keep) {
        stop(keep);
        start();
    }

    /**
     * @return {@code {"ms": median wall-clock ms, "cpu_ms": mean CPU ms, "cpu_total_ms": summed CPU ms}} of the kept
     *     intervals
     */
    String json() {
        double cpuTotal = Arrays.stream(cpuMs, 0, count).sum();
        return String.format(Locale.ROOT, "{\"ms\": %.4f, \"cpu_ms\": %.4f, \"cpu_total_ms\": %.1f}",
                BenchWorker.median(Arrays.copyOf(wallMs, count)), cpuTotal / count, cpuTotal);
    }
}
