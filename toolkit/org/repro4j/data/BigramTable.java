package org.repro4j.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * A bigram language model P(w_{t+1} | w_t) counted from a token-id stream, with add-k smoothing: the target that
 * bigram subnetworks are trained to reproduce (Chang &amp; Bergen, 2025, "Bigram Subnetworks: Mapping to Next
 * Tokens in Transformer Language Models", arXiv 2504.15471, §3).
 *
 * <p><b>Estimate.</b> With {@code c(a, b)} the number of times id {@code b} follows id {@code a} in the stream,
 * {@code c(a) = Σ_b c(a, b)} and {@code V} the vocabulary size,
 * <pre>
 *   P(b | a) = (c(a, b) + k) / (c(a) + k·V)          if c(a) &gt; 0
 *   P(b | a) = (u(b) + k) / (N + k·V)                if c(a) = 0   (back-off to the unigram)
 * </pre>
 * where {@code u(b)} counts {@code b} in the stream and {@code N} is the stream length. The authors' code
 * ({@code paper_code/utils/ngram_utils.py}, {@code ngram_predict_with_backoff}) uses raw counts (k = 0) and backs off
 * to the unigram for contexts it never saw; the bigram-subnetworks notebook adds k = 0.01 so that no eval bigram has
 * infinite surprisal. The unigram is smoothed with the same k for the same reason. Bigrams are counted across
 * sentence and document boundaries, exactly as a language model reads the concatenated stream.
 *
 * <p><b>Memory.</b> The conditional table is kept as {@code float[V·V]} (4 MB for V = 1000).
 *
 * <pre>{@code
 * BigramTable bigrams = BigramTable.fit(vocab.encode(trainTokens), vocab.size());
 * double bits = bigrams.meanSurprisalBits(new LmBatches(evalIds, 32, 32).sequential());
 * }</pre>
 */
public final class BigramTable {

    /** The add-k constant of the bigram-subnetworks notebook (11). */
    public static final double DEFAULT_SMOOTHING = 0.01;

    private static final double LN2 = Math.log(2);

    private final int vocabSize;
    private final double smoothing;
    private final int[] counts;
    private final long[] contextCounts;
    private final long[] unigramCounts;
    private final float[] probabilities;

    private BigramTable(int vocabSize, double smoothing, int[] counts, long[] contextCounts, long[] unigramCounts) {
        this.vocabSize = vocabSize;
        this.smoothing = smoothing;
        this.counts = counts;
        this.contextCounts = contextCounts;
        this.unigramCounts = unigramCounts;
        this.probabilities = new float[vocabSize * vocabSize];
        long tokens = 0;
        for (long u : unigramCounts) {
            tokens += u;
        }
        double unigramDenominator = tokens + smoothing * vocabSize;
        for (int a = 0; a < vocabSize; a++) {
            int row = a * vocabSize;
            if (contextCounts[a] > 0) {
                double denominator = contextCounts[a] + smoothing * vocabSize;
                for (int b = 0; b < vocabSize; b++) {
                    probabilities[row + b] = (float) ((counts[row + b] + smoothing) / denominator);
                }
            } else {
                for (int b = 0; b < vocabSize; b++) {
                    probabilities[row + b] = (float) ((unigramCounts[b] + smoothing) / unigramDenominator);
                }
            }
        }
    }

    /**
     * Counts a stream with the default smoothing k = {@value #DEFAULT_SMOOTHING}.
     *
     * @param stream token ids in reading order (the training split only), each in {@code [0, vocabSize)}
     * @param vocabSize number of ids, {@code V}
     * @return the table
     * @throws IllegalArgumentException if the stream has fewer than 2 tokens or an id is out of range
     */
    public static BigramTable fit(int[] stream, int vocabSize) {
        return fit(stream, vocabSize, DEFAULT_SMOOTHING);
    }

    /**
     * Counts a stream.
     *
     * @param stream token ids in reading order, each in {@code [0, vocabSize)}
     * @param vocabSize number of ids, {@code V}, at most 46 340 (the table has {@code V²} entries)
     * @param smoothing add-k constant, {@code k > 0} (use a tiny k such as 1e-9 for the authors' raw counts)
     * @return the table
     * @throws IllegalArgumentException if the stream has fewer than 2 tokens, an id is out of range, the vocabulary
     *     is empty or too large, or {@code k ≤ 0}
     */
    public static BigramTable fit(int[] stream, int vocabSize, double smoothing) {
        if (vocabSize < 1 || vocabSize > 46_340) {
            throw new IllegalArgumentException("vocabSize must be in [1, 46340] (the table holds V² floats); got "
                    + vocabSize);
        }
        if (!(smoothing > 0) || Double.isInfinite(smoothing)) {
            throw new IllegalArgumentException("the add-k smoothing constant must be a positive number such as "
                    + DEFAULT_SMOOTHING + "; got " + smoothing);
        }
        if (stream.length < 2) {
            throw new IllegalArgumentException("a bigram table needs a stream of at least 2 tokens; got "
                    + stream.length);
        }
        int[] counts = new int[vocabSize * vocabSize];
        long[] contextCounts = new long[vocabSize];
        long[] unigramCounts = new long[vocabSize];
        for (int i = 0; i < stream.length; i++) {
            int b = stream[i];
            if (b < 0 || b >= vocabSize) {
                throw new IllegalArgumentException("token id " + b + " at position " + i + " is outside [0, "
                        + vocabSize + "); encode the text with the same Vocab whose size you pass");
            }
            unigramCounts[b]++;
            if (i > 0) {
                int a = stream[i - 1];
                counts[a * vocabSize + b]++;
                contextCounts[a]++;
            }
        }
        return new BigramTable(vocabSize, smoothing, counts, contextCounts, unigramCounts);
    }

    /** @return number of ids, {@code V} */
    public int vocabSize() {
        return vocabSize;
    }

    /** @return the add-k constant */
    public double smoothing() {
        return smoothing;
    }

    /**
     * @param previous context id {@code a}
     * @param next following id {@code b}
     * @return raw count {@code c(a, b)}
     */
    public int count(int previous, int next) {
        return counts[index(previous, next)];
    }

    /**
     * @param previous context id {@code a}
     * @return {@code c(a)}, how often {@code a} is followed by any token; 0 means the row backs off to the unigram
     */
    public long contextCount(int previous) {
        checkId(previous);
        return contextCounts[previous];
    }

    /**
     * @param token an id
     * @return how often it occurs in the stream
     */
    public long unigramCount(int token) {
        checkId(token);
        return unigramCounts[token];
    }

    /**
     * @param previous context id
     * @param next following id
     * @return {@code P(next | previous)}, smoothed (see the class comment)
     */
    public double probability(int previous, int next) {
        return probabilities[index(previous, next)];
    }

    /**
     * @param previous context id
     * @param next following id
     * @return {@code −log₂ P(next | previous)}, bits
     */
    public double surprisalBits(int previous, int next) {
        return -Math.log(probability(previous, next)) / LN2;
    }

    /**
     * @param previous context id
     * @return a copy of the next-token distribution {@code P(· | previous)}, {@code [V]}, summing to 1
     */
    public float[] row(int previous) {
        float[] row = new float[vocabSize];
        System.arraycopy(probabilities, index(previous, 0), row, 0, vocabSize);
        return row;
    }

    /**
     * @param manager owner of the new array
     * @return the whole table, float32 {@code [V, V]}: row {@code a} is {@code P(· | a)}
     */
    public NDArray distributions(NDManager manager) {
        return manager.create(probabilities, new Shape(vocabSize, vocabSize));
    }

    /**
     * The bigram next-token distribution at every position of a batch: the soft target of a bigram subnetwork.
     *
     * @param inputs token ids {@code [batch, seq]}, any integer type, values in {@code [0, V)}
     * @return float32 {@code [batch, seq, V]}, entry {@code [b, t, :]} = {@code P(· | inputs[b, t])}; owned by the
     *     inputs' manager
     * @throws IllegalArgumentException if the shape is not {@code [batch, seq]} or an id is out of range
     */
    public NDArray nextTokenDistributions(NDArray inputs) {
        Shape shape = inputs.getShape();
        if (shape.dimension() != 2 || !inputs.getDataType().isInteger()) {
            throw new IllegalArgumentException("inputs must be integer token ids of shape [batch, seq]; got "
                    + inputs.getDataType() + " " + shape);
        }
        long[] ids = inputs.toType(DataType.INT64, false).toLongArray();
        float[] rows = new float[Math.multiplyExact(ids.length, vocabSize)];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabSize) {
                throw new IllegalArgumentException("token id " + ids[i] + " is outside [0, " + vocabSize + ")");
            }
            System.arraycopy(probabilities, (int) ids[i] * vocabSize, rows, i * vocabSize, vocabSize);
        }
        return inputs.getManager().create(rows, new Shape(shape.get(0), shape.get(1), vocabSize));
    }

    /**
     * Surprisal of every target of some language-model batches, in batch order, window by window, position by
     * position (the order of {@code TinyTransformerLM.surprisalBits} on the same batches).
     *
     * @param batches e.g. {@code evalBatches.sequential()}
     * @return {@code −log₂ P(target | input)} per position, bits, length {@code Σ batchSize·seqLen}
     */
    public double[] surprisalBits(List<LmBatch> batches) {
        int n = batches.stream().mapToInt(b -> b.inputs().length).sum();
        double[] out = new double[n];
        int k = 0;
        for (LmBatch batch : batches) {
            for (int i = 0; i < batch.inputs().length; i++) {
                out[k++] = surprisalBits(batch.inputs()[i], batch.targets()[i]);
            }
        }
        return out;
    }

    /**
     * @param batches language-model batches
     * @return mean surprisal over all their positions, bits (the "bigram table surprisal" of notebook 11)
     * @throws IllegalArgumentException if there are no positions
     */
    public double meanSurprisalBits(List<LmBatch> batches) {
        double[] bits = surprisalBits(batches);
        if (bits.length == 0) {
            throw new IllegalArgumentException("no positions to average: pass at least one non-empty batch");
        }
        double sum = 0;
        for (double b : bits) {
            sum += b;
        }
        return sum / bits.length;
    }

    private int index(int previous, int next) {
        checkId(previous);
        checkId(next);
        return previous * vocabSize + next;
    }

    private void checkId(int id) {
        if (id < 0 || id >= vocabSize) {
            throw new IllegalArgumentException("token id " + id + " is outside [0, " + vocabSize + ")");
        }
    }

    @Override
    public String toString() {
        return "BigramTable[V=" + vocabSize + ", k=" + smoothing + ", "
                + Arrays.stream(contextCounts).filter(c -> c > 0).count() + " seen contexts]";
    }
}
