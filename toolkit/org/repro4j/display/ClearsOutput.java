package org.repro4j.display;

/**
 * Implemented by a kernel that can send Jupyter's {@code clear_output} message for the running cell.
 * {@link Display#clearOutput()} uses it; jjava's own {@code BaseKernel} has no such call.
 */
public interface ClearsOutput {

    /**
     * Clears the running cell's output area.
     *
     * @param wait true to clear only when the next output arrives (avoids flicker when redrawing)
     */
    void clearOutput(boolean wait);
}
