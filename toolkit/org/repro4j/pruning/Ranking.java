package org.repro4j.pruning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.repro4j.models.Maskable;
import org.repro4j.models.WeightLayout;

/** The step every score-based criterion shares: remove the lowest-scoring weights of each comparison group. */
final class Ranking {

    private Ranking() {}

    /**
     * @param sparsity a target fraction of weights to remove
     * @throws IllegalArgumentException if it is not in [0, 1)
     */
    static void requireSparsity(double sparsity) {
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("sparsity must be in [0, 1), the fraction of weights removed (0.9 "
                    + "removes 90 % and keeps 10 %); got " + sparsity);
        }
    }

    /** @return how many of {@code n} weights a group at {@code sparsity} removes, rounded down */
    static int removedCount(double sparsity, int n) {
        // the small slack keeps e.g. 0.7 · 10 = 6.9999… at 7
        return (int) Math.floor(sparsity * n + 1e-9);
    }

    /**
     * The effective weights (through any transform) of the given parameters, on the host.
     *
     * @return name → row-major values
     */
    static Map<String, float[]> effectiveWeights(Maskable model, List<String> names) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String name : names) {
            try (NDManager scope = model.parameter(name).getManager().newSubManager()) {
                NDArray w = model.effectiveWeight(name, scope);
                out.put(name, w.toFloatArray());
            }
        }
        return out;
    }

    /**
     * Removes, in each comparison group, the lowest-scoring kept weights until the group reaches {@code sparsity};
     * weights {@code within} already removes stay removed and count towards it (a group already sparser stays as
     * it is). Ties go to the lower flat index, so results are deterministic.
     *
     * @param within the mask to prune further; its parameters are the ones ranked
     * @param scores name → one score per weight, row-major; higher is more important
     * @return the new mask, a subset of {@code within}
     * @throws IllegalArgumentException if the sparsity is outside [0, 1), a score array is missing, of the wrong
     *     length or holds NaN, or the mask does not fit the model
     */
    static ParamMask removeLowest(Maskable model, ParamMask within, Map<String, float[]> scores, double sparsity,
            ComparisonGroup group) {
        requireSparsity(sparsity);
        within.requireFits(model);
        List<String> names = within.names();
        Map<String, BitSet> kept = new LinkedHashMap<>();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (String name : names) {
            float[] s = scores.get(name);
            Shape shape = within.shape(name);
            if (s == null || s.length != shape.size()) {
                throw new IllegalArgumentException("the scores of " + name + " must hold one value per weight ("
                        + shape.size() + " for " + shape + "); got " + (s == null ? "none" : s.length + " values"));
            }
            for (float v : s) {
                if (Float.isNaN(v)) {
                    throw new IllegalArgumentException("the scores of " + name + " contain NaN; check the weights and "
                            + "calibration activations for NaN");
                }
            }
            kept.put(name, within.bits(name));
            shapes.put(name, shape);
        }
        BitSet[] bits = names.stream().map(kept::get).toArray(BitSet[]::new);
        float[][] values = names.stream().map(scores::get).toArray(float[][]::new);
        for (Group g : groups(model, names, shapes, group)) {
            g.removeLowest(sparsity, bits, values);
        }
        return ParamMask.of(shapes, kept);
    }

    /** One comparison group: member k is weight {@code flat[k]} of parameter {@code names[param[k]]}. */
    private record Group(int[] param, int[] flat) {
        void removeLowest(double sparsity, BitSet[] bits, float[][] values) {
            int n = flat.length;
            long[] keys = new long[n];
            int candidates = 0;
            for (int k = 0; k < n; k++) {
                if (bits[param[k]].get(flat[k])) {
                    keys[candidates++] = ((long) sortable(values[param[k]][flat[k]]) << 32) | k;
                }
            }
            int remove = removedCount(sparsity, n) - (n - candidates);
            if (remove <= 0) {
                return;
            }
            long[] ranked = Arrays.copyOf(keys, candidates);
            Arrays.sort(ranked);
            for (int r = 0; r < remove; r++) {
                int k = (int) ranked[r];
                bits[param[k]].clear(flat[k]);
            }
        }

        /** An int whose signed order is the float's numeric order (flip the magnitude bits of negatives). */
        private static int sortable(float v) {
            int bits = Float.floatToIntBits(v);
            return bits < 0 ? bits ^ 0x7fffffff : bits;
        }
    }

    private static List<Group> groups(Maskable model, List<String> names, Map<String, Shape> shapes,
            ComparisonGroup group) {
        List<Group> out = new ArrayList<>();
        switch (group) {
            case GLOBAL -> {
                int total = Math.toIntExact(shapes.values().stream().mapToLong(Shape::size).sum());
                int[] param = new int[total];
                int[] flat = new int[total];
                int k = 0;
                for (int p = 0; p < names.size(); p++) {
                    for (int i = 0; i < shapes.get(names.get(p)).size(); i++, k++) {
                        param[k] = p;
                        flat[k] = i;
                    }
                }
                out.add(new Group(param, flat));
            }
            case LAYER -> {
                for (int p = 0; p < names.size(); p++) {
                    int size = Math.toIntExact(shapes.get(names.get(p)).size());
                    int[] flat = new int[size];
                    Arrays.setAll(flat, i -> i);
                    int[] param = new int[size];
                    Arrays.fill(param, p);
                    out.add(new Group(param, flat));
                }
            }
            case OUTPUT -> {
                for (int p = 0; p < names.size(); p++) {
                    WeightLayout layout = model.layout(names.get(p));
                    for (int row = 0; row < layout.outputs(); row++) {
                        int[] flat = new int[layout.inputs()];
                        for (int col = 0; col < flat.length; col++) {
                            flat[col] = layout.flatIndex(row, col);
                        }
                        int[] param = new int[flat.length];
                        Arrays.fill(param, p);
                        out.add(new Group(param, flat));
                    }
                }
            }
        }
        return out;
    }
}
