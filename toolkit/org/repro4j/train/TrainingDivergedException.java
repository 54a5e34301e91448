package org.repro4j.train;

import tech.tablesaw.api.Table;

/**
 * Thrown when the training loss becomes NaN or infinite: names the step and the last finite loss, and keeps the
 * history up to that point for plotting.
 */
public final class TrainingDivergedException extends ArithmeticException {

    private final long step;
    private final double lastFiniteLoss;
    private final transient Table history;

    TrainingDivergedException(long step, double loss, long lastFiniteStep, double lastFiniteLoss, Table history) {
        super("training loss became " + loss + " at step " + step
                + (lastFiniteStep > 0 ? "; last finite loss " + lastFiniteLoss + " at step " + lastFiniteStep
                        : "; no step had a finite loss")
                + ". Lower the learning rate, check the inputs for NaN, or use a numerically stable loss.");
        this.step = step;
        this.lastFiniteLoss = lastFiniteLoss;
        this.history = history;
    }

    /** @return the 1-based step whose loss was not finite */
    public long step() {
        return step;
    }

    /** @return the last finite training loss, NaN if there was none */
    public double lastFiniteLoss() {
        return lastFiniteLoss;
    }

    /** @return the history rows logged before the divergence (same columns as {@link TrainingRun#history()}) */
    public Table history() {
        return history;
    }
}
