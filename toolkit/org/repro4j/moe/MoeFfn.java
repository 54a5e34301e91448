package org.repro4j.moe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.repro4j.engine.AutogradConstants;
import org.repro4j.hooks.HookPoint;
import org.repro4j.models.Init;

/**
 * A mixture-of-experts feed-forward layer: {@code E} GELU experts, a router that scores them per token, and top-k
 * routing (Shazeer et al., 2017, "Outrageously Large Neural Networks: The Sparsely-Gated Mixture-of-Experts
 * Layer", ICLR, arXiv 1701.06538, §2.1). It replaces a transformer block's MLP
 * ({@link org.repro4j.models.transformer.TinyTransformerLM#replaceMlp}); {@link MoeTransformerLM} puts one in every
 * block.
 *
 * <p>For a token {@code x [d]}: router logits {@code r = x·W_router} {@code [E]} (or logits given from outside by a
 * {@link PreGatingRouter}), the set {@code S} of the {@code k} largest, gates {@code g_e} for {@code e ∈ S} (0
 * elsewhere) by {@link Gating}, and
 * {@code y = Σ_{e∈S} g_e · GELU(x·W_in,e + b_in,e)·W_out,e + b_out}. Expert {@code e} has its own width
 * {@code m_e}; {@code b_out} is shared, so experts cut from one dense FFN ({@link DenseToMoe}) add up to that FFN.
 *
 * <p><b>Load-balancing loss</b> (Switch Transformer: Fedus, Zoph &amp; Shazeer, 2022, "Switch Transformers:
 * Scaling to Trillion Parameter Models with Simple and Efficient Sparsity", JMLR, arXiv 2101.03961, §2.2, eq. 4–6):
 * {@code E · Σ_e f_e · P_e} with {@code f_e} the fraction of routing slots (token × k) sent to expert {@code e} and
 * {@code P_e} the mean router probability {@code softmax(r)_e} over the tokens; it is 1 when routing is uniform
 * and grows as it concentrates. Only {@code P} carries gradient. The caller scales it by {@code α} (Switch: 0.01);
 * {@link #lastLoadBalancingLoss()} is that of the latest forward pass.
 *
 * <p><b>Cost.</b> Every expert runs on every token and the unselected ones are multiplied by 0: exact and
 * differentiable, but no faster than the dense FFN. The compute top-k would save is counted (neurons per token),
 * not measured.
 *
 * <p><b>Hook points</b> ({@code prefix} e.g. {@code blocks.0.mlp.}): {@code hook_router_logits} {@code [b, s, E]},
 * {@code hook_gates} {@code [b, s, E]}, {@code hook_expert_post} {@code [b, s, Σ m_e]} (every expert's GELU
 * output before gating, expert after expert). Parameters: {@code experts.e.W_in [d, m_e]}, {@code experts.e.b_in
 * [m_e]}, {@code experts.e.W_out [m_e, d]}, {@code b_out [d]}, {@code router.W [d, E]} (absent when routed from
 * outside). The layer owns an {@link NDManager} for them; close it.
 */
public final class MoeFfn extends AbstractBlock implements AutoCloseable {

    /** How the selected experts' outputs are weighted. */
    public enum Gating {
        /** Softmax over the selected experts' logits (Shazeer et al., 2017, eq. 3–5 without noise; Mixtral). */
        SOFTMAX_TOP_K,
        /** The full softmax's probability of each selected expert, not renormalised (Switch, eq. 1–2). */
        SWITCH,
        /**
         * Weight 1 for every selected expert: experts that partition a dense FFN then sum to it when all are
         * selected. The router gets no gradient through unit gates; train it on another signal.
         */
        UNIT
    }

    /**
     * One expert's weights.
     *
     * @param wIn {@code [d, m]}
     * @param bIn {@code [m]}
     * @param wOut {@code [m, d]}
     */
    public record Expert(NDArray wIn, NDArray bIn, NDArray wOut) {}

    private static final byte VERSION = 1;
    private static final float INIT_STD = 0.02f;
    /** Added to unselected logits before the top-k softmax: exp underflows to exactly 0. */
    private static final float UNSELECTED = -1e9f;

