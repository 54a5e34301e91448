package org.repro4j.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.repro4j.hooks.HookPoint;
import org.repro4j.models.WeightTransforms;

/**
 * A bidirectional transformer encoder: the blocks of {@link TinyTransformerLM} without the causal mask, so every
 * token attends to every non-padding token (BERT's encoder, Devlin et al., 2019, "BERT: Pre-training of Deep
 * Bidirectional Transformers for Language Understanding", NAACL, §3, in the pre-LN layout). Optionally one block is
 * shared by every step and applied {@code nLayers} times, as ALBERT's cross-layer parameter sharing (Lan et al.,
 * 2020, "ALBERT: A Lite BERT for Self-supervised Learning of Language Representations", ICLR, arXiv 1909.11942,
 * §3.1) — the backbone of PALBERT's pondering. Each step's output goes through the shared final LayerNorm, so an
 * exit head can read any step.
 *
 * <pre>{@code
 * TransformerEncoder encoder = TransformerEncoder.create(config, true, padId, seed);   // ALBERT-style
 * TransformerEncoder.Run run = encoder.start(tokens);                                   // [batch, seq] ids
 * NDArray h1 = run.next();                     // [batch, seq, d_model] after the first application
 * NDArray pooled = run.meanPool(h1);           // [batch, d_model], padding excluded
 * }</pre>
 *
 * <p><b>Parameters</b> (names as {@link TinyTransformerLM}'s): {@code embed.W_E [V, d]}, {@code pos_embed.W_pos
 * [C, d]}, {@code blocks.l.…} for {@code l = 0..nLayers−1} (only {@code blocks.0.…} when shared), {@code
 * ln_final.w}, {@code ln_final.b}; no unembedding ({@code tiedEmbeddings} is ignored). Initialisation as the
 * language model's, from the seed. <b>Hook points</b> as the language model's; a shared block's hooks fire once per
 * application (an {@code ActivationCache} keeps the last).
 *
 * <p><b>Padding.</b> Tokens equal to the pad id are hidden from attention (as keys) and from {@link Run#meanPool};
 * their own outputs are computed but meaningless. Every sequence needs at least one non-padding token.
 *
 * <p>As a DJL block, {@code forward} maps {@code NDList(tokens [b, s])} to {@code NDList(hidden [b, s, d])}
 * after all {@code nLayers} steps.
 */
public final class TransformerEncoder extends PartsBlock implements AutoCloseable {

    /** Pad id meaning "no padding": every token is real. */
    public static final int NO_PADDING = -1;

    private static final byte VERSION = 1;
    /** Added to attention scores of padding keys: exp underflows to exactly 0, with no NaN from −∞ − (−∞). */
    private static final float PADDING_SCORE = -1e9f;
    /** The encoder reads its parameters as they are. */
    private static final WeightTransforms NO_TRANSFORMS = new WeightTransforms();

    private final TransformerConfig config;
    private final boolean sharedBlock;
    private final int padId;
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final Parameter wE;
    private final Parameter wPos;
    private final Parameter lnFinalW;
    private final Parameter lnFinalB;
    private final HookPoint hookEmbed;
    private final HookPoint hookPosEmbed;
    private final HookPoint hookLnFinal;
    private NDManager manager;

    private TransformerEncoder(TransformerConfig config, boolean sharedBlock, int padId, Random init) {
        super(VERSION, config);
        this.config = config;
        this.sharedBlock = sharedBlock;
        this.padId = padId;
        int d = config.dModel();
        Parts parts = parts(d);
        wE = parts.weight("embed.W_E", Parts.normal(init, TinyTransformerLM.INIT_STD), config.vocabSize(), d);
        wPos = parts.weight("pos_embed.W_pos", Parts.normal(init, TinyTransformerLM.INIT_STD), config.context(), d);
        hookEmbed = parts.hook("hook_embed", Parts.HookShape.RESID);
        hookPosEmbed = parts.hook("hook_pos_embed", Parts.HookShape.RESID);
        for (int l = 0; l < (sharedBlock ? 1 : config.nLayers()); l++) {
            blocks.add(new TransformerBlock(l, config, parts, init));
        }
        lnFinalW = parts.gain("ln_final.w");
        lnFinalB = parts.bias("ln_final.b", d);
        hookLnFinal = parts.hook("ln_final.hook_normalized", Parts.HookShape.RESID);
    }

    /**
     * Builds a freshly initialised encoder.
     *
     * @param config sizes; {@code nLayers} is the number of steps (block applications)
     * @param sharedBlock true for one block applied {@code nLayers} times (ALBERT), false for {@code nLayers}
     *     blocks of their own
     * @param padId the padding token id in {@code [0, vocabSize)}, or {@link #NO_PADDING}
     * @param seed seed of the initial weights
     * @return the encoder, owning a new {@link NDManager}; close it when done
     * @throws IllegalArgumentException if {@code padId} is neither a token id nor {@link #NO_PADDING}
     */
    public static TransformerEncoder create(TransformerConfig config, boolean sharedBlock, int padId, long seed) {
        if (padId != NO_PADDING && (padId < 0 || padId >= config.vocabSize())) {
            throw new IllegalArgumentException("the pad id must be a token id in [0, " + config.vocabSize()
                    + ") or TransformerEncoder.NO_PADDING, got " + padId);
        }
        TransformerEncoder encoder = new TransformerEncoder(config, sharedBlock, padId, new Random(seed));
        encoder.manager = NDManager.newBaseManager();
        encoder.initialize(encoder.manager, DataType.FLOAT32, new Shape(1, config.context()));
        return encoder;
    }

