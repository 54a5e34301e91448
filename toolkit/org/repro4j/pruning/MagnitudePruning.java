package org.repro4j.pruning;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.repro4j.models.Maskable;

/**
 * Magnitude pruning: remove the weights of smallest {@code |W|} (Han, Pool, Tran &amp; Dally, 2015, "Learning both
 * Weights and Connections for Efficient Neural Networks", arXiv 1506.02626), ranked over the whole model
 * ({@link ComparisonGroup#GLOBAL}), per layer ({@link ComparisonGroup#LAYER}, as Zhu &amp; Gupta, 2017) or per
 * output unit ({@link ComparisonGroup#OUTPUT}). Magnitudes are read through the model's weight transforms, so a
 * model running under a mask ranks its effective weights. {@link GradualPruning} applies it on a schedule,
 * {@link IterativeMagnitudePruning} in prune–retrain phases.
 *
 * <pre>{@code
 * ParamMask mask = MagnitudePruning.prune(mlp, 0.9, ComparisonGroup.GLOBAL);   // keep the largest 10 %
 * }</pre>
 */
public final class MagnitudePruning {

    private MagnitudePruning() {}

    /**
     * One-shot magnitude pruning of every maskable weight.
     *
     * @param model the model, not changed (apply the result with {@link ParamMask#prune})
     * @param sparsity fraction of weights to remove in each comparison group, in [0, 1); rounded down per group,
     *     so 0 gives {@link ParamMask#ones}
     * @param group which weights are ranked against each other
     * @return the mask keeping each group's largest weights
     * @throws IllegalArgumentException if {@code sparsity} is outside [0, 1)
     */
    public static ParamMask prune(Maskable model, double sparsity, ComparisonGroup group) {
        return prune(model, ParamMask.ones(model), sparsity, group);
    }

    /**
     * Prunes further inside an existing mask: the result keeps a subset of {@code within}'s weights, so masks
     * of successive prunings are nested (iterative and gradual pruning).
     *
     * @param model the model, not changed
     * @param within the current mask; its parameters are the ones pruned, its removed weights stay removed
     * @param sparsity target fraction of each group's weights removed, counting those {@code within} already
     *     removes, in [0, 1); a group already sparser than this stays as it is
     * @param group which weights are ranked against each other
     * @return the nested mask
     * @throws IllegalArgumentException if {@code sparsity} is outside [0, 1) or the mask does not fit the model,
     *     naming the parameter
     */
    public static ParamMask prune(Maskable model, ParamMask within, double sparsity, ComparisonGroup group) {
        Ranking.requireSparsity(sparsity);
        within.requireFits(model);
        Map<String, float[]> magnitudes = Ranking.effectiveWeights(model, within.names());
        magnitudes.values().forEach(w -> {
            for (int i = 0; i < w.length; i++) {
                w[i] = Math.abs(w[i]);
            }
        });
        return Ranking.removeLowest(model, within, magnitudes, sparsity, group);
    }

    /**
     * Structured magnitude pruning of one parameter: removes the slices along {@code axis} (filters, neurons,
     * heads; see {@link ParamMask#withSlicesRemoved}) of smallest L1 norm (Li, Kadav, Durdanovic, Samet &amp; Graf,
     * 2017, "Pruning Filters for Efficient ConvNets", arXiv 1608.08710, §3.1).
     *
     * @param model the model, not changed
     * @param name a maskable parameter, e.g. {@code layers.0.conv.weight}
     * @param axis the axis whose slices are ranked, e.g. 0 for a conv's filters
     * @param sparsity fraction of slices to remove, in [0, 1), rounded down
     * @return a mask over every maskable weight that removes those slices of {@code name} and nothing else
     * @throws IllegalArgumentException if {@code sparsity} is outside [0, 1) or the axis does not exist
     * @throws java.util.NoSuchElementException if {@code name} is not maskable
     */
    public static ParamMask pruneSlices(Maskable model, String name, int axis, double sparsity) {
        Ranking.requireSparsity(sparsity);
        ParamMask ones = ParamMask.ones(model);
        float[] w = Ranking.effectiveWeights(model, List.of(name)).get(name);
        double[] norms = sliceNorms(ones.shape(name).getShape(), w, axis, name);
        Integer[] order = new Integer[norms.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> norms[a] != norms[b] ? Double.compare(norms[a], norms[b]) : Integer.compare(a, b));
        int[] removed = Arrays.stream(order, 0, Ranking.removedCount(sparsity, norms.length))
                .mapToInt(Integer::intValue).toArray();
        return ones.withSlicesRemoved(name, axis, removed);
    }

    private static double[] sliceNorms(long[] shape, float[] w, int axis, String name) {
        if (axis < 0 || axis >= shape.length) {
            throw new IllegalArgumentException("axis " + axis + " does not exist in " + name + " "
                    + Arrays.toString(shape) + "; its axes are 0.." + (shape.length - 1));
        }
        long stride = 1;
        for (int a = shape.length - 1; a > axis; a--) {
            stride *= shape[a];
        }
        double[] norms = new double[(int) shape[axis]];
        for (int i = 0; i < w.length; i++) {
            norms[(int) ((i / stride) % shape[axis])] += Math.abs(w[i]);
        }
        return norms;
    }
}
