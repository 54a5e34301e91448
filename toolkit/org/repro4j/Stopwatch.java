package org.repro4j;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Wall-clock and CPU time since a start: what a notebook reports at its end as its cost. CPU time is the whole
 * process's (every thread: the tensor engine's, the JIT's, the garbage collector's), so on a shared machine it says
 * what a quiet one would need when the wall clock says more.
 *
 * <pre>{@code
 * Stopwatch run = Stopwatch.start();   // first cell
 * ...
 * run                                  // last cell: "wall 2 min 31 s, CPU 2 min 40 s"
 * }</pre>
 */
public final class Stopwatch {

    private final long wallStart;
    private final long cpuStart;

    private Stopwatch(long wallStart, long cpuStart) {
        this.wallStart = wallStart;
        this.cpuStart = cpuStart;
    }

    /** @return a stopwatch started now */
    public static Stopwatch start() {
        return new Stopwatch(System.nanoTime(), processCpuNanos());
    }

    /** @return wall-clock time since the start */
    public Duration wall() {
        return Duration.ofNanos(System.nanoTime() - wallStart);
    }

    /** @return CPU time of the whole process since the start, all threads */
    public Duration cpu() {
        return Duration.ofNanos(processCpuNanos() - cpuStart);
    }

    /** @return e.g. {@code wall 2 min 31 s, CPU 2 min 40 s (process, all threads)} */
    @Override
    public String toString() {
        return "wall " + Format.duration(wall()) + ", CPU " + Format.duration(cpu()) + " (process, all threads)";
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0; // a JVM without the com.sun extension: CPU time reads 0 rather than failing the notebook
    }
}
