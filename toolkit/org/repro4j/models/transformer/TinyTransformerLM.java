package org.repro4j.models.transformer;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.repro4j.engine.AutogradConstants;
import org.repro4j.hooks.HookPoint;
import org.repro4j.models.Maskable;
import org.repro4j.models.WeightLayout;
import org.repro4j.models.WeightTransforms;

/**
 * A small decoder-only transformer language model with every weight and activation reachable by its
 * TransformerLens name: the model the toolkit's language-model reproductions share.
 *
 * <p><b>Architecture.</b> Causal self-attention transformer (Vaswani et al., 2017, "Attention Is All You Need")
 * in the GPT-2 layout (Radford et al., 2019, "Language Models are Unsupervised Multitask Learners"): learned
 * absolute position embeddings, pre-LayerNorm blocks {@code x + Attn(LN1(x))} then {@code x + MLP(LN2(x))} with a
 * GELU MLP, a final LayerNorm and a linear unembedding, untied or tied to the embedding. In attention-only mode
 * the blocks have no LN2 and no MLP (the attention-only transformers of Elhage et al., 2021, "A Mathematical
 * Framework for Transformer Circuits"). No dropout. Weights start from N(0, 0.02²), the two projections that
 * write into the residual stream ({@code W_O}, {@code W_out}) from N(0, (0.02/√(2·n_layers))²) as GPT-2, biases at
 * 0 and LayerNorm gains at 1; the draws come from {@link java.util.Random} with the seed given to
 * {@link #create}, so a seed gives the same model on every machine.
 *
 * <p><b>Weights.</b> Row-vector convention as TransformerLens: activations are rows, a layer computes
 * {@code x·W + b}. Attention is not fused: each head has its own slice, so one head can be read, masked or
 * edited. With {@code H = nHeads}, {@code d = dModel}, {@code e = dHead}, {@code V = vocabSize}, {@code C = context}:
 * <table>
 * <caption>parameter names (as {@link #parameter(String)} takes them) and shapes</caption>
 * <tr><th>name</th><th>shape (index order)</th><th>role</th></tr>
 * <tr><td>{@code embed.W_E}</td><td>{@code [V, d]}</td><td>token embedding, row = token id</td></tr>
 * <tr><td>{@code pos_embed.W_pos}</td><td>{@code [C, d]}</td><td>position embedding, row = position</td></tr>
 * <tr><td>{@code blocks.l.ln1.w}, {@code .b}</td><td>{@code [d]}</td><td>LayerNorm gain and bias</td></tr>
 * <tr><td>{@code blocks.l.attn.W_Q}, {@code W_K}, {@code W_V}</td><td>{@code [H, d, e]}</td>
 *     <td>head h reads {@code q_h = x·W_Q[h] + b_Q[h]}</td></tr>
 * <tr><td>{@code blocks.l.attn.b_Q}, {@code b_K}, {@code b_V}</td><td>{@code [H, e]}</td><td></td></tr>
 * <tr><td>{@code blocks.l.attn.W_O}</td><td>{@code [H, e, d]}</td><td>head h writes {@code z_h·W_O[h]}</td></tr>
 * <tr><td>{@code blocks.l.attn.b_O}</td><td>{@code [d]}</td><td>added once, not per head</td></tr>
 * <tr><td>{@code blocks.l.ln2.w}, {@code .b}</td><td>{@code [d]}</td><td>(not in attention-only mode)</td></tr>
 * <tr><td>{@code blocks.l.mlp.W_in}, {@code b_in}</td><td>{@code [d, d_mlp]}, {@code [d_mlp]}</td><td></td></tr>
 * <tr><td>{@code blocks.l.mlp.W_out}, {@code b_out}</td><td>{@code [d_mlp, d]}, {@code [d]}</td><td></td></tr>
 * <tr><td>{@code ln_final.w}, {@code .b}</td><td>{@code [d]}</td><td></td></tr>
 * <tr><td>{@code unembed.W_U}</td><td>{@code [d, V]}</td><td>absent when tied: {@link #W_U()} is then
 *     {@code W_Eᵀ}</td></tr>
 * </table>
 * In this convention a head's OV circuit is {@code W_OV[h] = W_V[h]·W_O[h]} ({@code [d, d]}: the head reads
 * {@code x} and writes {@code x·W_OV}) and its QK circuit is {@code W_QK[h] = W_Q[h]·W_K[h]ᵀ} ({@code [d, d]}:
 * the pre-softmax score is {@code x_q·W_QK·x_kᵀ/√e}), as in Elhage et al. (2021).
 *
 * <p><b>Hook points</b> ({@link HookPoint}, recorded by {@code ActivationCache}, edited through {@code Hooks}),
 * in forward order, with {@code b = batch}, {@code s = seq}:
 * <table>
 * <caption>hook names and shapes</caption>
 * <tr><td>{@code hook_embed}, {@code hook_pos_embed}</td><td>{@code [b, s, d]}</td></tr>
 * <tr><td>{@code blocks.l.hook_resid_pre}</td><td>{@code [b, s, d]}</td></tr>
 * <tr><td>{@code blocks.l.ln1.hook_normalized}</td><td>{@code [b, s, d]} (after gain and bias)</td></tr>
 * <tr><td>{@code blocks.l.attn.hook_q}, {@code hook_k}, {@code hook_v}</td><td>{@code [b, s, H, e]}</td></tr>
 * <tr><td>{@code blocks.l.attn.hook_attn_scores}</td><td>{@code [b, H, query_pos, key_pos]}, scaled by
 *     {@code 1/√e}, {@code -∞} above the diagonal</td></tr>
 * <tr><td>{@code blocks.l.attn.hook_pattern}</td><td>{@code [b, H, query_pos, key_pos]}, rows sum to 1</td></tr>
 * <tr><td>{@code blocks.l.attn.hook_z}</td><td>{@code [b, s, H, e]} (pattern-weighted values)</td></tr>
 * <tr><td>{@code blocks.l.attn.hook_result}</td><td>{@code [b, s, H, d]}: head h's output
 *     {@code z_h·W_O[h]}, before {@code b_O}</td></tr>
 * <tr><td>{@code blocks.l.hook_attn_out}</td><td>{@code [b, s, d]} = Σ_h result + {@code b_O}</td></tr>
 * <tr><td>{@code blocks.l.hook_resid_mid}</td><td>{@code [b, s, d]} (not in attention-only mode)</td></tr>
 * <tr><td>{@code blocks.l.ln2.hook_normalized}</td><td>{@code [b, s, d]} (not in attention-only mode)</td></tr>
 * <tr><td>{@code blocks.l.mlp.hook_pre}, {@code hook_post}</td><td>{@code [b, s, d_mlp]} before and after
 *     GELU (not in attention-only mode)</td></tr>
 * <tr><td>{@code blocks.l.hook_mlp_out}</td><td>{@code [b, s, d]} (not in attention-only mode)</td></tr>
 * <tr><td>{@code blocks.l.hook_resid_post}</td><td>{@code [b, s, d]}</td></tr>
 * <tr><td>{@code ln_final.hook_normalized}</td><td>{@code [b, s, d]}</td></tr>
 * </table>
 *
 * <p><b>Effective weights.</b> Masks and weight edits (bigram subnetworks, talking-heads channel edits) are set
 * per parameter with {@link #setWeightTransform}: the forward pass reads every parameter through its transform,
 * so gradients flow to whatever arrays the transform uses. {@link #maskableParameterNames()} lists the weight
 * matrices inside the blocks, and {@link #layout} reads each as the {@code [out, in]} map the pruning criteria
 * rank ({@link Maskable}).
 *
 * <p><b>Conditional computation.</b> {@link #setLayerPlan} makes forward passes run a subset of the blocks (layer
 * skipping, early exit through the shared head, SkipDecode's per-position budget); {@link #logits(NDArray, KvCache)}
 * feeds new tokens against a {@link KvCache} of the earlier ones; {@link #replaceMlp} swaps a block's MLP, e.g. for
 * a mixture of experts. With none of them set, the forward pass is the plain one, operation for operation.
 *
 * <p><b>Memory.</b> The model owns an {@link NDManager} holding its parameters; {@link #close()} frees it. Every
 * array a forward pass creates belongs to the manager of its input tokens, so run steps in a sub-manager.
 *
 * <p><b>Speed.</b> Call {@link org.repro4j.engine.NativeMemory#keepFreedMemory()} once before training: with
 * glibc's default malloc settings every step page-faults its arrays in again, which more than doubles the CPU
 * time of a step of this model.
 *
 * <p>It is a DJL {@link ai.djl.nn.Block}: {@code forward} maps {@code NDList(tokens [b, s])} to
 * {@code NDList(logits [b, s, V])}, so DJL trainers can drive it.
 */
