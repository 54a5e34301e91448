package org.repro4j.papers.bigramsubnetworks;

import ai.djl.nn.Parameter;
import java.util.List;
import java.util.Locale;
import org.repro4j.data.BrownCorpus;
import org.repro4j.data.LmBatches;
import org.repro4j.data.Vocab;
import org.repro4j.engine.NativeMemory;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;
import org.repro4j.train.Batches;
import org.repro4j.train.Fit;
import org.repro4j.train.LrSchedule;
import org.repro4j.train.ModelCache;
import org.repro4j.train.Optimizer;

/**
 * The toolkit's word-level Brown-corpus language model (toy design in the package documentation): the data, the vocabulary and a trained
 * {@link TinyTransformerLM}, cached between notebook runs by {@link ModelCache}.
 *
 * <p><b>Data.</b> The 500 Brown texts are split by document, stratified by genre, 90 % train / 10 % eval (split
 * seed fixed at {@value #SPLIT_SEED}, so every notebook sees the same split); words are lowercased, each sentence
 * starts with {@code <s>}, and the vocabulary is {@code <unk>}, {@code <s>} and the 998 commonest training words
 * (about 26 % of tokens become {@code <unk>}).
 *
 * <p><b>Model and training.</b> The default {@link TransformerConfig} (3 layers, d_model 64, 4 heads, MLP 256,
 * context 32, untied unembedding; 147 456 maskable weights), AdamW (lr 3e-3, weight decay 0.01) with a cosine
 * schedule on batches of 32 random windows of 32 tokens. The token embedding starts from N(0, 1), as PyTorch's
 * {@code nn.Embedding} in the prototype of this toy, instead of GPT-2's N(0, 0.02²) that the model uses for every other
 * weight: with GPT-2's scale the position embeddings carry as much variance as the tokens, the residual stream
 * before the first block is not "current-token-like" (linear CKA with the token embeddings 0.84 instead of 0.99)
 * and the first layer's turn towards the next token that Chang &amp; Bergen (2025) describe cannot be seen.
 *
 * <pre>{@code
 * BrownLm brown = BrownLm.trainOrLoad(Repro.scale().pick(60, 1500), Repro.seed());
 * TinyTransformerLM lm = brown.model();
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
        if (steps < 1) {
            throw new IllegalArgumentException("training needs at least one step; got " + steps);
        }
        BrownCorpus.Split split = BrownCorpus.load().split(0.9, 0.0, SPLIT_SEED);
        List<String> train = BrownCorpus.lmTokens(split.train(), true);
        Vocab vocab = Vocab.build(train, VOCAB_SIZE, Vocab.SENTENCE_START);
        int[] trainIds = vocab.encode(train);
        int[] evalIds = vocab.encode(BrownCorpus.lmTokens(split.test(), true));
        TransformerConfig config = TransformerConfig.builder(vocab.size()).build();
        String key = String.format(Locale.ROOT, "brown-lm-v%d-emb%s-%dsteps-seed%d", vocab.size(),
                Float.toString(TOKEN_EMBEDDING_STD), steps, seed);
        TinyTransformerLM model = ModelCache.getOrTrain(key, config, ModelCache.sha256(trainIds),
                c -> train(c, trainIds, steps, seed));
        return new BrownLm(vocab, trainIds, evalIds, model);
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
