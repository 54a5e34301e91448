package org.repro4j.train;

/**
 * A learning-rate schedule: the factor by which the optimizer's base rate is multiplied at each step.
 *
 * <p>Steps are counted from 0 to {@code totalSteps − 1}; the factor is evaluated before each update.
 */
@FunctionalInterface
public interface LrSchedule {

    /**
     * @param step 0-based step index
     * @param totalSteps the run's step budget
     * @return the multiplier of the base learning rate, normally in [0, 1]
     */
    double factor(long step, long totalSteps);

    /** @return factor 1 at every step */
    static LrSchedule constant() {
        return (step, total) -> 1.0;
    }

    /**
     * Cosine decay from 1 to 0 over the whole run (Loshchilov and Hutter 2017, without restarts):
     * factor = ½(1 + cos(π·step/total)).
     *
     * @return the schedule
     */
    static LrSchedule cosine() {
        return (step, total) -> 0.5 * (1 + Math.cos(Math.PI * step / Math.max(1, total)));
    }

    /**
     * Linear decay from 1 to 0 over the whole run: factor = 1 − step/total. After a short warm-up,
     * {@code warmup(n, linear())}, it is the retraining schedule "LLR" of Zimmer, Spiegel &amp; Pokutta (2023, "How
     * I Learned to Stop Worrying and Love Retraining", ICLR; in the Sparse Model Soups code: linear from the
     * pretraining's peak rate to 0 after 10 % warm-up).
     *
     * @return the schedule
     */
    static LrSchedule linear() {
        return (step, total) -> 1.0 - (double) step / Math.max(1, total);
    }

    /**
     * Linear warm-up from 1/(warmupSteps) to 1 over the first {@code warmupSteps} steps, then {@code then} over
     * the remaining steps (its step counter restarts at 0 after warm-up).
     *
     * @param warmupSteps number of warm-up steps, ≥ 0
     * @param then schedule for the rest of the run, e.g. {@link #cosine()}
     * @return the schedule
     * @throws IllegalArgumentException if {@code warmupSteps} is negative
     */
    static LrSchedule warmup(long warmupSteps, LrSchedule then) {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warm-up steps must be ≥ 0; got " + warmupSteps);
        }
        return (step, total) -> step < warmupSteps
                ? (step + 1.0) / warmupSteps
                : then.factor(step - warmupSteps, Math.max(1, total - warmupSteps));
    }
}
