package org.repro4j.train;

import ai.djl.nn.Parameter;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.repro4j.data.BrownCorpus;
import org.repro4j.data.LmBatches;
import org.repro4j.data.Vocab;
import org.repro4j.engine.NativeMemory;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;

/**
 * The toolkit's word-level Brown-corpus language model, the base model of the language-model reproductions: the
 * data, the vocabulary and a trained {@link TinyTransformerLM}, cached between notebook runs by {@link ModelCache}.
 * First designed for the bigram-subnetworks reproduction (Chang &amp; Bergen, 2025, arXiv 2504.15471).
 *
 * <p><b>Data.</b> The 500 Brown texts are split by document, stratified by genre, 90 % train / 10 % eval (split
 * seed fixed at {@value #SPLIT_SEED}, so every notebook sees the same split); words are lowercased, each sentence
 * starts with {@code <s>}, and the vocabulary is {@code <unk>}, {@code <s>} and the 998 commonest training words
 * (about 26 % of tokens become {@code <unk>}).
 *
 * <p><b>Model and training.</b> By default {@link TransformerConfig}'s defaults (3 layers, d_model 64, 4 heads, MLP
 * 256, context 32, untied unembedding; 147 456 maskable weights); another shape (e.g. 8 layers for the layer-skipping
 * papers) through {@link #trainOrLoad(UnaryOperator, int, long)}. AdamW (lr 3e-3, weight decay 0.01) with a cosine
 * schedule on batches of 32 random windows of context length. The token embedding starts from N(0, 1), as PyTorch's
 * {@code nn.Embedding} in the prototype of this model, instead of GPT-2's N(0, 0.02²) that the model uses for every
 * other weight: with GPT-2's scale the position embeddings carry as much variance as the tokens, the residual stream
 * before the first block is not "current-token-like" (linear CKA with the token embeddings 0.84 instead of 0.99)
 * and the first layer's turn towards the next token that Chang &amp; Bergen (2025) describe cannot be seen.
 *
 * <pre>{@code
 * BrownLm brown = BrownLm.trainOrLoad(Repro.scale().pick(60, 1500), Repro.seed());
 * TinyTransformerLM lm = brown.model();
 * BrownLm deep = BrownLm.trainOrLoad(shape -> shape.nLayers(8), 1500, Repro.seed());
 * }</pre>
 */
public final class BrownLm implements AutoCloseable {

    /** Vocabulary size, {@code <unk>} and {@code <s>} included. */
    public static final int VOCAB_SIZE = 1000;
    /** Seed of the document split (fixed: the split is part of the data, not of a run). */
    public static final long SPLIT_SEED = 0;
    /** Windows per batch and tokens per window. */
    public static final int BATCH_SIZE = 32;
    /** Standard deviation of the initial token embeddings (PyTorch's {@code nn.Embedding} default). */
    public static final float TOKEN_EMBEDDING_STD = 1f;
    private static final float MODEL_INIT_STD = 0.02f;

    private final Vocab vocab;
    private final int[] trainIds;
    private final int[] evalIds;
    private final TinyTransformerLM model;

    private BrownLm(Vocab vocab, int[] trainIds, int[] evalIds, TinyTransformerLM model) {
        this.vocab = vocab;
        this.trainIds = trainIds;
        this.evalIds = evalIds;
        this.model = model;
    }

    /**
     * Loads the corpus and returns the cached model trained for {@code steps} steps with {@code seed}, training
     * and caching it first if needed (about 50 ms of CPU per step).
     *
     * @param steps optimizer steps, e.g. 1500 (the notebook's setting) or a few dozen for a smoke run
     * @param seed seed of the initial weights and the batch order
     * @return the data and the model; close it to free the model
     * @throws IllegalArgumentException if {@code steps < 1}
     * @throws org.repro4j.data.DatasetMissingException if the corpus is not installed
     */
    public static BrownLm trainOrLoad(int steps, long seed) {
        return trainOrLoad(UnaryOperator.identity(), steps, seed);
    }

