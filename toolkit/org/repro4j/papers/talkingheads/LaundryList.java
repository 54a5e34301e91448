package org.repro4j.papers.talkingheads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Random;

/**
 * The "odd-one-out laundry list" task: a toy version of the Laundry List task of Merullo, Eickhoff, Pavlick 2024
 * ("Talking Heads", arXiv 2406.09519), designed for repro4j (package documentation). It is the IOI task generalised to
 * N names: a model must find, among N listed items, the one not repeated.
 *
 * <p><b>Vocabulary</b> ({@link #vocabSize()} = items + fillers + 2): item tokens {@code 0 … items−1}, filler tokens
 * {@code items … items+fillers−1}, then {@link #bos()} and {@link #end()}.
 *
 * <p><b>Sequence</b> ({@link #seqLength()} = contentLength + 2): BOS, contentLength content tokens, END. The content
 * holds N distinct items drawn uniformly: N−1 of them twice and one (the target) once; the remaining
 * contentLength − (2N − 1) slots are fillers drawn uniformly with replacement; then the content is shuffled, so
 * positions carry no information and the answer is found only by comparing how often each item occurs (once
 * vs twice). The model's prediction is read at END
 * and should be the target. N is drawn uniformly from [minN, maxN] per sequence.
 *
 * <p>Defaults ({@link #defaults()}) reproduce the notebook's toy: 12 items, 12 fillers, 20 content tokens (26 tokens,
 * sequences of 22), N ~ U{2..7}. {@link #withN} fixes N, also beyond the training range, for accuracy by N.
 *
 * <p>Instances are immutable; sampling is deterministic given the seed.
 */
public final class LaundryList {

    private final int items;
    private final int fillers;
    private final int contentLength;
    private final int minN;
    private final int maxN;

    /**
     * One batch of sequences.
     *
     * @param tokens token ids, shape {@code [batch, seq]}
     * @param targets the item that appears once, shape {@code [batch]}
     * @param n the number of distinct items N in each sequence, shape {@code [batch]}
     * @param targetPositions where the target sits in the sequence (1 … contentLength), shape {@code [batch]}
     */
    public record Batch(int[][] tokens, int[] targets, int[] n, int[] targetPositions) {

        /** @return the number of sequences */
        public int size() {
            return targets.length;
        }

        /**
         * @param manager owner of the new array
         * @return tokens as {@code int32 [batch, seq]}
         */
        public NDArray tokens(NDManager manager) {
            return manager.create(tokens);
        }

        /**
         * @param manager owner of the new array
         * @return targets as {@code int32 [batch]}
         */
        public NDArray targets(NDManager manager) {
            return manager.create(targets);
        }
    }

    /**
     * @param items number of item tokens, ≥ 2
     * @param fillers number of filler tokens, ≥ 0 (0 only if every list fills the content exactly)
     * @param contentLength content tokens between BOS and END
     * @param minN smallest N (distinct items per list), ≥ 2
     * @param maxN largest N, ≤ items and with 2·maxN − 1 ≤ contentLength
     * @throws IllegalArgumentException naming the setting that makes lists impossible
     */
    public LaundryList(int items, int fillers, int contentLength, int minN, int maxN) {
        if (items < 2) {
            throw new IllegalArgumentException("items = " + items + "; a list needs at least 2 item tokens");
        }
        if (fillers < 0) {
            throw new IllegalArgumentException("fillers = " + fillers + " must be >= 0");
        }
        if (minN < 2) {
            throw new IllegalArgumentException("N = " + minN + " is too small; a list needs N >= 2 items "
                    + "(one once, at least one twice)");
        }
        if (minN > maxN) {
            throw new IllegalArgumentException("N range [" + minN + ", " + maxN + "] is empty; use minN <= maxN");
        }
        if (maxN > items) {
            throw new IllegalArgumentException("N = " + maxN + " exceeds the " + items
                    + " item tokens; lower N or raise items");
        }
        if (2 * (maxN - 1) + 1 > contentLength) {
            throw new IllegalArgumentException("N = " + maxN + " needs 2(N-1)+1 = " + (2 * maxN - 1)
                    + " content tokens but contentLength = " + contentLength + "; lower N or lengthen the content");
        }
        if (fillers == 0 && 2 * minN - 1 < contentLength) {
            throw new IllegalArgumentException("no filler tokens but lists with N = " + minN + " leave "
                    + (contentLength - 2 * minN + 1) + " content slots to fill; add fillers");
        }
        this.items = items;
        this.fillers = fillers;
        this.contentLength = contentLength;
        this.minN = minN;
        this.maxN = maxN;
    }