    private final String prefix;
    private final int dModel;
    private final int topK;
    private final Gating gating;
    private final int[] widths;
    private final List<Parameter[]> experts = new ArrayList<>();
    private final Parameter bOut;
    private final Parameter router;
    private final HookPoint hookRouterLogits;
    private final HookPoint hookGates;
    private final HookPoint hookExpertPost;
    private NDManager manager;
    private NDArray membership;       // [E, Σ m_e]: 1 where a neuron belongs to an expert
    private NDArray externalLogits;   // set by routeWith for the next forward pass only
    private NDArray lastLoadBalancing;

    private MoeFfn(String prefix, int dModel, int[] widths, int topK, Gating gating, boolean ownRouter,
            List<Initializer[]> expertInit, Initializer bOutInit, Initializer routerInit) {
        super(VERSION);
        if (topK < 1 || topK > widths.length) {
            throw new IllegalArgumentException("top-k routing sends each token to k experts, but k = " + topK
                    + " and the layer has " + widths.length + " experts; use 1 ≤ k ≤ " + widths.length);
        }
        this.prefix = prefix;
        this.dModel = dModel;
        this.topK = topK;
        this.gating = gating;
        this.widths = widths.clone();
        for (int e = 0; e < widths.length; e++) {
            String p = "experts." + e + ".";
            Initializer[] init = expertInit.get(e);
            experts.add(new Parameter[] {
                parameter(p + "W_in", Parameter.Type.WEIGHT, init[0], dModel, widths[e]),
                parameter(p + "b_in", Parameter.Type.BIAS, init[1], widths[e]),
                parameter(p + "W_out", Parameter.Type.WEIGHT, init[2], widths[e], dModel)});
        }
        bOut = parameter("b_out", Parameter.Type.BIAS, bOutInit, dModel);
        router = ownRouter ? parameter("router.W", Parameter.Type.WEIGHT, routerInit, dModel, widths.length) : null;
        hookRouterLogits = addChildBlock(prefix + "hook_router_logits", new HookPoint(prefix + "hook_router_logits"));
        hookGates = addChildBlock(prefix + "hook_gates", new HookPoint(prefix + "hook_gates"));
        hookExpertPost = addChildBlock(prefix + "hook_expert_post", new HookPoint(prefix + "hook_expert_post"));
    }

    private Parameter parameter(String name, Parameter.Type type, Initializer init, long... shape) {
        return addParameter(Parameter.builder().setName(name).setType(type).optInitializer(init)
                .optShape(new Shape(shape)).build());
    }

    /**
     * A layer with fresh weights, as a transformer MLP would start: {@code W_in ~ N(0, 0.02²)}, {@code W_out ~
     * N(0, (0.02/√(2·nLayers))²)} (GPT-2), router {@code N(0, 0.02²)}, biases 0.
     *
     * @param prefix hook name prefix, e.g. {@code blocks.0.mlp.}
     * @param dModel residual width {@code d}
     * @param experts {@code E ≥ 1}
     * @param expertWidth hidden width of each expert
     * @param topK experts per token, {@code 1 ≤ k ≤ E}
     * @param gating how selected experts are weighted
     * @param nLayers depth of the model, for the output scale
     * @param seed seed of the weights
     * @return the layer, initialised in its own manager
     * @throws IllegalArgumentException if {@code topK} is outside {@code [1, E]} or a size is not positive
     */
    public static MoeFfn create(String prefix, int dModel, int experts, int expertWidth, int topK, Gating gating,
            int nLayers, long seed) {
        if (dModel < 1 || experts < 1 || expertWidth < 1 || nLayers < 1) {
            throw new IllegalArgumentException("a mixture of experts needs positive sizes; got dModel " + dModel
                    + ", experts " + experts + ", expertWidth " + expertWidth + ", nLayers " + nLayers);
        }
        Random rng = new Random(seed);
        Initializer in = Init.normal(rng, INIT_STD);
        Initializer out = Init.normal(rng, INIT_STD / (float) Math.sqrt(2.0 * nLayers));
        int[] widths = new int[experts];
        List<Initializer[]> init = new ArrayList<>();
        for (int e = 0; e < experts; e++) {
            widths[e] = expertWidth;
            init.add(new Initializer[] {in, Initializer.ZEROS, out});
        }
        return initialized(new MoeFfn(prefix, dModel, widths, topK, gating, true, init, Initializer.ZEROS, in));
    }