    /**
     * As {@link #trainOrLoad(int, long)} for a model of another shape; each shape is its own cache entry.
     *
     * @param shape changes to the default config, e.g. {@code b -> b.nLayers(8).context(64)}; the vocabulary size
     *     is set already and must stay
     * @param steps optimizer steps
     * @param seed seed of the initial weights and the batch order
     * @return the data and the model; close it to free the model
     * @throws IllegalArgumentException if {@code steps < 1} or {@code shape} changes the vocabulary size
     * @throws org.repro4j.data.DatasetMissingException if the corpus is not installed
     */
    public static BrownLm trainOrLoad(UnaryOperator<TransformerConfig.Builder> shape, int steps, long seed) {
        if (steps < 1) {
            throw new IllegalArgumentException("training needs at least one step; got " + steps);
        }
        BrownCorpus.Split split = BrownCorpus.load().split(0.9, 0.0, SPLIT_SEED);
        List<String> train = BrownCorpus.lmTokens(split.train(), true);
        Vocab vocab = Vocab.build(train, VOCAB_SIZE, Vocab.SENTENCE_START);
        int[] trainIds = vocab.encode(train);
        int[] evalIds = vocab.encode(BrownCorpus.lmTokens(split.test(), true));
        TransformerConfig standard = TransformerConfig.builder(vocab.size()).build();
        TransformerConfig config = shape.apply(standard.toBuilder()).build();
        if (config.vocabSize() != vocab.size()) {
            throw new IllegalArgumentException("the Brown LM's vocabulary has " + vocab.size() + " ids; leave the"
                    + " config's vocabSize as it is (got " + config.vocabSize() + ")");
        }
        String key = String.format(Locale.ROOT, "brown-lm-v%d-emb%s-%dsteps-seed%d%s", vocab.size(),
                Float.toString(TOKEN_EMBEDDING_STD), steps, seed,
                config.equals(standard) ? "" : "-" + shapeKey(config));
        TinyTransformerLM model = ModelCache.getOrTrain(key, config, ModelCache.sha256(trainIds),
                c -> train(c, trainIds, steps, seed));
        return new BrownLm(vocab, trainIds, evalIds, model);
    }

    /** @return e.g. {@code L8-d64-h4x16-mlp256-ctx64}, plus {@code -tied} / {@code -attn} for those options */
    private static String shapeKey(TransformerConfig c) {
        return String.format(Locale.ROOT, "L%d-d%d-h%dx%d-mlp%d-ctx%d%s%s", c.nLayers(), c.dModel(), c.nHeads(),
                c.dHead(), c.dMlp(), c.context(), c.tiedEmbeddings() ? "-tied" : "", c.attentionOnly() ? "-attn" : "");
    }

    private static TinyTransformerLM train(TransformerConfig config, int[] trainIds, int steps, long seed) {
        NativeMemory.keepFreedMemory();
        TinyTransformerLM lm = TinyTransformerLM.create(config, seed);
        Parameter embedding = lm.getParameters().get("embed.W_E");
        embedding.freeze(true); // PyTorch refuses in-place edits of a leaf that requires gradients
        embedding.getArray().muli(TOKEN_EMBEDDING_STD / MODEL_INIT_STD);
        embedding.freeze(false);
        Fit.of(lm)
                .data(Batches.language(new LmBatches(trainIds, BATCH_SIZE, config.context()), seed))
                .optimizer(Optimizer.adamW(3e-3, 0.01))
                .schedule(LrSchedule.cosine())
                .steps(steps)
                .seed(seed)
                .label("Brown LM")
                .run();
        return lm;
    }

    /** @return the vocabulary ({@value #VOCAB_SIZE} ids) */
    public Vocab vocab() {
        return vocab;
    }

    /** @return the training split as token ids, in reading order (not a copy) */
    public int[] trainIds() {
        return trainIds;
    }

    /** @return the eval split as token ids, in reading order (not a copy) */
    public int[] evalIds() {
        return evalIds;
    }

    /** @return the trained model */
    public TinyTransformerLM model() {
        return model;
    }

    /** Frees the model. */
    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "BrownLm[%d train tokens, %d eval tokens, vocab %d, %s]", trainIds.length,
                evalIds.length, vocab.size(), model.config());
    }
}
