package org.repro4j.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The keys and values a {@link TinyTransformerLM} computed for the tokens it has already read, one entry per layer,
 * so autoregressive decoding feeds each new token once instead of re-running the whole sequence (the KV cache that
 * decoder inference relies on; see Pope et al., 2023, "Efficiently Scaling Transformer Inference", MLSys, arXiv
 * 2211.05102).
 *
 * <pre>{@code
 * try (KvCache cache = KvCache.create(lm, batch)) {
 *     NDArray first = lm.logits(prompt, cache);   // [batch, promptLength, vocab]; the cache now holds the prompt
 *     NDArray next = lm.logits(token, cache);     // [batch, 1, vocab] for the next position
 * }
 * }</pre>
 *
 * <p>Layer {@code l} keeps keys and values {@code [batch, length(l), n_heads, d_head]} for positions
 * {@code 0..length(l)−1}. Without a layer plan every layer holds every position read so far. Under a
 * {@link LayerPlan} a layer holds only the positions that ran it; a token that runs layer {@code l} at position
 * {@code t} reads entries {@code 0..t−1} of that layer, and the cache refuses (with an
 * {@link IllegalStateException}) if any of them was never computed — so no token ever attends to a missing key.
 *
 * <p>Positions are absolute (learned position embeddings): the cache holds at most {@link #capacity()} = the
 * model's context, and feeding more throws; the uncached {@link Decoding#greedy} slides a window instead.
 * The cache is for inference: its arrays carry no gradient. It owns a sub-manager of the model's; close it.
 */
public final class KvCache implements AutoCloseable {

    private final TinyTransformerLM model;
    private final NDManager manager;
    private final int batch;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int[] lengths;
    private int position;

    private KvCache(TinyTransformerLM model, int batch) {
        this.model = model;
        this.manager = model.manager().newSubManager();
        this.batch = batch;
        int layers = model.config().nLayers();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        this.lengths = new int[layers];
    }

    /**
     * @param lm the model whose keys and values the cache will hold
     * @param batch number of sequences decoded together, ≥ 1
     * @return an empty cache; close it when the sequences are done
     * @throws IllegalArgumentException if {@code batch < 1}
     */
    public static KvCache create(TinyTransformerLM lm, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("a KV cache needs a batch of at least 1 sequence, got " + batch);
        }
        return new KvCache(lm, batch);
    }

    /** @return the number of sequences */
    public int batch() {
        return batch;
    }

    /** @return the most positions the cache holds: the model's context */
    public int capacity() {
        return model.config().context();
    }

    /** @return the number of tokens read so far: the position of the next token fed */
    public int position() {
        return position;
    }

    /**
     * @param layer block index
     * @return how many positions have keys and values at that layer (fewer than {@link #position()} for layers a
     *     layer plan skipped)
     * @throws IndexOutOfBoundsException if the layer does not exist
     */
    public int length(int layer) {
        if (layer < 0 || layer >= lengths.length) {
            throw new IndexOutOfBoundsException("layer " + layer + " does not exist; the model has layers 0.."
                    + (lengths.length - 1));
        }
        return lengths[layer];
    }

    /**
     * @param tokens how many tokens are about to be fed
     * @throws IllegalStateException if they would pass the context, saying how to stay inside it
     */
    public void requireRoom(int tokens) {
        if (position + tokens > capacity()) {
            throw new IllegalStateException("the KV cache holds at most " + capacity()
                    + " positions (the model's context) and " + position + " are filled, so " + tokens
                    + " more tokens do not fit. Decode at most " + (capacity() - position)
                    + " more tokens with this cache (prompt + new tokens ≤ context), start a new cache for a new"
                    + " sequence, or decode uncached with Decoding.greedy/sample, which slides a window over"
                    + " longer sequences");
        }
    }

    /** Checks that {@code tokens [batch, seq]} can be fed to {@code lm} through this cache. */
    void requireFits(TinyTransformerLM lm, long tokensBatch, int seq) {
        if (lm != model) {
            throw new IllegalArgumentException("this KV cache belongs to another model; create one with"
                    + " KvCache.create(lm, batch) for each model");
        }
        if (tokensBatch != batch) {
            throw new IllegalArgumentException("the KV cache was created for a batch of " + batch
                    + " sequences but " + tokensBatch + " were fed; feed the same sequences every step");
        }
        requireRoom(seq);
    }

    /**
     * The layer's slot for tokens starting at position {@code from}.
     *
     * @throws IllegalStateException if the layer lacks keys and values of an earlier position
     */
    Slot slot(int layer, int from) {
        if (lengths[layer] != from) {
            throw new IllegalStateException("the token at position " + from + " runs layer " + layer
                    + ", whose KV cache holds only positions 0.." + (lengths[layer] - 1) + ": the keys and values"
                    + " of positions " + lengths[layer] + ".." + (from - 1) + " were never computed there. A"
                    + " later token may run only layers every earlier token ran (SkipDecode's non-increasing"
                    + " budget); keep one layer plan for the whole sequence");
        }
        return new Slot(layer);
    }

    /** Records that {@code tokens} more positions were read. */
    void advance(int tokens) {
        position += tokens;
    }

    /** Frees every cached key and value. */
    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("KvCache[batch " + batch + ", position " + position + "/" + capacity()
                + ", per-layer lengths");
        for (int length : lengths) {
            s.append(' ').append(length);
        }
        return s.append(']').toString();
    }

    /** One layer's entry, appended to by that layer's attention. */
    final class Slot {
        private final int layer;

        private Slot(int layer) {
            this.layer = layer;
        }

        /**
         * @param k new keys {@code [b, s, H, e]}
         * @param v new values {@code [b, s, H, e]}
         * @return keys and values of every position so far, {@code [b, length + s, H, e]}
         */
        NDArray[] append(NDArray k, NDArray v) {
            NDArray allKeys = keep(keys[layer], k);
            NDArray allValues = keep(values[layer], v);
            keys[layer] = allKeys;
            values[layer] = allValues;
            lengths[layer] += (int) k.getShape().get(1);
            return new NDArray[] {allKeys, allValues};
        }

        private NDArray keep(NDArray cached, NDArray fresh) {
            NDArray all = cached == null ? fresh.stopGradient().duplicate() : cached.concat(fresh.stopGradient(), 1);
            all.attach(manager);
            if (cached != null) {
                cached.close();
            }
            return all;
        }
    }
}