    /**
     * A layer with given weights (copied).
     *
     * @param prefix hook name prefix, e.g. {@code blocks.0.mlp.}
     * @param experts the experts' weights, {@code E ≥ 1}, of one {@code d}
     * @param bOut shared output bias {@code [d]}
     * @param routerWeight {@code W_router [d, E]}, or null for a layer routed from outside ({@link #routeWith})
     * @param topK experts per token, {@code 1 ≤ k ≤ E}
     * @param gating how selected experts are weighted
     * @return the layer, initialised in its own manager
     * @throws IllegalArgumentException if {@code topK} is outside {@code [1, E]} or a shape does not fit
     */
    public static MoeFfn of(String prefix, List<Expert> experts, NDArray bOut, NDArray routerWeight, int topK,
            Gating gating) {
        if (experts.isEmpty()) {
            throw new IllegalArgumentException("a mixture of experts needs at least one expert");
        }
        int d = (int) bOut.getShape().get(0);
        int[] widths = new int[experts.size()];
        List<Initializer[]> init = new ArrayList<>();
        for (int e = 0; e < widths.length; e++) {
            Expert x = experts.get(e);
            widths[e] = (int) x.bIn().getShape().get(0);
            requireShape(x.wIn(), new Shape(d, widths[e]), "expert " + e + "'s W_in");
            requireShape(x.wOut(), new Shape(widths[e], d), "expert " + e + "'s W_out");
            init.add(new Initializer[] {copyOf(x.wIn()), copyOf(x.bIn()), copyOf(x.wOut())});
        }
        if (routerWeight != null) {
            requireShape(routerWeight, new Shape(d, widths.length), "the router weight");
        }
        return initialized(new MoeFfn(prefix, d, widths, topK, gating, routerWeight != null, init, copyOf(bOut),
                routerWeight == null ? null : copyOf(routerWeight)));
    }

    private static MoeFfn initialized(MoeFfn layer) {
        layer.manager = NDManager.newBaseManager();
        layer.initialize(layer.manager, DataType.FLOAT32, new Shape(1, 1, layer.dModel));
        float[] member = new float[layer.widths.length * layer.totalWidth()];
        int offset = 0;
        for (int e = 0; e < layer.widths.length; e++) {
            for (int i = 0; i < layer.widths[e]; i++) {
                member[e * layer.totalWidth() + offset + i] = 1;
            }
            offset += layer.widths[e];
        }
        // owned by PyTorch: the backward pass of gates·membership keeps it
        layer.membership = AutogradConstants.array(layer.manager, member,
                new Shape(layer.widths.length, layer.totalWidth()));
        return layer;
    }

    private static Initializer copyOf(NDArray source) {
        float[] values = source.toType(DataType.FLOAT32, false).toFloatArray();
        return (manager, shape, dataType) -> manager.create(values, shape).toType(dataType, false);
    }

    private static void requireShape(NDArray x, Shape expected, String what) {
        if (!x.getShape().equals(expected)) {
            throw new IllegalArgumentException(what + " has shape " + x.getShape() + " but must be " + expected);
        }
    }

    /** @return the number of experts {@code E} */
    public int experts() {
        return widths.length;
    }

    /** @return experts per token {@code k} */
    public int topK() {
        return topK;
    }

    /** @return how selected experts are weighted */
    public Gating gating() {
        return gating;
    }

    /** @return the hook name prefix, e.g. {@code blocks.0.mlp.} */
    public String prefix() {
        return prefix;
    }

    /** @return the residual width {@code d} */
    public int dModel() {
        return dModel;
    }

    /** @return each expert's hidden width {@code m_e} */
    public int[] widths() {
        return widths.clone();
    }

    /** @return {@code Σ m_e}, the width of {@code hook_expert_post} */
    public int totalWidth() {
        int total = 0;
        for (int w : widths) {
            total += w;
        }
        return total;
    }

    /**
     * @param e expert index
     * @return its live weights (changing them changes the layer)
     */
    public Expert expert(int e) {
        Parameter[] p = experts.get(e);
        return new Expert(p[0].getArray(), p[1].getArray(), p[2].getArray());
    }