public final class TinyTransformerLM extends PartsBlock implements Maskable, AutoCloseable {

    /** File name prefix of the DJL parameter file written by {@link #save(Path)}: {@code lm-0000.params}. */
    public static final String MODEL_NAME = "lm";
    /** File that {@link #save(Path)} writes the {@link TransformerConfig} to, as JSON. */
    public static final String CONFIG_FILE = "config.json";

    private static final byte VERSION = 1;
    /** Standard deviation of the initial weights (GPT-2's). */
    static final float INIT_STD = 0.02f;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private final TransformerConfig config;
    private final WeightTransforms weightTransforms = new WeightTransforms();
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final Parameter wE;
    private final Parameter wPos;
    private final Parameter lnFinalW;
    private final Parameter lnFinalB;
    private final Parameter wU;
    private final HookPoint hookEmbed;
    private final HookPoint hookPosEmbed;
    private final HookPoint hookLnFinal;
    private final CausalMask causalMask;
    private LayerPlan layerPlan;
    private NDManager manager;

    private TinyTransformerLM(TransformerConfig config, Random init) {
        super(VERSION, config);
        this.config = config;
        int d = config.dModel();
        Parts parts = parts(d);
        wE = parts.weight("embed.W_E", Parts.normal(init, INIT_STD), config.vocabSize(), d);
        wPos = parts.weight("pos_embed.W_pos", Parts.normal(init, INIT_STD), config.context(), d);
        hookEmbed = parts.hook("hook_embed", Parts.HookShape.RESID);
        hookPosEmbed = parts.hook("hook_pos_embed", Parts.HookShape.RESID);
        causalMask = new CausalMask(config.context(), () -> manager);
        for (int l = 0; l < config.nLayers(); l++) {
            blocks.add(new TransformerBlock(l, config, parts, init));
        }
        lnFinalW = parts.gain("ln_final.w");
        lnFinalB = parts.bias("ln_final.b", d);
        hookLnFinal = parts.hook("ln_final.hook_normalized", Parts.HookShape.RESID);
        wU = config.tiedEmbeddings() ? null
                : parts.weight("unembed.W_U", Parts.normal(init, INIT_STD), d, config.vocabSize());
    }

