package org.repro4j.moe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.repro4j.engine.AutogradConstants;
import org.repro4j.loss.CrossEntropy;
import org.repro4j.loss.LossFunction;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;

/**
 * A {@link TinyTransformerLM} whose MLPs are mixtures of experts ({@link MoeFfn}): attention, embeddings and head
 * of the language model, an MoE layer in every block, and either a router per layer or one
 * {@link PreGatingRouter} that routes every layer from the token ahead of time (Read-ME).
 *
 * <pre>{@code
 * MoeTransformerLM moe = MoeTransformerLM.create(config, 8, 1, MoeFfn.Gating.SWITCH, seed);   // trained from scratch
 * Fit.of(moe).data(batches).loss(moe.lossWithLoadBalancing(0.01)).steps(2000).run();
 * MoeTransformerLM readMe = MoeTransformerLM.of(dense, layers, router);      // experts cut from a dense model
 * }</pre>
 *
 * <p>As a DJL block, {@code forward} maps {@code NDList(tokens [b, s])} to {@code NDList(logits [b, s, V])}. During
 * its forward pass it puts its MoE layers into the language model ({@link TinyTransformerLM#replaceMlp}) and takes
 * them out afterwards, so a dense model it was built around still computes densely on its own. The model is a child
 * block: {@code Fit} trains its parameters too unless they are frozen
 * ({@code moe.getParameters().forEach(p -> p.getValue().freeze(!p.getKey().contains("router")))} trains only the
 * routers; freezing reaches the parameters of a model it was built around, which stay frozen until unfrozen).
 */
public final class MoeTransformerLM extends AbstractBlock implements AutoCloseable {

    private static final byte VERSION = 1;

    private final TinyTransformerLM lm;
    private final boolean ownsLm;
    private final List<MoeFfn> layers;
    private final PreGatingRouter router;
    private NDArray lastLoadBalancing;

    private MoeTransformerLM(TinyTransformerLM lm, boolean ownsLm, List<MoeFfn> layers, PreGatingRouter router) {
        super(VERSION);
        int depth = lm.config().nLayers();
        if (layers.size() != depth) {
            throw new IllegalArgumentException("the language model has " + depth + " layers but " + layers.size()
                    + " MoE layers were given; give one per layer (null keeps that layer's dense MLP)");
        }
        for (int l = 0; l < depth; l++) {
            MoeFfn layer = layers.get(l);
            if (layer == null) {
                continue;
            }
            if ((layer.routerWeight() == null) != (router != null)) {
                throw new IllegalArgumentException("MoE layer " + l + (router != null
                        ? " has a router of its own but a pre-gating router was given; build it without one"
                        : " has no router of its own; give a PreGatingRouter to route it"));
            }
            if (router != null && router.experts() != layer.experts()) {
                throw new IllegalArgumentException("the pre-gating router scores " + router.experts()
                        + " experts per layer but layer " + l + " has " + layer.experts());
            }
        }
        this.lm = lm;
        this.ownsLm = ownsLm;
        this.layers = Collections.unmodifiableList(new ArrayList<>(layers));
        this.router = router;
        addChildBlock("lm", lm);
        for (int l = 0; l < depth; l++) {
            if (layers.get(l) != null) {
                addChildBlock("moe" + l, layers.get(l));
            }
        }
        if (router != null) {
            addChildBlock("router", router);
        }
        initialize(lm.manager(), DataType.FLOAT32, new Shape(1, lm.config().context())); // marks it ready for Fit
    }

    /**
     * A language model with {@code experts} experts of width {@code d_mlp} in every block and a router per layer,
     * all freshly initialised (the Switch Transformer layout when {@code topK = 1}). The language model's own MLP
     * weights are never used and are frozen.
     *
     * @param config sizes of the language model (with MLPs)
     * @param experts experts per layer
     * @param topK experts per token
     * @param gating how selected experts are weighted
     * @param seed seed of all weights
     * @return the model, owning its language model and layers
     * @throws IllegalArgumentException if the config is attention-only or {@code topK} is outside {@code [1, E]}
     */
    public static MoeTransformerLM create(TransformerConfig config, int experts, int topK, MoeFfn.Gating gating,
            long seed) {
        if (config.attentionOnly()) {
            throw new IllegalArgumentException("an attention-only model has no MLPs to turn into experts");
        }
        List<MoeFfn> layers = new ArrayList<>();
        for (int l = 0; l < config.nLayers(); l++) {
            layers.add(MoeFfn.create("blocks." + l + ".mlp.", config.dModel(), experts, config.dMlp(), topK, gating,
                    config.nLayers(), seed + 1 + l));
        }
        TinyTransformerLM lm = TinyTransformerLM.create(config, seed);
        for (String name : lm.parameterNames()) {
            if (name.contains(".mlp.")) {
                lm.getParameters().get(name).freeze(true);
            }
        }
        return new MoeTransformerLM(lm, true, layers, null);
    }

