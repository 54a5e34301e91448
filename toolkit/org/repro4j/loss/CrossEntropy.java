package org.repro4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Softmax cross-entropy with integer class labels, averaged over all rows: the classifier loss of
 * PyTorch's {@code nn.CrossEntropyLoss()} (reduction {@code mean}, no label smoothing).
 *
 * <p>L = −(1/N) Σ_n log softmax(z_n)[y_n], computed with a log-softmax so large logits do not overflow.
 */
public final class CrossEntropy implements LossFunction {

    /**
     * @param logits {@code [..., classes]}, e.g. {@code [batch, classes]} or {@code [batch, seq, vocab]}
     * @param labels class indices in {@code [0, classes)}, shaped as {@code logits} without the last axis; any
     *     integer or float type holding whole numbers
     * @return mean cross-entropy in nats, shape {@code []}
     * @throws IllegalArgumentException if the shapes do not match
     */
    @Override
    public NDArray apply(NDArray logits, NDArray labels) {
        Shape rows = logits.getShape().slice(0, logits.getShape().dimension() - 1);
        if (!labels.getShape().equals(rows)) {
            throw new IllegalArgumentException("CrossEntropy needs labels shaped " + rows + " for logits "
                    + logits.getShape() + " (one class index per row); got " + labels.getShape()
                    + ". For a probability distribution per row use SoftTargetCrossEntropy.");
        }
        NDArray index = labels.toType(DataType.INT64, false).expandDims(-1);
        return logits.logSoftmax(-1).gather(index, -1).mean().neg();
    }

    @Override
    public String toString() {
        return "CrossEntropy";
    }
}
