package org.repro4j.kernel;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The stdout and stderr of one running cell, sent to Jupyter in batches.
 *
 * <p>jjava's own streams send one Jupyter message per {@code print}, so a loop printing 100 000 lines sends
 * 100 000 messages and the notebook falls behind or drops output. Here text is buffered and sent every
 * {@link #FLUSH_INTERVAL_MS} ms (and when the cell ends), so progress still appears while the cell runs. Text is
 * always UTF-8; a character split across two writes is never split across two messages.
 *
 * <p>A cell may print at most {@code limitBytes} in total (both streams). Past that, output is discarded and a
 * note says so, because notebooks with megabytes of text become unusable in the browser.
 */
final class CellOutput implements AutoCloseable {

    /** How often buffered text is sent while a cell runs, in milliseconds. */
    static final long FLUSH_INTERVAL_MS = 50;
    /** Default cap on what one cell may print, in bytes of UTF-8. */
    static final long DEFAULT_LIMIT_BYTES = 1 << 20;

    private final AtomicLong budget;
    private final AtomicBoolean truncationNoted = new AtomicBoolean();
    private final long limitBytes;
    private final Batch out;
    private final Batch err;
    private final PrintStream stdout;
    private final PrintStream stderr;
    private final ScheduledFuture<?> ticker;

    /**
     * @param stdoutSink receives stdout text, one call per batch
     * @param stderrSink receives stderr text, one call per batch
     * @param timer runs the periodic flush
     * @param limitBytes how many bytes the cell may print in total before output is discarded
     */
    CellOutput(Consumer<String> stdoutSink, Consumer<String> stderrSink, ScheduledExecutorService timer,
               long limitBytes) {
        this.limitBytes = limitBytes;
        this.budget = new AtomicLong(limitBytes);
        this.out = new Batch(stdoutSink);
        this.err = new Batch(stderrSink);
        this.stdout = new PrintStream(out, false, StandardCharsets.UTF_8);
        this.stderr = new PrintStream(err, false, StandardCharsets.UTF_8);
        this.ticker = timer.scheduleWithFixedDelay(this::flush, FLUSH_INTERVAL_MS, FLUSH_INTERVAL_MS,
                TimeUnit.MILLISECONDS);
    }

    /** @return the stream to install as {@code System.out} while the cell runs */
    PrintStream stdout() {
        return stdout;
    }

    /** @return the stream to install as {@code System.err} while the cell runs */
    PrintStream stderr() {
        return stderr;
    }

    /** Sends whatever is buffered now. */
    void flush() {
        out.send();
        err.send();
    }

    /** Stops the periodic flush, sends what is left and, if output was discarded, how much. Idempotent. */
    @Override
    public synchronized void close() {
        if (out.closed) {
            return;
        }
        ticker.cancel(false);
        stdout.flush();
        stderr.flush();
        flush();
        long dropped = out.dropped + err.dropped;
        if (dropped > 0) {
            err.sink.accept(String.format("[output truncated: %,d more bytes were not shown]%n", dropped));
        }
        out.closed = true;
        err.closed = true;
    }

    /** One stream's buffer. Writes after {@link #close()} (from threads the cell left running) are dropped. */
    private final class Batch extends OutputStream {
        private final Consumer<String> sink;
        private byte[] buffer = new byte[8192];
        private int length;
        private long dropped;
        private volatile boolean closed;

        Batch(Consumer<String> sink) {
            this.sink = sink;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int count) {
            if (closed) {
                return;
            }
            long allowed = Math.max(0, Math.min(count, budget.getAndAdd(-count)));
            append(bytes, offset, (int) allowed);
            if (allowed < count) {
                if (truncationNoted.compareAndSet(false, true)) {
                    byte[] note = String.format("%n[output truncated: this cell printed more than %,d bytes; the "
                            + "rest is not shown. Write large results to a file instead.]%n", limitBytes)
                            .getBytes(StandardCharsets.UTF_8);
                    append(note, 0, note.length);
                }
                dropped += count - allowed;
            }
        }

        private void append(byte[] bytes, int offset, int count) {
            if (length + count > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + count));
            }
            System.arraycopy(bytes, offset, buffer, length, count);
            length += count;
        }

        void send() {
            String text;
            synchronized (this) {
                int complete = completeUtf8Prefix(buffer, length);
                if (complete == 0) {
                    return;
                }
                text = new String(buffer, 0, complete, StandardCharsets.UTF_8);
                System.arraycopy(buffer, complete, buffer, 0, length - complete);
                length -= complete;
            }
            sink.accept(text);
        }
    }

    /**
     * @param bytes UTF-8 text
     * @param length how many bytes of {@code bytes} are filled
     * @return the length of the longest prefix that does not end inside a multi-byte character
     */
    static int completeUtf8Prefix(byte[] bytes, int length) {
        for (int i = length - 1; i >= Math.max(0, length - 4); i--) {
            int b = bytes[i] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for the lead byte
            }
            int needed = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : 4;
            return i + needed > length ? i : length;
        }
        return length;
    }
}