    /**
     * Builds a freshly initialised model.
     *
     * @param config sizes and options
     * @param seed seed of the initial weights; equal seeds give equal models
     * @return the model, owning a new {@link NDManager}; close it when done
     */
    public static TinyTransformerLM create(TransformerConfig config, long seed) {
        TinyTransformerLM lm = new TinyTransformerLM(config, new Random(seed));
        lm.manager = NDManager.newBaseManager();
        lm.initialize(lm.manager, DataType.FLOAT32, new Shape(1, config.context()));
        return lm;
    }

    /**
     * Reads a model written by {@link #save(Path)}.
     *
     * @param dir folder holding {@value #CONFIG_FILE} and {@code lm-0000.params}
     * @return the model, with the saved parameters and a new {@link NDManager}; close it when done
     * @throws IOException if a file is missing or unreadable, or the parameters do not fit the config
     */
    public static TinyTransformerLM load(Path dir) throws IOException {
        TinyTransformerLM lm = new TinyTransformerLM(readConfig(dir), new Random(0));
        lm.manager = NDManager.newBaseManager();
        try (Model model = Model.newInstance(MODEL_NAME)) {
            model.setBlock(lm);
            model.load(dir, MODEL_NAME);
            // the Model's manager read the arrays; move them to the model's own manager before it closes
            lm.parameters.values().forEach(p -> p.getArray().attach(lm.manager));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            lm.close();
            String cause = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new IOException("cannot read the parameters in " + dir + " (" + cause + ")", e);
        }
        lm.initialize(lm.manager, DataType.FLOAT32, new Shape(1, lm.config.context()));
        return lm;
    }

