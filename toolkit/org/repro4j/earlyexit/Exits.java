package org.repro4j.earlyexit;

import java.util.Arrays;

/**
 * Where each example of a batch exited and what it predicted there.
 *
 * @param steps 1-based exit step per example
 * @param predictions predicted class per example, from the classifier of its exit step
 * @param stepsRun block applications the batch ran: the largest exit step (the batch continues while any
 *     example runs)
 */
public record Exits(int[] steps, int[] predictions, int stepsRun) {

    /** @return the mean exit step: compute per example in block applications */
    public double meanExitStep() {
        return Arrays.stream(steps).average().orElse(Double.NaN);
    }

    /**
     * @param labels true class per example
     * @return fraction of correct predictions
     * @throws IllegalArgumentException if the lengths differ
     */
    public double accuracy(int[] labels) {
        if (labels.length != predictions.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + predictions.length + " examples");
        }
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            correct += labels[i] == predictions[i] ? 1 : 0;
        }
        return (double) correct / labels.length;
    }

    /**
     * @param maxSteps the model's number of steps
     * @return how many examples exited at each step {@code 1..maxSteps}, index 0 = step 1
     */
    public int[] histogram(int maxSteps) {
        int[] counts = new int[maxSteps];
        for (int s : steps) {
            counts[Math.min(s, maxSteps) - 1]++;
        }
        return counts;
    }
}
