package org.repro4j.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.function.Supplier;

/** Additive causal masks {@code [seq, seq]}: 0 on and below the diagonal, −∞ above; built once per length. */
final class CausalMask {

    private final NDArray[] masks;
    private final Supplier<NDManager> owner;

    /**
     * @param context the longest sequence
     * @param owner the manager the masks live in (the model's, which exists only once the model is built)
     */
    CausalMask(int context, Supplier<NDManager> owner) {
        this.masks = new NDArray[context + 1];
        this.owner = owner;
    }

    /**
     * The mask of queries at positions {@code from..from+queries−1} over keys {@code 0..from+queries−1}: the last
     * rows of the square mask, what a chunk of new tokens needs after {@code from} cached positions.
     *
     * @return {@code [queries, from + queries]}; for {@code from = 0} the square mask itself
     */
    NDArray rows(int from, int queries) {
        NDArray square = of(from + queries);
        return from == 0 ? square : square.get(new NDIndex("{}:", from));
    }

    /** @return the mask for sequences of length {@code seq}, {@code 1 ≤ seq ≤ context} */
    NDArray of(int seq) {
        if (masks[seq] == null) {
            float[] mask = new float[seq * seq];
            for (int q = 0; q < seq; q++) {
                for (int k = q + 1; k < seq; k++) {
                    mask[q * seq + k] = Float.NEGATIVE_INFINITY;
                }
            }
            masks[seq] = owner.get().create(mask, new Shape(seq, seq));
        }
        return masks[seq];
    }
}