    /** @return sizes; {@code nLayers()} is the number of steps */
    public TransformerConfig config() {
        return config;
    }

    /** @return whether one block is applied at every step */
    public boolean sharedBlock() {
        return sharedBlock;
    }

    /** @return the padding token id, or {@link #NO_PADDING} */
    public int padId() {
        return padId;
    }

    /** @return the manager that owns the parameters */
    public NDManager manager() {
        return manager;
    }

    /** @return parameter names in creation order (the save order) */
    public List<String> parameterNames() {
        return List.copyOf(parameters.keySet());
    }

    /**
     * @param name e.g. {@code blocks.0.attn.W_Q}
     * @return the live parameter array
     * @throws NoSuchElementException listing the valid names if there is no such parameter
     */
    public NDArray parameter(String name) {
        return requireParameter(name).getArray();
    }

    /**
     * Starts an inference pass.
     *
     * @param tokens ids {@code [batch, seq]}, {@code seq ≤ context}; temporaries belong to their manager
     * @return a pass that applies one step per {@link Run#next()}
     * @throws IllegalArgumentException if the tokens are invalid or a sequence is all padding
     */
    public Run start(NDArray tokens) {
        return start(new ParameterStore(manager, false), tokens, false);
    }

    /**
     * Starts a pass inside another block's forward pass (training or not).
     *
     * @param store the enclosing pass's parameter store
     * @param tokens ids {@code [batch, seq]}
     * @param training whether gradients are recorded
     * @return a pass that applies one step per {@link Run#next()}
     * @throws IllegalArgumentException if the tokens are invalid or a sequence is all padding
     */
    public Run start(ParameterStore store, NDArray tokens, boolean training) {
        requireTokenIds(tokens, "tokens");
        return new Run(new ForwardPass(store, tokens.getManager(), training, NO_TRANSFORMS), tokens);
    }

    /**
     * @param tokens ids {@code [batch, seq]}
     * @return the hidden states after each step, {@code nLayers} arrays {@code [batch, seq, d_model]}
     */
    public List<NDArray> hiddenStates(NDArray tokens) {
        Run run = start(tokens);
        List<NDArray> states = new ArrayList<>();
        while (run.hasNext()) {
            states.add(run.next());
        }
        return states;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        Run run = start(store, inputs.singletonOrThrow(), training);
        NDArray hidden = null;
        while (run.hasNext()) {
            hidden = run.next();
        }
        return new NDList(hidden);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), config.dModel())};
    }

    /** Frees the parameters and every array created in {@link #manager()}. */
    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
    }

    /** One pass over a batch, one step at a time, so a caller can stop as soon as its exit rule says so. */
    public final class Run {
        private final ForwardPass f;
        private final NDArray keep;          // [b, s, 1]: 1 for real tokens, 0 for padding
        private final NDArray attentionMask; // [b, 1, 1, s] additive, or null without padding
        private NDArray resid;
        private int done;

        private Run(ForwardPass f, NDArray tokens) {
            this.f = f;
            long batch = tokens.getShape().get(0);
            long seq = tokens.getShape().get(1);
            if (padId == NO_PADDING) {
                keep = null;
                attentionMask = null;
            } else {
                NDArray real = tokens.neq(padId).toType(DataType.FLOAT32, false);       // [b, s]
                if (real.sum(new int[] {1}).min().getFloat() < 1) {
                    throw new IllegalArgumentException("a sequence of the batch is all padding (pad id " + padId
                            + "); every sequence needs at least one real token");
                }
                keep = real.expandDims(-1);
                attentionMask = real.sub(1).mul(-PADDING_SCORE).reshape(batch, 1, 1, seq);   // pad → PADDING_SCORE
            }
            NDArray embed = f.hook(hookEmbed, embed(tokens, f.weight(wE)));
            NDArray pos = f.hook(hookPosEmbed,
                    f.weight(wPos).get(new NDIndex("0:{}", seq)).broadcast(batch, seq, config.dModel()));
            resid = embed.add(pos);                                                      // [b, s, d]
        }

        /** @return whether another step remains ({@link #stepsDone()} &lt; {@code nLayers}) */
        public boolean hasNext() {
            return done < config.nLayers();
        }

        /** @return the number of block applications so far */
        public int stepsDone() {
            return done;
        }

        /**
         * Applies the next step.
         *
         * @return the hidden states after it, through the shared final LayerNorm, {@code [batch, seq, d_model]}
         * @throws NoSuchElementException after the last step
         */
        public NDArray next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the encoder has only " + config.nLayers() + " steps");
            }
            resid = blocks.get(sharedBlock ? 0 : done).forward(f, resid, attentionMask, null);
            done++;
            return f.hook(hookLnFinal, TransformerBlock.layerNorm(resid, f.weight(lnFinalW), f.weight(lnFinalB)));
        }

        /**
         * @param hidden hidden states {@code [batch, seq, d_model]} of this pass
         * @return their mean over the non-padding positions, {@code [batch, d_model]}
         */
        public NDArray meanPool(NDArray hidden) {
            if (keep == null) {
                return hidden.mean(new int[] {1});
            }
            return hidden.mul(keep).sum(new int[] {1}).div(keep.sum(new int[] {1}));
        }
    }
}
