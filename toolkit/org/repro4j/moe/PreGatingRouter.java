package org.repro4j.moe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.Random;
import org.repro4j.models.Init;
import org.repro4j.models.transformer.TinyTransformerLM;

/**
 * Read-ME's pre-gating router, decoupled from the backbone: it decides every layer's experts for a token before the
 * backbone runs, from the token alone, so a serving system can batch tokens by expert and prefetch experts ahead
 * of time (Cai et al., 2024, "Read-ME: Refactorizing LLMs as Router-Decoupled Mixture of Experts with System
 * Co-Design", NeurIPS, arXiv 2410.19123). Here the router reads the backbone's token embedding
 * {@code W_E[token]} (detached: training the router leaves the backbone as it is) through a GELU MLP,
 * {@code logits = GELU(e·W_1 + b_1)·W_2 + b_2}, reshaped to {@code [batch, seq, n_layers, experts]}. Read-ME's router
 * is a small transformer over the token sequence; this one sees only the current token.
 *
 * <p>Input {@code NDList(tokens [b, s])}, output {@code NDList(logits [b, s, L, E])}. Weights N(0, 0.02²), biases
 * 0, from the seed; parameters {@code W_1 [d, hidden]}, {@code b_1}, {@code W_2 [hidden, L·E]}, {@code b_2}. It owns
 * an {@link NDManager}; close it.
 */
public final class PreGatingRouter extends AbstractBlock implements AutoCloseable {

    private static final byte VERSION = 1;
    private static final float INIT_STD = 0.02f;

    private final TinyTransformerLM backbone;
    private final int experts;
    private final Parameter w1;
    private final Parameter b1;
    private final Parameter w2;
    private final Parameter b2;
    private NDManager manager;

    private PreGatingRouter(TinyTransformerLM backbone, int experts, int hidden, Random init) {
        super(VERSION);
        this.backbone = backbone;
        this.experts = experts;
        int d = backbone.config().dModel();
        int outputs = backbone.config().nLayers() * experts;
        Initializer normal = Init.normal(init, INIT_STD);
        w1 = parameter("W_1", Parameter.Type.WEIGHT, normal, d, hidden);
        b1 = parameter("b_1", Parameter.Type.BIAS, Initializer.ZEROS, hidden);
        w2 = parameter("W_2", Parameter.Type.WEIGHT, normal, hidden, outputs);
        b2 = parameter("b_2", Parameter.Type.BIAS, Initializer.ZEROS, outputs);
    }

    private Parameter parameter(String name, Parameter.Type type, Initializer init, long... shape) {
        return addParameter(Parameter.builder().setName(name).setType(type).optInitializer(init)
                .optShape(new Shape(shape)).build());
    }

    /**
     * @param backbone the model whose token embedding the router reads
     * @param experts experts per layer {@code E}
     * @param hidden width of the router's hidden layer
     * @param seed seed of the weights
     * @return the router, initialised in its own manager
     * @throws IllegalArgumentException if a size is not positive
     */
    public static PreGatingRouter create(TinyTransformerLM backbone, int experts, int hidden, long seed) {
        if (experts < 1 || hidden < 1) {
            throw new IllegalArgumentException("the router needs experts ≥ 1 and hidden ≥ 1, got " + experts
                    + " and " + hidden);
        }
        PreGatingRouter router = new PreGatingRouter(backbone, experts, hidden, new Random(seed));
        router.manager = NDManager.newBaseManager();
        router.initialize(router.manager, DataType.FLOAT32, new Shape(1, 1));
        return router;
    }

    /** @return experts per layer */
    public int experts() {
        return experts;
    }

    /**
     * @param tokens ids {@code [b, s]}
     * @return router logits for every layer, {@code [b, s, L, E]}, in inference mode
     */
    public NDArray logits(NDArray tokens) {
        return forward(new ParameterStore(manager, false), new NDList(tokens), false).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = inputs.singletonOrThrow();
        NDArray table = backbone.W_E().stopGradient();                                          // [V, d]
        NDArray embedded = tokens.getNDArrayInternal().embedding(tokens, table, SparseFormat.DENSE)
                .singletonOrThrow();                                                            // [b, s, d]
        NDArray h = Activation.gelu(embedded.matMul(value(store, w1, tokens, training))
                .add(value(store, b1, tokens, training)));
        NDArray logits = h.matMul(value(store, w2, tokens, training)).add(value(store, b2, tokens, training));
        return new NDList(logits.reshape(tokens.getShape().get(0), tokens.getShape().get(1),
                backbone.config().nLayers(), experts));
    }

    private static NDArray value(ParameterStore store, Parameter p, NDArray like, boolean training) {
        return store.getValue(p, like.getDevice(), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), backbone.config().nLayers(),
                experts)};
    }

    /** Frees the router's parameters (not the backbone's). */
    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
    }
}
