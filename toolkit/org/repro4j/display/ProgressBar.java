package org.repro4j.display;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * A progress bar for long loops such as training: in a notebook, one output that is updated in place (Jupyter
 * {@code update_display_data}, at most {@value #NOTEBOOK_UPDATES_PER_SECOND} updates a second plus the final
 * state); elsewhere a few lines on standard error (every 10 % of the work or every 5 s, plus the final line).
 *
 * <pre>{@code
 * try (ProgressBar bar = ProgressBar.start("training", steps)) {
 *     for (int step = 1; step <= steps; step++) {
 *         ...
 *         bar.update(step, "loss " + loss);
 *     }
 * }
 * }</pre>
 *
 * It finds the notebook through jjava-jupyter's {@code BaseKernel.notebookKernel()}; without a kernel (tests,
 * scripts) it falls back to standard error, and it never throws because of the display.
 */
public final class ProgressBar implements AutoCloseable {

    static final int NOTEBOOK_UPDATES_PER_SECOND = 5;
    private static final long NOTEBOOK_INTERVAL_NS = 1_000_000_000L / NOTEBOOK_UPDATES_PER_SECOND;
    private static final long TERMINAL_INTERVAL_NS = 5_000_000_000L;
    private static final int WIDTH = 24;

    /** Where the bar is drawn. */
    interface Sink {
        /** @param last whether this is the final state */
        void show(String text, String html, boolean last);
    }

    private final String label;
    private final long total;
    private final Sink sink;
    private final boolean notebook;
    private final LongSupplier clock;
    private final long startNs;
    private long lastShownNs;
    private long lastShownTenth;
    private long done;
    private String status = "";
    private boolean finished;

    ProgressBar(String label, long total, Sink sink, boolean notebook, LongSupplier clock) {
        if (total < 0) {
            throw new IllegalArgumentException("the total amount of work must be ≥ 0; got " + total);
        }
        this.label = label;
        this.total = total;
        this.sink = sink;
        this.notebook = notebook;
        this.clock = clock;
        this.startNs = clock.getAsLong();
        this.lastShownNs = startNs;
    }

    /**
     * Starts a bar in the current notebook cell, or on standard error outside a notebook.
     *
     * @param label what is being done, e.g. {@code "Mlp 784-256-256-10"}
     * @param total units of work, e.g. the number of steps
     * @return the bar, showing 0 %
     */
    public static ProgressBar start(String label, long total) {
        BaseKernel kernel = currentKernel();
        ProgressBar bar = kernel != null
                ? new ProgressBar(label, total, notebookSink(kernel), true, System::nanoTime)
                : new ProgressBar(label, total, streamSink(System.err), false, System::nanoTime);
        bar.show(false);
        return bar;
    }

    private static BaseKernel currentKernel() {
        try {
            BaseKernel kernel = BaseKernel.notebookKernel();
            return kernel != null && kernel.getIO() != null && kernel.getIO().display.isAttached() ? kernel : null;
        } catch (RuntimeException | LinkageError e) {
            return null; // a missing or foreign kernel means no notebook display, never a failed training
        }
    }

    private static Sink notebookSink(BaseKernel kernel) {
        String id = "repro4j-progress-" + UUID.randomUUID();
        boolean[] shown = {false};
        return (text, html, last) -> {
            DisplayData data = new DisplayData(text);
            data.putHTML(html);
            if (!shown[0]) {
                data.setDisplayId(id);
                kernel.getIO().display.display(data);
                shown[0] = true;
            } else {
                kernel.getIO().display.updateDisplay(id, data);
            }
        };
    }

    static Sink streamSink(PrintStream out) {
        return (text, html, last) -> out.println(text);
    }

    /**
     * Records progress; redraws only when the throttle allows (cheap to call every step).
     *
     * @param done units completed so far, 0 ≤ done ≤ total
     * @param status a short note shown after the bar, e.g. {@code "loss 0.4123"}; may be empty
     */
    public void update(long done, String status) {
        this.done = done;
        this.status = status;
        long now = clock.getAsLong();
        if (notebook) {
            if (now - lastShownNs >= NOTEBOOK_INTERVAL_NS) {
                show(false);
            }
        } else {
            long tenth = total == 0 ? 10 : done * 10 / total;
            if (tenth > lastShownTenth || now - lastShownNs >= TERMINAL_INTERVAL_NS) {
                show(false);
            }
        }
    }

    /**
     * Draws the final state (always shown, whatever the throttle) and ends the bar.
     *
     * @param status the closing note, e.g. {@code "done: loss 0.31, 12.4 s"}
     */
    public void finish(String status) {
        if (!finished) {
            this.status = status;
            finished = true;
            show(true);
        }
    }

    /** Ends the bar with its last status if {@link #finish} was not called. */
    @Override
    public void close() {
        finish(status);
    }

    private void show(boolean last) {
        long now = clock.getAsLong();
        lastShownNs = now;
        lastShownTenth = total == 0 ? 10 : done * 10 / total;
        double fraction = total == 0 ? 1 : Math.min(1, (double) done / total);
        String eta = !last && done > 0 && done < total // a bar finished early (e.g. early stopping) has no eta
                ? " · eta " + format(Duration.ofNanos((long) ((now - startNs) * (double) (total - done) / done)))
                : "";
        String elapsed = format(Duration.ofNanos(now - startNs));
        int filled = (int) Math.round(fraction * WIDTH);
        String text = String.format(Locale.ROOT, "%s %s %3d%% %d/%d · %s%s%s", label,
                "█".repeat(filled) + "░".repeat(WIDTH - filled), Math.round(fraction * 100), done, total, elapsed, eta,
                status.isEmpty() ? "" : " · " + status);
        String html = String.format(Locale.ROOT,
                "<div style=\"font-family:monospace\">%s <progress value=\"%d\" max=\"%d\" style=\"width:16em\"></progress>"
                        + " %d%% %d/%d · %s%s%s</div>",
                escape(label), done, Math.max(total, 1), Math.round(fraction * 100), done, total, elapsed, eta,
                status.isEmpty() ? "" : " · " + escape(status));
        try {
            sink.show(text, html, last);
        } catch (RuntimeException e) {
            // a broken display must not stop the work whose progress it shows
        }
    }

    private static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60)
                : String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
