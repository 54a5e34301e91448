package org.repro4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.repro4j.loss.CrossEntropy;
import org.repro4j.train.Batch;
import org.repro4j.train.Batches;
import org.repro4j.train.Fit;

/**
 * Where a training step of {@link Fit} spends its time, measured from outside the loop so that the loop is exactly
 * the one users run: the batch source, the loss and the {@code afterStep} callback carry timestamps, which split
 * each step into
 * <ul>
 *   <li>{@code batch}: previous step's end → batch ready (opening the step's scope, gathering the rows);
 *   <li>{@code forward}: the model's forward pass;
 *   <li>{@code loss}: the loss function;
 *   <li>{@code backward+update}: backward pass, reading the loss, one optimizer update per parameter tensor,
 *       closing the step's scope.
 * </ul>
 * Two micro-measurements explain the last phase and the engine's fixed costs: {@link #update} (the fused native
 * optimizer call the toolkit makes, on arrays shaped like the model's parameters) and {@link #opOverhead}.
 */
final class StepProfile {

    private static final String[] PHASES = {"batch", "forward", "loss", "backward+update", "step"};

    private StepProfile() {}

    /**
     * Runs {@code fit} for {@code warmup + steps} steps on {@code source} with cross-entropy.
     *
     * @param warmup steps dropped, ≥ 1
     * @return median milliseconds of each phase and of the whole step
     */
    static Map<String, Double> training(Fit fit, Batches source, int warmup, int steps) {
        int total = warmup + steps;
        long[] stepEnd = new long[total + 1];
        long[] batchEnd = new long[total + 1];
        long[] lossStart = new long[total + 1];
        long[] lossEnd = new long[total + 1];
        int[] current = {0};
        CrossEntropy crossEntropy = new CrossEntropy();
        fit.data(new Batches() {
                    @Override
                    public long batchesPerEpoch() {
                        return source.batchesPerEpoch();
                    }

                    @Override
                    public Batch next(NDManager step) {
                        Batch batch = source.next(step);
                        batchEnd[++current[0]] = System.nanoTime();
                        return batch;
                    }
                })
                .loss((prediction, target) -> {
                    lossStart[current[0]] = System.nanoTime();
                    NDArray value = crossEntropy.apply(prediction, target);
                    lossEnd[current[0]] = System.nanoTime();
                    return value;
                })
                .steps(total)
                .logEvery(total)
                .quiet()
                .afterStep(s -> stepEnd[s] = System.nanoTime())
                .run();
        double[][] samples = new double[PHASES.length][steps];
        for (int s = warmup + 1; s <= total; s++) {
            long[] bounds = {stepEnd[s - 1], batchEnd[s], lossStart[s], lossEnd[s], stepEnd[s]};
            for (int p = 0; p < 4; p++) {
                samples[p][s - warmup - 1] = (bounds[p + 1] - bounds[p]) / 1e6;
            }
            samples[4][s - warmup - 1] = (stepEnd[s] - stepEnd[s - 1]) / 1e6;
        }
        Map<String, Double> phases = new LinkedHashMap<>();
        for (int p = 0; p < PHASES.length; p++) {
            phases.put(PHASES[p], BenchWorker.median(samples[p]));
        }
        return phases;
    }

    /**
     * The fused native update the toolkit's {@code Optimizer} applies once per parameter tensor (DJL's
     * {@code adamUpdate} / {@code sgdUpdate}), on random arrays shaped like {@code model}'s parameters.
     *
     * @return median milliseconds for one update of every parameter
     */
    static double update(Block model, boolean adam, int warmup, int calls) {
        List<Shape> shapes = new ArrayList<>();
        for (Parameter p : model.getParameters().values()) {
            if (p.requiresGradient()) {
                shapes.add(p.getArray().getShape());
            }
        }
        double[] times = new double[calls];
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDArray[]> state = new ArrayList<>();
            for (Shape shape : shapes) { // weight, gradient, first moment (or momentum), second moment
                state.add(new NDArray[] {manager.randomNormal(shape), manager.randomNormal(shape),
                        manager.zeros(shape), manager.zeros(shape)});
            }
            for (int call = -warmup; call < calls; call++) {
                long start = System.nanoTime();
                for (NDArray[] s : state) {
                    if (adam) {
                        s[0].getNDArrayInternal().adamUpdate(new NDList(s[0], s[1], s[2], s[3]), new NDList(s[0]),
                                1e-3f, 1e-3f, 0f, 1f, -1f, 0.9f, 0.999f, 1e-8f, true, false);
                    } else {
                        s[0].getNDArrayInternal().sgdUpdate(new NDList(s[0], s[1]), new NDList(s[0]),
                                0.05f, 0f, 1f, -1f, 0f, true);
                    }
                }
                if (call >= 0) {
                    times[call] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        return BenchWorker.median(times);
    }

    /**
     * The engine's fixed cost of one operation as the toolkit pays it: {@code a.add(b)} on 1-element arrays, plus
     * its share of closing the scope that owns the result (the per-step {@code NDManager} churn).
     *
     * @return median microseconds per operation over {@code rounds} rounds of {@code ops} operations
     */
    static double opOverhead(NDManager parent, int ops, int rounds) {
        double[] times = new double[rounds];
        for (int round = -2; round < rounds; round++) {
            long start = System.nanoTime();
            try (NDManager scope = parent.newSubManager()) {
                NDArray a = scope.create(new float[] {1f});
                NDArray b = scope.create(new float[] {2f});
                for (int i = 0; i < ops; i++) {
                    a.add(b);
                }
            }
            if (round >= 0) {
                times[round] = (System.nanoTime() - start) / 1e3 / ops;
            }
        }
        return BenchWorker.median(times);
    }
}
