package org.repro4j.papers.talkingheads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Task accuracy on the odd-one-out laundry list (Merullo, Eickhoff, Pavlick 2024, "Talking Heads", arXiv
 * 2406.09519; toy design in the package documentation) by list size N: the fraction of sequences whose arg-max
 * prediction at END, over the whole vocabulary, is the item that appears once.
 *
 * <p>The evaluation sequences are drawn once, when the evaluator is built, so every model and every intervention
 * is scored on the same lists: differences between interventions are paired, not sampling noise.
 *
 * <pre>{@code
 * LaundryListAccuracy eval = new LaundryListAccuracy(task, new int[] {2, 3, 4, 5, 6, 7, 8, 9}, 1000, seed);
 * double[] acc = eval.byN(lm::logits);      // one accuracy per N
 * }</pre>
 */
public final class LaundryListAccuracy {

    private final int[] ns;
    private final LaundryList.Batch[] batches;
    private final int endPosition;

    /**
     * @param task vocabulary and length of the lists (its own N range is ignored)
     * @param ns the list sizes to score, each fitting the task's items and length, e.g. beyond the training range
     * @param sequencesPerN sequences drawn for each N, ≥ 1
     * @param seed seed of the evaluation lists
     * @throws IllegalArgumentException if {@code ns} is empty, an N does not fit the task, or
     *     {@code sequencesPerN < 1}
     */
    public LaundryListAccuracy(LaundryList task, int[] ns, int sequencesPerN, long seed) {
        if (ns.length == 0) {
            throw new IllegalArgumentException("no list sizes given; pass e.g. new int[] {2, 3, 4, 5}");
        }
        this.ns = ns.clone();
        this.batches = new LaundryList.Batch[ns.length];
        for (int i = 0; i < ns.length; i++) {
            // one stream per N, so the lists of an N do not depend on which other sizes are evaluated
            batches[i] = task.withN(ns[i]).batch(sequencesPerN, seed + 1_000_003L * ns[i]);
        }
        this.endPosition = task.endPosition();
    }

    /** @return the list sizes N, in the order of {@link #byN}'s result (a copy) */
    public int[] ns() {
        return ns.clone();
    }

    /**
     * @param n a list size given to the constructor
     * @return its evaluation sequences
     * @throws IllegalArgumentException if {@code n} was not given
     */
    public LaundryList.Batch batch(int n) {
        return batches[indexOf(n)];
    }

    /**
     * @param logits the model: token ids {@code int32 [batch, seq]} to logits {@code [batch, seq, vocab]}, e.g.
     *     {@code lm::logits}; called once per N, with its temporaries freed after each call
     * @return accuracy at END for each N of {@link #ns()}, in [0, 1]
     * @throws IllegalArgumentException if the logits do not have the input's batch and sequence length
     */
    public double[] byN(UnaryOperator<NDArray> logits) {
        double[] out = new double[ns.length];
        for (int i = 0; i < ns.length; i++) {
            out[i] = accuracy(batches[i], logits);
        }
        return out;
    }

    /**
     * @param n a list size given to the constructor
     * @param logits the model, as for {@link #byN}
     * @return accuracy at END for lists of size {@code n}
     * @throws IllegalArgumentException if {@code n} was not given
     */
    public double at(int n, UnaryOperator<NDArray> logits) {
        return accuracy(batches[indexOf(n)], logits);
    }

    private double accuracy(LaundryList.Batch batch, UnaryOperator<NDArray> logits) {
        try (NDManager scope = NDManager.newBaseManager()) {
            NDArray tokens = batch.tokens(scope);
            NDArray out = logits.apply(tokens);
            long[] shape = out.getShape().getShape();
            if (shape.length != 3 || shape[0] != batch.size() || shape[1] != endPosition + 1) {
                throw new IllegalArgumentException("the model returned logits of shape " + out.getShape()
                        + " for tokens " + tokens.getShape() + "; expected [batch, seq, vocab]");
            }
            NDArray predicted = out.get(new NDIndex(":, {}, :", endPosition)).argMax(-1).toType(DataType.INT32, false);
            int[] guesses = predicted.toIntArray();
            int[] targets = batch.targets();
            int correct = 0;
            for (int b = 0; b < targets.length; b++) {
                if (guesses[b] == targets[b]) {
                    correct++;
                }
            }
            return (double) correct / targets.length;
        }
    }

    private int indexOf(int n) {
        for (int i = 0; i < ns.length; i++) {
            if (ns[i] == n) {
                return i;
            }
        }
        throw new IllegalArgumentException("N = " + n + " is not evaluated; the evaluator scores N in "
                + Arrays.toString(ns));
    }
}
