package org.repro4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * Cross-entropy of a sequence model's prediction at its last position only: for tasks whose answer is read at
 * one final token, e.g. the odd-one-out laundry list of Merullo, Eickhoff, Pavlick 2024 ("Talking Heads", arXiv
 * 2406.09519), where the model sees the list and must name the unrepeated item at END. Earlier positions carry
 * no target, so they contribute no loss.
 */
public final class LastPositionCrossEntropy implements LossFunction {

    private final CrossEntropy crossEntropy = new CrossEntropy();

    /**
     * @param logits {@code [batch, seq, vocab]}
     * @param labels the answer at the last position, shape {@code [batch]}
     * @return mean cross-entropy in nats of {@code logits[:, -1, :]} against {@code labels}, shape {@code []}
     * @throws IllegalArgumentException if the logits are not 3-D or the labels are not {@code [batch]}
     */
    @Override
    public NDArray apply(NDArray logits, NDArray labels) {
        if (logits.getShape().dimension() != 3) {
            throw new IllegalArgumentException("LastPositionCrossEntropy needs logits [batch, seq, vocab]; got "
                    + logits.getShape());
        }
        return crossEntropy.apply(logits.get(new NDIndex(":, -1, :")), labels);
    }

    @Override
    public String toString() {
        return "LastPositionCrossEntropy";
    }
}