    /**
     * A model around an existing language model (not closed with this one).
     *
     * @param lm attention, embeddings and head (and the dense MLPs of layers given as null)
     * @param layers one MoE layer per block, or null to keep that block's MLP; their prefixes should be
     *     {@code blocks.l.mlp.}; this model closes them
     * @param router the pre-gating router for layers without their own router, or null
     * @return the model
     * @throws IllegalArgumentException if the layers do not fit the model or the router
     */
    public static MoeTransformerLM of(TinyTransformerLM lm, List<MoeFfn> layers, PreGatingRouter router) {
        return new MoeTransformerLM(lm, false, layers, router);
    }

    /** @return the language model inside */
    public TinyTransformerLM lm() {
        return lm;
    }

    /** @return one MoE layer per block (null where the dense MLP is kept), unmodifiable */
    public List<MoeFfn> layers() {
        return layers;
    }

    /** @return the pre-gating router, or null when each layer routes itself */
    public PreGatingRouter router() {
        return router;
    }

    /**
     * @param tokens ids {@code [b, s]}
     * @return next-token logits {@code [b, s, vocab]} in inference mode
     */
    public NDArray logits(NDArray tokens) {
        return forward(new ParameterStore(tokens.getManager(), false), new NDList(tokens), false).singletonOrThrow();
    }

    /**
     * @param tokens ids {@code [b, s]} with {@code s ≥ 2}
     * @return mean next-token cross-entropy in nats (inference mode); {@code exp} of it is the perplexity
     */
    public NDArray loss(NDArray tokens) {
        NDArray logits = logits(tokens.get(new NDIndex(":, :-1")));
        return new CrossEntropy().apply(logits, tokens.get(new NDIndex(":, 1:")));
    }

    /**
     * @return the mean over MoE layers of their load-balancing losses in the latest forward pass (scalar), or null
     *     before the first
     */
    public NDArray lastLoadBalancingLoss() {
        return lastLoadBalancing;
    }

    /**
     * The training objective {@code CE + α · load-balancing loss}. The load-balancing term is the latest forward
     * pass's, which in training is the pass that made the prediction; in {@code Fit}'s evaluation, which predicts a
     * split in chunks, it is the last chunk's.
     *
     * @param alpha weight of the load-balancing loss, ≥ 0 (Switch: 0.01)
     * @return the loss for {@code (logits [b, s, V], targets [b, s])}
     * @throws IllegalArgumentException if {@code alpha < 0}
     */
    public LossFunction lossWithLoadBalancing(double alpha) {
        if (!(alpha >= 0)) {
            throw new IllegalArgumentException("α must be ≥ 0, got " + alpha);
        }
        CrossEntropy ce = new CrossEntropy();
        return (logits, targets) -> {
            NDArray loss = ce.apply(logits, targets);
            return alpha == 0 || lastLoadBalancing == null ? loss
                    : loss.add(AutogradConstants.times(lastLoadBalancing, alpha));
        };
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = inputs.singletonOrThrow();
        if (router != null) {
            NDArray all = router.forward(store, inputs, training).singletonOrThrow();           // [b, s, L, E]
            for (int l = 0; l < layers.size(); l++) {
                if (layers.get(l) != null) {
                    layers.get(l).routeWith(all.get(new NDIndex(":, :, {}", l)));
                }
            }
        }
        try {
            for (int l = 0; l < layers.size(); l++) {
                if (layers.get(l) != null) {
                    lm.replaceMlp(l, layers.get(l));
                }
            }
            NDList logits = lm.forward(store, new NDList(tokens), training);
            NDArray total = null;
            int count = 0;
            for (MoeFfn layer : layers) {
                if (layer != null) {
                    total = total == null ? layer.lastLoadBalancingLoss() : total.add(layer.lastLoadBalancingLoss());
                    count++;
                }
            }
            lastLoadBalancing = total == null ? null : AutogradConstants.times(total, 1.0 / count);
            return logits;
        } finally {
            for (int l = 0; l < layers.size(); l++) {
                if (layers.get(l) != null) {
                    lm.replaceMlp(l, null);
                }
            }
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // every part was initialised when it was built
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return lm.getOutputShapes(inputShapes);
    }

    /** Closes the MoE layers and the router, and the language model if this model created it. */
    @Override
    public void close() {
        layers.stream().filter(l -> l != null).forEach(MoeFfn::close);
        if (router != null) {
            router.close();
        }
        if (ownsLm) {
            lm.close();
        }
    }
}
