package org.repro4j.nas;

import java.util.Arrays;
import java.util.StringJoiner;

/**
 * A sub-model of an {@link ElasticMlp}: a depth prefix (its first {@code depth()} hidden layers) and a width prefix
 * per kept layer (the first {@code widths()[i]} units of layer i), then the shared read-out. Its weights are the
 * top-left blocks of the supernet's, {@code W_i[:k_i, :k_{i−1}]}: the nested ("sorted") sub-models of SortedNet
 * and the children of BigNAS. Immutable.
 *
 * <pre>{@code
 * SubModel child = SubModel.of(256, 128);      // the first 2 layers, 256 and 128 units
 * SubModel slim = SubModel.uniform(3, 64);     // the first 3 layers, 64 units each
 * }</pre>
 */
public final class SubModel {

    private final int[] widths;

    private SubModel(int[] widths) {
        if (widths.length == 0) {
            throw new IllegalArgumentException("a sub-model keeps at least one hidden layer: give a width for each "
                    + "of its first L layers, with the depth L in [1, the supernet's depth]");
        }
        for (int i = 0; i < widths.length; i++) {
            if (widths[i] <= 0) {
                throw new IllegalArgumentException("the width prefix of layer " + i + " is " + widths[i]
                        + "; a layer keeps at least its first unit, so use a width in [1, the layer's width]");
            }
        }
        this.widths = widths;
    }

    /**
     * @param widths units kept in each of the first {@code widths.length} hidden layers
     * @return the sub-model
     * @throws IllegalArgumentException if no width is given or a width is ≤ 0
     */
    public static SubModel of(int... widths) {
        return new SubModel(widths.clone());
    }

    /**
     * @param depth number of hidden layers kept, ≥ 1
     * @param width units kept in each of them, ≥ 1
     * @return the sub-model with one width on every layer (a width multiplier applied to a uniform-width MLP)
     * @throws IllegalArgumentException if {@code depth} or {@code width} is ≤ 0
     */
    public static SubModel uniform(int depth, int width) {
        if (depth <= 0) {
            throw new IllegalArgumentException("a sub-model keeps at least one hidden layer; got depth " + depth);
        }
        int[] widths = new int[depth];
        Arrays.fill(widths, width);
        return new SubModel(widths);
    }

    /** @return number of hidden layers kept (the depth prefix) */
    public int depth() {
        return widths.length;
    }

    /** @return units kept in each kept layer, in forward order (a copy) */
    public int[] widths() {
        return widths.clone();
    }

    /**
     * @param layer a kept layer, in {@code [0, depth())}
     * @return its width prefix
     */
    public int width(int layer) {
        return widths[layer];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubModel other && Arrays.equals(widths, other.widths);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(widths);
    }

    /** @return the hidden widths joined by "-", e.g. {@code 256-128} */
    @Override
    public String toString() {
        StringJoiner joined = new StringJoiner("-");
        for (int w : widths) {
            joined.add(Integer.toString(w));
        }
        return joined.toString();
    }
}
