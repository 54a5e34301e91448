package org.repro4j.pruning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.repro4j.hooks.ActivationCache;
import org.repro4j.models.Maskable;
import org.repro4j.models.WeightLayout;

/**
 * Statistics of one weight's inputs over calibration data, per input feature {@code j} of its {@code [out, in]}
 * view: count {@code N}, {@code Σ x_j}, {@code Σ x_j²} and optionally the Gram matrix {@code Σ x xᵀ}, accumulated
 * in double precision from the activations recorded at the weight's input hook.
 */
final class LayerInputs {

    /** Calibration examples per forward pass: bounds the activations held at once. */
    static final int BATCH = 64;

    final int features;
    long rows;
    final double[] sum;
    final double[] sumSquares;
    final double[] gram;

    private LayerInputs(int features, boolean withGram) {
        this.features = features;
        this.sum = new double[features];
        this.sumSquares = new double[features];
        this.gram = withGram ? new double[features * features] : null;
    }

    /** @param x inputs {@code [N, features]} */
    private void add(NDArray x) {
        rows += x.getShape().get(0);
        accumulate(sum, x.sum(new int[] {0}).toFloatArray());
        accumulate(sumSquares, x.square().sum(new int[] {0}).toFloatArray());
        if (gram != null) {
            accumulate(gram, x.transpose().matMul(x).toFloatArray());
        }
    }

    private static void accumulate(double[] into, float[] values) {
        for (int i = 0; i < into.length; i++) {
            into[i] += values[i];
        }
    }

    /** @return {@code ‖X_j‖₂} over the calibration rows */
    double norm(int j) {
        return Math.sqrt(sumSquares[j]);
    }

    /** @return the mean {@code E[x_j]} */
    double mean(int j) {
        return sum[j] / rows;
    }

    /** @return the population variance {@code E[x_j²] − E[x_j]²}, never negative */
    double variance(int j) {
        double m = mean(j);
        return Math.max(0, sumSquares[j] / rows - m * m);
    }

    /**
     * Records the inputs of the given weights over the calibration set, in batches of {@value #BATCH}.
     *
     * @param calibration examples along axis 0, as the model's {@link Maskable#logits} takes them
     * @return name → statistics
     */
    static Map<String, LayerInputs> record(Maskable model, List<String> names, NDArray calibration,
            boolean withGram) {
        Map<String, WeightLayout> layouts = new LinkedHashMap<>();
        names.forEach(n -> layouts.put(n, model.layout(n)));
        Set<String> hooks = new LinkedHashSet<>();
        layouts.values().forEach(l -> hooks.add(l.inputHook()));
        Map<String, LayerInputs> out = new LinkedHashMap<>();
        layouts.forEach((n, l) -> out.put(n, new LayerInputs(l.inputs(), withGram)));
        long n = calibration.getShape().get(0);
        if (n == 0) {
            throw new IllegalArgumentException("the calibration set is empty; give at least one example along axis 0");
        }
        for (long from = 0; from < n; from += BATCH) {
            try (NDManager scope = calibration.getManager().newSubManager()) {
                NDArray x = calibration.get(scope, new NDIndex("{}:{}", from, Math.min(n, from + BATCH)));
                try (ActivationCache cache = ActivationCache.record(hooks::contains, () -> model.logits(x))) {
                    layouts.forEach((name, l) -> out.get(name).add(l.inputFeatures(cache.get(l.inputHook()))));
                }
            }
        }
        return out;
    }

    /**
     * Prunes layer by layer in forward order, as Wanda and DSnoT do: the inputs of each group of weights that read
     * the same hook are recorded with the masks already chosen for the earlier weights applied, so a layer is
     * pruned for the inputs it will see in the pruned model.
     *
     * @param names maskable weights in forward order
     * @param pruneOne name and its inputs' statistics → the kept bits of that weight
     * @return the mask over {@code names}
     */
    static ParamMask sequential(Maskable model, List<String> names, NDArray calibration, boolean withGram,
            BiFunction<String, LayerInputs, BitSet> pruneOne) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        Map<String, BitSet> kept = new LinkedHashMap<>();
        for (List<String> group : groupsByInput(model, names)) {
            Map<String, LayerInputs> inputs = shapes.isEmpty()
                    ? record(model, group, calibration, withGram)
                    : ParamMask.of(shapes, kept).runWith(model, () -> record(model, group, calibration, withGram));
            for (String name : group) {
                kept.put(name, pruneOne.apply(name, inputs.get(name)));
                shapes.put(name, model.parameter(name).getShape());
            }
        }
        return ParamMask.of(shapes, kept);
    }

    /** Runs of consecutive weights reading the same hook (e.g. a block's W_Q, W_K, W_V). */
    private static List<List<String>> groupsByInput(Maskable model, List<String> names) {
        List<List<String>> groups = new ArrayList<>();
        String previous = null;
        for (String name : names) {
            String hook = model.layout(name).inputHook();
            if (!hook.equals(previous)) {
                groups.add(new ArrayList<>());
                previous = hook;
            }
            groups.get(groups.size() - 1).add(name);
        }
        return groups;
    }
}