    /** @return the shared output bias {@code [d]} */
    public NDArray bOut() {
        return bOut.getArray();
    }

    /** @return {@code W_router [d, E]}, or null when the layer is routed from outside */
    public NDArray routerWeight() {
        return router == null ? null : router.getArray();
    }

    /** @return the parameter manager */
    public NDManager manager() {
        return manager;
    }

    /**
     * Routes the next forward pass by given logits instead of the layer's own router (a pre-gating router's
     * decision). Used once, then cleared.
     *
     * @param logits router logits {@code [b, s, E]} for the tokens of the next pass
     */
    public void routeWith(NDArray logits) {
        externalLogits = logits;
    }

    /**
     * @return the Switch load-balancing loss {@code E · Σ_e f_e · P_e} of the latest forward pass (scalar,
     *     differentiable through {@code P}), or null before the first
     */
    public NDArray lastLoadBalancingLoss() {
        return lastLoadBalancing;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();                                                // [b, s, d]
        NDArray logits = hook(store, hookRouterLogits, routerLogits(store, x, training), training);   // [b, s, E]
        NDArray probs = logits.softmax(-1);
        NDArray chosen = logits.topK(topK, -1, true, false).get(1);                            // [b, s, k]
        NDArray selected = chosen.oneHot(experts()).sum(new int[] {-2});                       // [b, s, E] 0/1
        NDArray gates = hook(store, hookGates, switch (gating) {
            case SOFTMAX_TOP_K -> logits.add(selected.sub(1).mul(-UNSELECTED)).softmax(-1);
            case SWITCH -> probs.mul(selected);
            case UNIT -> selected;
        }, training);
        NDList wIn = new NDList();
        NDList bIn = new NDList();
        NDList wOut = new NDList();
        for (Parameter[] e : experts) {
            wIn.add(value(store, e[0], x, training));
            bIn.add(value(store, e[1], x, training));
            wOut.add(value(store, e[2], x, training));
        }
        NDArray pre = x.matMul(concat(wIn, 1)).add(concat(bIn, 0));                             // [b, s, Σm]
        NDArray post = hook(store, hookExpertPost, Activation.gelu(pre), training);
        NDArray neuronGates = gates.matMul(membership);                                          // [b, s, Σm]
        NDArray y = post.mul(neuronGates).matMul(concat(wOut, 0)).add(value(store, bOut, x, training));
        long tokens = x.getShape().get(0) * x.getShape().get(1);
        NDArray fraction = selected.reshape(tokens, experts()).mean(new int[] {0});              // [E], Σ = k
        NDArray meanProb = probs.reshape(tokens, experts()).mean(new int[] {0});                 // [E]
        lastLoadBalancing = AutogradConstants.times(fraction.mul(meanProb).sum(), (double) experts() / topK);
        return new NDList(y);                                                                  // [b, s, d]
    }

    private NDArray routerLogits(ParameterStore store, NDArray x, boolean training) {
        NDArray given = externalLogits;
        externalLogits = null;
        if (given != null) {
            Shape expected = new Shape(x.getShape().get(0), x.getShape().get(1), experts());
            if (!given.getShape().equals(expected)) {
                throw new IllegalArgumentException("the router logits given have shape " + given.getShape()
                        + " but this layer needs " + expected + " ([batch, seq, experts]) for its input");
            }
            return given;
        }
        if (router == null) {
            throw new IllegalStateException("this MoE layer has no router of its own; give it logits with"
                    + " routeWith(...) before each pass (MoeTransformerLM does this from its PreGatingRouter)");
        }
        return x.matMul(value(store, router, x, training));
    }

    private static NDArray concat(NDList parts, int axis) {
        return parts.size() == 1 ? parts.head() : NDArrays.concat(parts, axis);
    }

    private static NDArray value(ParameterStore store, Parameter p, NDArray like, boolean training) {
        return store.getValue(p, like.getDevice(), training);
    }

    private static NDArray hook(ParameterStore store, HookPoint point, NDArray x, boolean training) {
        return point.forward(store, new NDList(x), training).singletonOrThrow();
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (HookPoint point : List.of(hookRouterLogits, hookGates, hookExpertPost)) {
            point.initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    /** Frees the parameters. */
    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
    }
}
