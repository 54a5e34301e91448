package org.repro4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Cuts a token-id stream into language-model batches {@code [batch, seq]} with next-token targets.
 *
 * <p>Training draws windows at uniformly random start positions ({@link #random}, seeded); evaluation walks the
 * stream once in order with non-overlapping windows ({@link #sequential}), so every token after the first is
 * predicted exactly once except a tail shorter than one window.
 *
 * <pre>{@code
 * LmBatches train = new LmBatches(vocab.encode(trainTokens), 32, 32);
 * Random rng = new Random(seed);
 * for (int step = 0; step < steps; step++) { LmBatch b = train.random(rng); ... }   // [32, 32]
 * }</pre>
 */
public final class LmBatches {
    private final int[] stream;
    private final int batchSize;
    private final int seqLen;

    /**
     * @param stream token ids in reading order (not copied; do not modify it afterwards)
     * @param batchSize windows per batch
     * @param seqLen tokens per window (the model's context length)
     * @throws IllegalArgumentException if a size is not positive or the stream is shorter than
     *     {@code seqLen + 1} tokens (one window and its last target)
     */
    public LmBatches(int[] stream, int batchSize, int seqLen) {
        if (batchSize <= 0 || seqLen <= 0) {
            throw new IllegalArgumentException("batch size and sequence length must be positive, got "
                    + batchSize + " and " + seqLen);
        }
        if (stream.length < seqLen + 1) {
            throw new IllegalArgumentException("a stream of " + stream.length + " tokens is too short for one "
                    + "window of " + seqLen + " tokens plus its next-token target");
        }
        this.stream = stream;
        this.batchSize = batchSize;
        this.seqLen = seqLen;
    }

    /** @return windows per batch */
    public int batchSize() {
        return batchSize;
    }

    /** @return tokens per window */
    public int seqLen() {
        return seqLen;
    }

    /** @return number of tokens in the stream */
    public int streamLength() {
        return stream.length;
    }

    /**
     * @param random generator of the start positions (seed it for reproducible training)
     * @return {@code batchSize} windows starting at uniformly random positions in
     *     {@code [0, streamLength - seqLen - 1]}, {@code [batchSize, seqLen]}
     */
    public LmBatch random(Random random) {
        int[] starts = new int[batchSize];
        for (int b = 0; b < batchSize; b++) {
            starts[b] = random.nextInt(stream.length - seqLen);
        }
        return windows(starts);
    }

    /**
     * @return how many {@link #random} batches make one epoch: as many as would cover the stream's tokens once,
     *     {@code streamLength / (batchSize·seqLen)}, at least 1
     */
    public long randomBatchesPerEpoch() {
        return Math.max(1, stream.length / ((long) batchSize * seqLen));
    }

    /** @return number of non-overlapping windows in {@link #sequential()}: {@code (streamLength - 1) / seqLen} */
    public int sequentialWindowCount() {
        return (stream.length - 1) / seqLen;
    }

    /**
     * @return the stream in order as windows starting at {@code 0, seqLen, 2*seqLen, ...}, grouped into batches
     *     of {@code batchSize} windows ({@code [batchSize, seqLen]}; the last batch may have fewer windows)
     */
    public List<LmBatch> sequential() {
        int windows = sequentialWindowCount();
        List<LmBatch> out = new ArrayList<>();
        for (int first = 0; first < windows; first += batchSize) {
            int[] starts = new int[Math.min(batchSize, windows - first)];
            for (int b = 0; b < starts.length; b++) {
                starts[b] = (first + b) * seqLen;
            }
            out.add(windows(starts));
        }
        return out;
    }

    private LmBatch windows(int[] starts) {
        int[] inputs = new int[starts.length * seqLen];
        int[] targets = new int[starts.length * seqLen];
        for (int b = 0; b < starts.length; b++) {
            System.arraycopy(stream, starts[b], inputs, b * seqLen, seqLen);
            System.arraycopy(stream, starts[b] + 1, targets, b * seqLen, seqLen);
        }
        return new LmBatch(inputs, targets, starts.length, seqLen);
    }
}