    /**
     * Reads only the config of a saved model.
     *
     * @param dir folder written by {@link #save(Path)}
     * @return the config in its {@value #CONFIG_FILE}
     * @throws IOException if the file is missing or is not a valid config
     */
    public static TransformerConfig readConfig(Path dir) throws IOException {
        Path file = dir.resolve(CONFIG_FILE);
        try {
            TransformerConfig config = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8),
                    TransformerConfig.class);
            if (config == null) {
                throw new IOException(file + " is empty");
            }
            return config;
        } catch (JsonParseException | IllegalArgumentException e) {
            throw new IOException(file + " is not a valid TransformerConfig: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the config as {@value #CONFIG_FILE} and the parameters as a DJL model file
     * ({@code lm-0000.params}), so {@link #load(Path)} gives identical logits.
     *
     * @param dir folder to write into; created if missing, existing files of the same names are replaced
     * @throws IOException if writing fails
     */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(CONFIG_FILE), GSON.toJson(config), StandardCharsets.UTF_8);
        try (Model model = Model.newInstance(MODEL_NAME)) {
            model.setBlock(this);
            model.save(dir, MODEL_NAME);
        }
    }

    /** @return the sizes and options of this model */
    public TransformerConfig config() {
        return config;
    }

    /** @return the manager that owns the parameters (arrays created from it live as long as the model) */
    public NDManager manager() {
        return manager;
    }

    // ---------------------------------------------------------------- forward and its helpers

    /**
     * Runs the model.
     *
     * @param tokens token ids, shape {@code [batch, seq]}, integer type, values in {@code [0, vocabSize)},
     *     {@code 1 ≤ seq ≤ context}; the result and all temporaries belong to this array's manager
     * @return next-token logits, shape {@code [batch, seq, vocab]}: position t scores token t+1 from tokens 0..t
     * @throws IllegalArgumentException if the tokens have the wrong type, shape or range
     */
    @Override
    public NDArray logits(NDArray tokens) {
        return forward(new ParameterStore(manager, false), new NDList(tokens), false).singletonOrThrow();
    }

    /**
     * Mean next-token cross-entropy of a batch of sequences, each position predicting the following token.
     *
     * @param tokens token ids, shape {@code [batch, seq]} with {@code seq ≥ 2}
     * @return scalar loss in nats over the {@code batch·(seq−1)} predictions; differentiable
     */
    public NDArray loss(NDArray tokens) {
        requireAtLeastTwoPositions(tokens);
        return loss(inputsOf(tokens), targetsOf(tokens));
    }

    /**
     * Mean cross-entropy of the model's predictions against given targets, e.g. an LM batch whose targets are
     * the inputs shifted by one.
     *
     * @param inputs token ids, shape {@code [batch, seq]}
     * @param targets the token expected after each input position, shape {@code [batch, seq]}
     * @return scalar loss in nats; differentiable
     * @throws IllegalArgumentException if the shapes differ or the ids are invalid
     */
    public NDArray loss(NDArray inputs, NDArray targets) {
        return targetLogProbs(inputs, targets).mean().neg();
    }

    /**
     * Per-position surprisal {@code −log₂ p(token_{t+1} | tokens_0..t)}, the metric of Chang &amp; Bergen (2025).
     *
     * @param tokens token ids, shape {@code [batch, seq]} with {@code seq ≥ 2}
     * @return surprisal in bits, shape {@code [batch, seq − 1]}
     */
    public NDArray surprisalBits(NDArray tokens) {
        requireAtLeastTwoPositions(tokens);
        return surprisalBits(inputsOf(tokens), targetsOf(tokens));
    }

    /**
     * Per-position surprisal of given targets.
     *
     * @param inputs token ids, shape {@code [batch, seq]}
     * @param targets the token after each input position, shape {@code [batch, seq]}
     * @return {@code −log₂ p(targets | inputs)} in bits, shape {@code [batch, seq]}
     */
    public NDArray surprisalBits(NDArray inputs, NDArray targets) {
        return targetLogProbs(inputs, targets).div(-Math.log(2));
    }

    /**
     * The model's head — final LayerNorm, then unembedding — applied to any residual stream. On the output of block
     * {@code l−1} ({@code blocks.(l−1).hook_resid_post}) it is the logit lens of a normally trained model
     * (nostalgebraist, 2020, "interpreting GPT: the logit lens") and the output of the depth-l sub-model that
     * shares the head (Kavehzadeh et al., 2023, "Sorted LLaMA", arXiv 2309.08968). The forward pass ends with the
     * same operations on the last block's output, where it also runs the hook point {@code ln_final.hook_normalized};
     * this method runs none, so a cache recorded around it still holds one entry per hook of the forward pass.
     *
     * @param resid a residual stream, shape {@code [batch, seq, d_model]}; its manager owns the result
     * @return logits, shape {@code [batch, seq, vocab]}; differentiable with respect to {@code resid} and the head's
     *     parameters (read through their weight transforms)
     * @throws IllegalArgumentException if the last axis is not {@code d_model}
     */
    public NDArray logitLens(NDArray resid) {
        Shape shape = resid.getShape();
        if (shape.dimension() < 1 || shape.get(shape.dimension() - 1) != config.dModel()) {
            throw new IllegalArgumentException("the head reads residual streams [batch, seq, " + config.dModel()
                    + "]; got " + shape + ", e.g. record blocks.l.hook_resid_post with an ActivationCache");
        }
        NDManager scope = resid.getManager();
        NDArray normalized = TransformerBlock.layerNorm(resid, effectiveWeight("ln_final.w", scope),
                effectiveWeight("ln_final.b", scope));                                      // [b, s, d]
        NDArray unembed = wU == null ? effectiveWeight("embed.W_E", scope).transpose()
                : effectiveWeight("unembed.W_U", scope);                                     // [d, V]
        return normalized.matMul(unembed);                                                  // [b, s, V]
    }

    private NDArray targetLogProbs(NDArray inputs, NDArray targets) {
        if (!inputs.getShape().equals(targets.getShape())) {
            throw new IllegalArgumentException("inputs " + inputs.getShape() + " and targets " + targets.getShape()
                    + " must have the same shape [batch, seq]");
        }
        requireTokenIds(targets, "targets");
        NDArray logProbs = logits(inputs).logSoftmax(-1);
        try {
            return logProbs.gather(targets.toType(DataType.INT64, false).expandDims(-1), -1).squeeze(-1);
        } catch (EngineException e) {
            throw new IllegalArgumentException("target ids must be in [0, " + config.vocabSize() + "), got values from "
                    + targets.min().toType(DataType.INT64, false).getLong() + " to "
                    + targets.max().toType(DataType.INT64, false).getLong(), e);
        }
    }

    private static NDArray inputsOf(NDArray tokens) {
        return tokens.get(new NDIndex(":, :-1"));
    }

    private static NDArray targetsOf(NDArray tokens) {
        return tokens.get(new NDIndex(":, 1:"));
    }

    private static void requireAtLeastTwoPositions(NDArray tokens) {
        if (tokens.getShape().dimension() != 2 || tokens.getShape().get(1) < 2) {
            throw new IllegalArgumentException("next-token loss needs tokens of shape [batch, seq] with seq ≥ 2, got "
                    + tokens.getShape());
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = inputs.singletonOrThrow();
        requireTokenIds(tokens, "tokens");
        return new NDList(run(new ForwardPass(store, tokens.getManager(), training, weightTransforms), tokens, null));
    }

    /**
     * Runs the model on the next tokens of sequences whose earlier tokens are in a KV cache, and adds the new
     * tokens' keys and values to it: autoregressive decoding without recomputation. The logits equal those of
     * {@link #logits(NDArray)} on the whole sequence at the same positions (up to float rounding), under the same
     * layer plan.
     *
     * @param tokens the next token ids, shape {@code [batch, s]} with {@code batch = cache.batch()}; they sit at
     *     positions {@code cache.position()..cache.position()+s−1}
     * @param cache the cache of this model holding the earlier tokens (empty for the prompt)
     * @return next-token logits at the new positions, shape {@code [batch, s, vocab]}; not differentiable
     * @throws IllegalArgumentException if the tokens are invalid, or the cache belongs to another model or batch
     * @throws IllegalStateException if the tokens would pass the context, or the layer plan asks a layer for keys
     *     and values of positions that skipped it
     */
    public NDArray logits(NDArray tokens, KvCache cache) {
        requireTokenIds(tokens, "tokens");
        cache.requireFits(this, tokens.getShape().get(0), (int) tokens.getShape().get(1));
        NDArray logits = run(new ForwardPass(new ParameterStore(manager, false), tokens.getManager(), false,
                weightTransforms), tokens, cache);
        cache.advance((int) tokens.getShape().get(1));
        return logits;
    }

    /**
     * The forward pass over positions {@code from..from+seq−1}, {@code from} = the cache's position (0 without a
     * cache). With no layer plan and no cache it is the plain forward pass, operation for operation.
     */
    private NDArray run(ForwardPass f, NDArray tokens, KvCache cache) {
        long batch = tokens.getShape().get(0);
        int seq = (int) tokens.getShape().get(1);
        int from = cache == null ? 0 : cache.position();
        int d = config.dModel();
        NDArray embed = f.hook(hookEmbed, embed(tokens, f.weight(wE)));
        NDArray pos = f.hook(hookPosEmbed,
                f.weight(wPos).get(new NDIndex("{}:{}", from, from + seq)).broadcast(batch, seq, d));
        NDArray resid = embed.add(pos);                                                     // [b, s, d]
        for (int l = 0; l < blocks.size(); l++) {
            int running = layerPlan == null ? seq : layerPlan.positionsRunning(l, from, seq);
            if (running == 0) {
                continue;
            }
            KvCache.Slot slot = cache == null ? null : cache.slot(l, from);
            NDArray mask = causalMask.rows(from, running);
            if (running == seq) {
                resid = blocks.get(l).forward(f, resid, mask, slot);
            } else {
                // SkipDecode: only the first `running` positions run this layer; causal attention lets them
                // run it alone, and the rest keep their residual stream
                NDArray head = blocks.get(l).forward(f, resid.get(new NDIndex(":, :{}", running)), mask, slot);
                resid = head.concat(resid.get(new NDIndex(":, {}:", running)), 1);
            }
        }
        NDArray normalized = f.hook(hookLnFinal,
                TransformerBlock.layerNorm(resid, f.weight(lnFinalW), f.weight(lnFinalB)));
        NDArray unembed = wU == null ? f.weight(wE).transpose() : f.weight(wU);
        return normalized.matMul(unembed);                                                  // [b, s, V]
    }

    // ---------------------------------------------------------------- parameters

    /** @return all parameter names in the order of the table in the class comment (the save order) */
    @Override
    public List<String> parameterNames() {
        return List.copyOf(parameters.keySet());
    }

    /**
     * The weight matrices inside the blocks, which masks cover (Chang &amp; Bergen, 2025): per layer
     * {@code attn.W_Q, W_K, W_V, W_O} and, unless attention-only, {@code mlp.W_in, W_out}. Embeddings,
     * unembedding, LayerNorms and biases are not maskable.
     *
     * @return their parameter names, layer by layer
     */
    @Override
    public List<String> maskableParameterNames() {
        return parameters.keySet().stream()
                .filter(n -> n.matches("blocks\\.\\d+\\.(attn\\.W_[QKVO]|mlp\\.W_(in|out))"))
                .toList();
    }

    /**
     * The maskable weights as {@code [out, in]} maps, per token: {@code W_Q, W_K, W_V [H, d, e]} map the
     * {@code d} inputs at {@code ln1.hook_normalized} to {@code H·e} outputs; {@code W_O [H, e, d]} maps the
     * {@code H·e} inputs at {@code attn.hook_z} to {@code d}; {@code W_in} reads {@code ln2.hook_normalized},
     * {@code W_out} reads {@code mlp.hook_post}.
     *
     * @param name a maskable weight, e.g. {@code blocks.0.attn.W_O}
     * @return its layout
     * @throws NoSuchElementException if {@code name} is not maskable
     */
    @Override
    public WeightLayout layout(String name) {
        if (!maskableParameterNames().contains(name)) {
            throw new NoSuchElementException("'" + name + "' is not a maskable weight of this model; its maskable "
                    + "weights are " + maskableParameterNames());
        }
        String block = name.substring(0, name.indexOf('.', "blocks.".length()) + 1);
        Shape shape = parameter(name).getShape();
        String kind = name.substring(block.length());
        return switch (kind) {
            case "attn.W_Q", "attn.W_K", "attn.W_V" ->
                    WeightLayout.matrix(shape, new int[] {0, 2}, block + "ln1.hook_normalized");
            case "attn.W_O" -> WeightLayout.matrix(shape, new int[] {2}, block + "attn.hook_z");
            case "mlp.W_in" -> WeightLayout.matrix(shape, new int[] {1}, block + "ln2.hook_normalized");
            default -> WeightLayout.matrix(shape, new int[] {1}, block + "mlp.hook_post");
        };
    }

    /**
     * The live parameter array: changing it in place changes the model. Shapes are in the class comment.
     *
     * @param name parameter name, e.g. {@code blocks.0.attn.W_Q}
     * @return its array (raw, before any weight transform)
     * @throws NoSuchElementException listing the valid names if there is no such parameter
     */
    @Override
    public NDArray parameter(String name) {
        return requireParameter(name).getArray();
    }

    /**
     * Makes the forward pass read parameter {@code name} as {@code transform(W)} instead of {@code W}: the
     * extension point for weight masks ({@code W ⊙ σ(T·s)}) and weight edits. The transform runs inside every
     * forward pass, so gradients reach whatever arrays it uses; start its computation from {@code W} so its
     * temporaries belong to the pass's manager. Replaces an earlier transform of the same parameter.
     *
     * @param name parameter name, e.g. {@code blocks.0.mlp.W_in}
     * @param transform maps the raw weight to the effective one, same shape
     * @throws NoSuchElementException if there is no such parameter
     */
    @Override
    public void setWeightTransform(String name, UnaryOperator<NDArray> transform) {
        requireParameter(name);
        weightTransforms.set(name, transform);
    }

    /**
     * @param name parameter name
     * @return the removed transform, or null if the parameter was read raw
     */
    @Override
    public UnaryOperator<NDArray> removeWeightTransform(String name) {
        return weightTransforms.remove(name);
    }

    /** Makes every parameter read raw again. */
    public void clearWeightTransforms() {
        weightTransforms.clear();
    }

    /** @return the parameters read through a transform, and their transforms (unmodifiable) */
    @Override
    public Map<String, UnaryOperator<NDArray>> weightTransforms() {
        return weightTransforms.asMap();
    }

    /**
     * The parameter as the forward pass sees it.
     *
     * @param name parameter name
     * @param scope manager that owns the returned array and any temporaries of the transform
     * @return {@code transform(W)} if a transform is set, else a view of {@code W}; same shape as {@code W}
     */
    @Override
    public NDArray effectiveWeight(String name, NDManager scope) {
        return new ForwardPass(new ParameterStore(manager, false), scope, false, weightTransforms)
                .weight(requireParameter(name));
    }

    // ---------------------------------------------------------------- conditional computation

    /**
     * Makes every forward pass (logits, losses, training, cached decoding) run the blocks of {@code plan}: skipped
     * blocks pass the residual stream through, the final LayerNorm and unembedding are always run. Hook points of a
     * skipped block do not fire; under a per-position plan a block's hooks see only the positions that run it
     * ({@code [b, running, …]}). Replaces an earlier plan.
     *
     * @param plan the layers to run (see {@link LayerPlan}); null runs every layer, as {@link #clearLayerPlan()}
     * @throws IllegalArgumentException if the plan is for a model of another depth
     */
    public void setLayerPlan(LayerPlan plan) {
        if (plan != null && plan.nLayers() != config.nLayers()) {
            throw new IllegalArgumentException("the plan is for " + plan.nLayers() + " layers but this model has "
                    + config.nLayers() + "; build it with LayerPlan.…(" + config.nLayers() + ", …)");
        }
        layerPlan = plan;
    }

    /** @return the layer plan forward passes use, or null when they run every layer */
    public LayerPlan layerPlan() {
        return layerPlan;
    }

    /** Makes forward passes run every layer again: the plain forward pass. */
    public void clearLayerPlan() {
        layerPlan = null;
    }

    /**
     * Replaces the MLP of one block by another feed-forward network, e.g. a mixture of experts: the block computes
     * {@code mid + ffn(LN2(mid))}. The replacement is not a child of this model: train it through a block that owns
     * both (its parameters are not in {@link #parameterNames()} and are not saved with this model). Hook points
     * {@code mlp.hook_pre} and {@code mlp.hook_post} of that block stop firing; {@code hook_mlp_out} still does.
     *
     * @param layer block index
     * @param ffn maps the normalized residual stream {@code [b, s, d_model]} to {@code [b, s, d_model]}; null
     *     restores the block's own MLP
     * @throws IllegalStateException in attention-only mode (no MLP to replace)
     * @throws IndexOutOfBoundsException if the layer does not exist
     */
    public void replaceMlp(int layer, Block ffn) {
        mlpBlock(layer).mlpReplacement = ffn;
    }

    /** @return token embedding {@code W_E}, shape {@code [vocab, d_model]} */
    public NDArray W_E() {
        return wE.getArray();
    }

    /** @return position embedding {@code W_pos}, shape {@code [context, d_model]} */
    public NDArray W_pos() {
        return wPos.getArray();
    }

    /**
     * @return unembedding {@code W_U}, shape {@code [d_model, vocab]}; when tied, a transposed view of
     *     {@link #W_E()} (no parameter of its own)
     */
    public NDArray W_U() {
        return wU == null ? wE.getArray().transpose() : wU.getArray();
    }

    /**
     * @param layer block index
     * @return queries {@code W_Q}, shape {@code [n_heads, d_model, d_head]}
     */
    public NDArray W_Q(int layer) {
        return block(layer).attention.wQ.getArray();
    }

    /**
     * @param layer block index
     * @return keys {@code W_K}, shape {@code [n_heads, d_model, d_head]}
     */
    public NDArray W_K(int layer) {
        return block(layer).attention.wK.getArray();
    }

    /**
     * @param layer block index
     * @return values {@code W_V}, shape {@code [n_heads, d_model, d_head]}
     */
    public NDArray W_V(int layer) {
        return block(layer).attention.wV.getArray();
    }

    /**
     * @param layer block index
     * @return output {@code W_O}, shape {@code [n_heads, d_head, d_model]}
     */
    public NDArray W_O(int layer) {
        return block(layer).attention.wO.getArray();
    }

    /**
     * @param layer block index
     * @return {@code b_Q}, shape {@code [n_heads, d_head]}
     */
    public NDArray b_Q(int layer) {
        return block(layer).attention.bQ.getArray();
    }

    /**
     * @param layer block index
     * @return {@code b_K}, shape {@code [n_heads, d_head]}
     */
    public NDArray b_K(int layer) {
        return block(layer).attention.bK.getArray();
    }

    /**
     * @param layer block index
     * @return {@code b_V}, shape {@code [n_heads, d_head]}
     */
    public NDArray b_V(int layer) {
        return block(layer).attention.bV.getArray();
    }

    /**
     * @param layer block index
     * @return {@code b_O}, shape {@code [d_model]}
     */
    public NDArray b_O(int layer) {
        return block(layer).attention.bO.getArray();
    }

    /**
     * @param layer block index
     * @return MLP input weight {@code W_in}, shape {@code [d_model, d_mlp]}
     * @throws IllegalStateException in attention-only mode
     */
    public NDArray W_in(int layer) {
        return mlpBlock(layer).wIn.getArray();
    }

    /**
     * @param layer block index
     * @return {@code b_in}, shape {@code [d_mlp]}
     * @throws IllegalStateException in attention-only mode
     */
    public NDArray b_in(int layer) {
        return mlpBlock(layer).bIn.getArray();
    }

    /**
     * @param layer block index
     * @return MLP output weight {@code W_out}, shape {@code [d_mlp, d_model]}
     * @throws IllegalStateException in attention-only mode
     */
    public NDArray W_out(int layer) {
        return mlpBlock(layer).wOut.getArray();
    }

    /**
     * @param layer block index
     * @return {@code b_out}, shape {@code [d_model]}
     * @throws IllegalStateException in attention-only mode
     */
    public NDArray b_out(int layer) {
        return mlpBlock(layer).bOut.getArray();
    }

    private TransformerBlock block(int index) {
        if (index < 0 || index >= blocks.size()) {
            throw new IndexOutOfBoundsException("layer " + index + " does not exist; the model has layers 0.."
                    + (blocks.size() - 1));
        }
        return blocks.get(index);
    }

    private TransformerBlock mlpBlock(int index) {
        if (config.attentionOnly()) {
            throw new IllegalStateException("this model is attention-only and has no MLP weights");
        }
        return block(index);
    }

    // ---------------------------------------------------------------- hook points

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), config.vocabSize())};
    }

    /** Frees the parameters and every array created in {@link #manager()}. */
    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
    }
}
