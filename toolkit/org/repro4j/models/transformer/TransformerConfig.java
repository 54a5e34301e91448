package org.repro4j.models.transformer;

/**
 * The shape of a {@link TinyTransformerLM}: an immutable value, written to {@code config.json} beside saved
 * parameters and compared by {@link org.repro4j.train.ModelCache} to decide whether a cached model is stale.
 *
 * <p>Field names follow TransformerLens's {@code HookedTransformerConfig} ({@code d_vocab}, {@code n_ctx},
 * {@code d_model}, {@code n_heads}, {@code d_head}, {@code n_layers}, {@code d_mlp}, {@code attn_only}) in Java
 * spelling. Build one with {@link #builder(int)}; change one field of an existing config with {@link #toBuilder()}:
 *
 * <pre>{@code
 * TransformerConfig toy = TransformerConfig.builder(1001).build();           // notebook 11's Brown LM
 * TransformerConfig heads = TransformerConfig.builder(26).nLayers(2).attentionOnly(true).build();
 * }</pre>
 *
 * The constructor throws {@link IllegalArgumentException}, naming the field, if any size is not positive.
 *
 * @param vocabSize number of token ids, {@code d_vocab}; tokens are in {@code [0, vocabSize)}
 * @param context longest sequence the model reads, {@code n_ctx} (rows of {@code W_pos})
 * @param dModel width of the residual stream
 * @param nHeads attention heads per layer
 * @param dHead width of one head's query, key and value; {@code nHeads * dHead} need not equal {@code dModel}
 * @param nLayers number of transformer blocks
 * @param dMlp hidden width of each MLP (ignored, but kept, in attention-only mode)
 * @param tiedEmbeddings whether the unembedding is the transposed embedding, {@code W_U = W_Eᵀ} (one parameter)
 * @param attentionOnly whether the blocks have no MLPs (Elhage et al., 2021's attention-only transformers)
 */
public record TransformerConfig(
        int vocabSize,
        int context,
        int dModel,
        int nHeads,
        int dHead,
        int nLayers,
        int dMlp,
        boolean tiedEmbeddings,
        boolean attentionOnly) {

    // every size must be positive; the message names the field
    public TransformerConfig {
        requirePositive("vocabSize", vocabSize);
        requirePositive("context", context);
        requirePositive("dModel", dModel);
        requirePositive("nHeads", nHeads);
        requirePositive("dHead", dHead);
        requirePositive("nLayers", nLayers);
        requirePositive("dMlp", dMlp);
    }

    /**
     * Starts from the Brown LM of notebook 11 (3 layers, d_model 64, 4 heads of width 16, MLP 256, context 32, untied
     * unembedding, with MLPs).
     *
     * @param vocabSize number of token ids
     * @return a builder holding those defaults
     */
    public static Builder builder(int vocabSize) {
        return new Builder(vocabSize);
    }

    /**
     * @return a builder holding this config's values, to change some of them; {@code dHead} is copied too, so
     *     set it again when changing {@code dModel} or {@code nHeads}
     */
    public Builder toBuilder() {
        Builder b = new Builder(vocabSize);
        b.context = context;
        b.dModel = dModel;
        b.nHeads = nHeads;
        b.dHead = dHead;
        b.nLayers = nLayers;
        b.dMlp = dMlp;
        b.tiedEmbeddings = tiedEmbeddings;
        b.attentionOnly = attentionOnly;
        return b;
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("TransformerConfig." + field + " must be positive, got " + value);
        }
    }

    /** Mutable builder for {@link TransformerConfig}; every setter returns the builder. */
    public static final class Builder {
        private int vocabSize;
        private int context = 32;
        private int dModel = 64;
        private int nHeads = 4;
        private int dHead;
        private int nLayers = 3;
        private int dMlp = 256;
        private boolean tiedEmbeddings;
        private boolean attentionOnly;

        private Builder(int vocabSize) {
            this.vocabSize = vocabSize;
        }

        /**
         * @param value number of token ids
         * @return this builder
         */
        public Builder vocabSize(int value) {
            vocabSize = value;
            return this;
        }

        /**
         * @param value longest sequence, {@code n_ctx}
         * @return this builder
         */
        public Builder context(int value) {
            context = value;
            return this;
        }

        /**
         * @param value residual-stream width
         * @return this builder
         */
        public Builder dModel(int value) {
            dModel = value;
            return this;
        }

        /**
         * @param value heads per layer
         * @return this builder
         */
        public Builder nHeads(int value) {
            nHeads = value;
            return this;
        }

        /**
         * @param value width of one head; when never set, {@link #build()} uses {@code dModel / nHeads}
         * @return this builder
         */
        public Builder dHead(int value) {
            dHead = value;
            return this;
        }

        /**
         * @param value number of blocks
         * @return this builder
         */
        public Builder nLayers(int value) {
            nLayers = value;
            return this;
        }

        /**
         * @param value MLP hidden width
         * @return this builder
         */
        public Builder dMlp(int value) {
            dMlp = value;
            return this;
        }

        /**
         * @param value whether {@code W_U = W_Eᵀ}
         * @return this builder
         */
        public Builder tiedEmbeddings(boolean value) {
            tiedEmbeddings = value;
            return this;
        }

        /**
         * @param value whether blocks have no MLPs
         * @return this builder
         */
        public Builder attentionOnly(boolean value) {
            attentionOnly = value;
            return this;
        }

        /**
         * @return the config
         * @throws IllegalArgumentException if a size is not positive, or {@code dHead} was left unset and
         *     {@code dModel} is not a multiple of {@code nHeads}
         */
        public TransformerConfig build() {
            int head = dHead;
            if (head == 0) {
                if (nHeads <= 0 || dModel % nHeads != 0) {
                    throw new IllegalArgumentException("dModel " + dModel + " is not a multiple of nHeads " + nHeads
                            + "; set dHead explicitly or choose sizes that divide");
                }
                head = dModel / nHeads;
            }
            return new TransformerConfig(vocabSize, context, dModel, nHeads, head, nLayers, dMlp, tiedEmbeddings,
                    attentionOnly);
        }
    }
}
