package org.repro4j.display;

import java.lang.reflect.Field;
import java.util.UUID;

import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.DisplayStream;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.messages.publish.PublishClearOutput;

/**
 * Shows objects in the notebook from code, and updates them in place. The kernel imports these methods
 * statically, so in a cell {@code display(chart)} is enough.
 *
 * <p>Updating in place is how progress is shown:
 * <pre>{@code
 * String bar = display("epoch 0/10");
 * for (int epoch = 1; epoch <= 10; epoch++) {
 *     train();
 *     update(bar, "epoch " + epoch + "/10");
 * }
 * }</pre>
 *
 * <p>Objects are rendered by the kernel's renderers: XChart charts become PNG images, Tablesaw tables HTML,
 * images PNG, DJL arrays a short summary (see {@link ReproRenderers}); anything else shows as
 * {@code String.valueOf}. This works in the repro4j kernel and in upstream JJava (through jjava's
 * {@code BaseKernel.notebookKernel()}). Outside a notebook, for example in a unit test or a plain
 * {@code main}, the text form is printed to {@code System.out} instead, so library code may call these freely.
 */
public final class Display {

    private Display() {
    }

    /**
     * Shows {@code value} below the running cell.
     *
     * @param value any object; a {@link DisplayData} is sent as it is
     * @return the display id, for {@link #update(String, Object)}
     */
    public static String display(Object value) {
        return display(value, new String[0]);
    }

    /**
     * Shows {@code value} as the given MIME types only, e.g. {@code display(svgText, "image/svg+xml")}.
     *
     * @param value any object
     * @param mimeTypes MIME types to render; none means the renderer's preferred types
     * @return the display id, for {@link #update(String, Object)}
     */
    public static String display(Object value, String... mimeTypes) {
        String id = UUID.randomUUID().toString();
        BaseKernel kernel = kernel();
        if (kernel == null) {
            System.out.println(value);
            return id;
        }
        DisplayData data = render(kernel, value, mimeTypes);
        data.setDisplayId(id);
        kernel.display(data);
        return id;
    }

    /**
     * Replaces what an earlier {@link #display(Object)} showed, wherever it is in the notebook.
     *
     * @param displayId the id {@code display} returned
     * @param value the new content
     */
    public static void update(String displayId, Object value) {
        BaseKernel kernel = kernel();
        if (kernel == null) {
            System.out.println(value);
            return;
        }
        kernel.getIO().display.updateDisplay(displayId, render(kernel, value, new String[0]));
    }

    /** Clears the running cell's output now. */
    public static void clearOutput() {
        clearOutput(false);
    }

    /**
     * Clears the running cell's output.
     *
     * @param wait true to clear only when the next output arrives, which avoids flicker when redrawing
     * @throws UnsupportedOperationException if the kernel is neither repro4j's nor a jjava version this can
     *     reach the reply channel of
     */
    public static void clearOutput(boolean wait) {
        BaseKernel kernel = kernel();
        if (kernel == null) {
            return;
        }
        // The repro4j kernel has a public clearOutput(boolean); it is called by name because the kernel and the
        // toolkit do not import each other.
        try {
            kernel.getClass().getMethod("clearOutput", boolean.class).invoke(kernel, wait);
            return;
        } catch (NoSuchMethodException notRepro4j) {
            // fall through to upstream JJava's display stream
        } catch (ReflectiveOperationException e) {
            throw new UnsupportedOperationException("clear_output failed in kernel " + kernel.getName() + ": "
                    + e.getCause(), e);
        }
        // Upstream JJava has no clear_output call; its display stream holds the running cell's reply channel.
        try {
            Field env = DisplayStream.class.getDeclaredField("env");
            env.setAccessible(true);
            ShellReplyEnvironment reply = (ShellReplyEnvironment) env.get(kernel.getIO().display);
            if (reply != null) {
                reply.publish(wait ? PublishClearOutput.BEFORE_NEXT_OUTPUT : PublishClearOutput.NOW);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new UnsupportedOperationException("clear_output is not available in kernel "
                    + kernel.getName() + " " + kernel.getVersion() + ": " + e, e);
        }
    }

    private static DisplayData render(BaseKernel kernel, Object value, String[] mimeTypes) {
        if (value instanceof DisplayData) {
            return (DisplayData) value;
        }
        return mimeTypes.length == 0 ? kernel.getRenderer().render(value)
                : kernel.getRenderer().renderAs(value, mimeTypes);
    }

    private static BaseKernel kernel() {
        try {
            return BaseKernel.notebookKernel();
        } catch (NullPointerException noKernel) {
            return null;
        }
    }
}
