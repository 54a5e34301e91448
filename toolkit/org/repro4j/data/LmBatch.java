package org.repro4j.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * One language-model batch: {@code batchSize} windows of {@code seqLen} token ids and, for each position, the id
 * of the next token ({@code targets[b][t] = inputs[b][t + 1]} within a window, and the token after the window at
 * the last position).
 *
 * @param inputs input ids, row-major {@code [batchSize, seqLen]} (shared, not copied)
 * @param targets next-token ids, row-major {@code [batchSize, seqLen]} (shared, not copied)
 * @param batchSize number of windows
 * @param seqLen tokens per window
 */
public record LmBatch(int[] inputs, int[] targets, int batchSize, int seqLen) {

    /**
     * Checks the arrays hold {@code batchSize * seqLen} ids.
     *
     * @param inputs input ids, row-major {@code [batchSize, seqLen]}
     * @param targets next-token ids, row-major {@code [batchSize, seqLen]}
     * @param batchSize number of windows
     * @param seqLen tokens per window
     * @throws IllegalArgumentException if an array has the wrong length
     */
    public LmBatch {
        if (inputs.length != batchSize * seqLen || targets.length != batchSize * seqLen) {
            throw new IllegalArgumentException("inputs and targets need " + batchSize + "*" + seqLen + " ids, got "
                    + inputs.length + " and " + targets.length);
        }
    }

    /**
     * @param b window index in {@code [0, batchSize)}
     * @param t position in {@code [0, seqLen)}
     * @return the input id at {@code [b, t]}
     */
    public int input(int b, int t) {
        return inputs[b * seqLen + t];
    }

    /**
     * @param b window index in {@code [0, batchSize)}
     * @param t position in {@code [0, seqLen)}
     * @return the target id at {@code [b, t]}, the token that follows {@code input(b, t)}
     */
    public int target(int b, int t) {
        return targets[b * seqLen + t];
    }

    /**
     * @param manager owner of the new arrays
     * @return {@code [inputs, targets]}, both int64 {@code [batchSize, seqLen]} (embedding indices and class
     *     indices for DJL's softmax cross-entropy)
     */
    public NDList toNDList(NDManager manager) {
        Shape shape = new Shape(batchSize, seqLen);
        return new NDList(array(manager, inputs, shape), array(manager, targets, shape));
    }

    private static NDArray array(NDManager manager, int[] ids, Shape shape) {
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            wide[i] = ids[i];
        }
        return manager.create(wide, shape);
    }
}