    /** @return the notebook's toy: 12 items, 12 fillers, 20 content tokens, N ~ U{2..7} */
    public static LaundryList defaults() {
        return new LaundryList(12, 12, 20, 2, 7);
    }

    /**
     * @param n the fixed number of distinct items, also outside the training range
     * @return the same vocabulary and length with every list of size {@code n}
     * @throws IllegalArgumentException if {@code n} does not fit the vocabulary or length
     */
    public LaundryList withN(int n) {
        return withNRange(n, n);
    }

    /**
     * @param minN smallest N
     * @param maxN largest N
     * @return the same vocabulary and length with N ~ U{minN..maxN}
     * @throws IllegalArgumentException if the range does not fit the vocabulary or length
     */
    public LaundryList withNRange(int minN, int maxN) {
        return new LaundryList(items, fillers, contentLength, minN, maxN);
    }

    /** @return number of item tokens (ids 0 … items−1) */
    public int items() {
        return items;
    }

    /** @return number of filler tokens (ids items … items+fillers−1) */
    public int fillers() {
        return fillers;
    }

    /** @return content tokens between BOS and END */
    public int contentLength() {
        return contentLength;
    }

    /** @return smallest N */
    public int minN() {
        return minN;
    }

    /** @return largest N */
    public int maxN() {
        return maxN;
    }

    /** @return items + fillers + 2 */
    public int vocabSize() {
        return items + fillers + 2;
    }

    /** @return contentLength + 2 (BOS and END) */
    public int seqLength() {
        return contentLength + 2;
    }

    /** @return the BOS token id, items + fillers */
    public int bos() {
        return items + fillers;
    }

    /** @return the END token id, items + fillers + 1 */
    public int end() {
        return items + fillers + 1;
    }

    /** @return the position of END, where the prediction is read: seqLength − 1 */
    public int endPosition() {
        return contentLength + 1;
    }

    /**
     * @param token a token id
     * @return whether it is an item (a possible answer)
     */
    public boolean isItem(int token) {
        return token >= 0 && token < items;
    }

    /**
     * @param size number of sequences, ≥ 1
     * @param seed random seed; the same seed gives the same batch
     * @return a batch of {@code size} sequences
     * @throws IllegalArgumentException if {@code size < 1}
     */
    public Batch batch(int size, long seed) {
        return batch(size, new Random(seed));
    }

    /**
     * @param size number of sequences, ≥ 1
     * @param rng the random source, advanced by the call (e.g. one per training run)
     * @return a batch of {@code size} sequences
     * @throws IllegalArgumentException if {@code size < 1}
     */
    public Batch batch(int size, Random rng) {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be >= 1 but was " + size);
        }
        int[][] tokens = new int[size][];
        int[] targets = new int[size];
        int[] ns = new int[size];
        int[] positions = new int[size];
        for (int b = 0; b < size; b++) {
            int n = minN + rng.nextInt(maxN - minN + 1);
            int[] chosen = sampleDistinct(rng, items, n);
            int target = chosen[0];
            int[] content = new int[contentLength];
            int k = 0;
            content[k++] = target;
            for (int i = 1; i < n; i++) {
                content[k++] = chosen[i];
                content[k++] = chosen[i];
            }
            while (k < contentLength) {
                content[k++] = items + rng.nextInt(fillers);
            }
            shuffle(rng, content);
            int[] seq = new int[seqLength()];
            seq[0] = bos();
            System.arraycopy(content, 0, seq, 1, contentLength);
            seq[endPosition()] = end();
            tokens[b] = seq;
            targets[b] = target;
            ns[b] = n;
            for (int p = 1; p <= contentLength; p++) {
                if (seq[p] == target) {
                    positions[b] = p;
                }
            }
        }
        return new Batch(tokens, targets, ns, positions);
    }

    @Override
    public String toString() {
        return "LaundryList[items=" + items + ", fillers=" + fillers + ", content=" + contentLength
                + ", N=" + minN + ".." + maxN + "]";
    }

    /** The first {@code k} entries of a partial Fisher–Yates shuffle of 0 … range−1: a uniform random subset. */
    private static int[] sampleDistinct(Random rng, int range, int k) {
        int[] pool = new int[range];
        for (int i = 0; i < range; i++) {
            pool[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(range - i);
            int tmp = pool[i];
            pool[i] = pool[j];
            pool[j] = tmp;
        }
        int[] out = new int[k];
        System.arraycopy(pool, 0, out, 0, k);
        return out;
    }

    private static void shuffle(Random rng, int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }
}
