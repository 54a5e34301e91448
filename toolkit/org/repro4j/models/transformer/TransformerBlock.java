package org.repro4j.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.util.Random;
import org.repro4j.hooks.HookPoint;
import org.repro4j.models.transformer.Parts.HookShape;

/**
 * One pre-LayerNorm transformer block in the GPT-2 layout (Radford et al., 2019): {@code x + Attn(LN1(x))}, then
 * {@code x + MLP(LN2(x))} with a GELU MLP; in attention-only mode (Elhage et al., 2021) the block is
 * {@code x + Attn(LN1(x))} alone. Parameters and hook points are named {@code blocks.l.…} as in TransformerLens.
 */
final class TransformerBlock {

    static final float LAYER_NORM_EPS = 1e-5f;

    final Parameter ln1W;
    final Parameter ln1B;
    final Attention attention;
    final Parameter ln2W;
    final Parameter ln2B;
    final Parameter wIn;
    final Parameter bIn;
    final Parameter wOut;
    final Parameter bOut;
    private final boolean attentionOnly;
    private final HookPoint residPre;
    private final HookPoint ln1Normalized;
    private final HookPoint attnOut;
    private final HookPoint residMid;
    private final HookPoint ln2Normalized;
    private final HookPoint mlpPre;
    private final HookPoint mlpPost;
    private final HookPoint mlpOut;
    private final HookPoint residPost;
    /** Replaces the MLP ({@code ln2}'s output to {@code hook_mlp_out}) when set, e.g. by a mixture of experts. */
    Block mlpReplacement;

    /**
     * @param l the block's index
     * @param init the model's initialisation generator (blocks draw from it in order)
     */
    TransformerBlock(int l, TransformerConfig config, Parts parts, Random init) {
        String p = "blocks." + l + ".";
        int d = config.dModel();
        attentionOnly = config.attentionOnly();
        // GPT-2 scales the projections that write into the residual stream by 1/√(2·n_layers)
        Initializer residualWrite = Parts.normal(init,
                TinyTransformerLM.INIT_STD / (float) Math.sqrt(2.0 * config.nLayers()));
        residPre = parts.hook(p + "hook_resid_pre", HookShape.RESID);
        ln1W = parts.gain(p + "ln1.w");
        ln1B = parts.bias(p + "ln1.b", d);
        ln1Normalized = parts.hook(p + "ln1.hook_normalized", HookShape.RESID);
        attention = new Attention(p, config, parts, init, residualWrite);
        attnOut = parts.hook(p + "hook_attn_out", HookShape.RESID);
        if (attentionOnly) {
            ln2W = ln2B = wIn = bIn = wOut = bOut = null;
            residMid = ln2Normalized = mlpPre = mlpPost = mlpOut = null;
        } else {
            residMid = parts.hook(p + "hook_resid_mid", HookShape.RESID);
            ln2W = parts.gain(p + "ln2.w");
            ln2B = parts.bias(p + "ln2.b", d);
            ln2Normalized = parts.hook(p + "ln2.hook_normalized", HookShape.RESID);
            wIn = parts.weight(p + "mlp.W_in", Parts.normal(init, TinyTransformerLM.INIT_STD), d, config.dMlp());
            bIn = parts.bias(p + "mlp.b_in", config.dMlp());
            wOut = parts.weight(p + "mlp.W_out", residualWrite, config.dMlp(), d);
            bOut = parts.bias(p + "mlp.b_out", d);
            mlpPre = parts.hook(p + "mlp.hook_pre", HookShape.MLP);
            mlpPost = parts.hook(p + "mlp.hook_post", HookShape.MLP);
            mlpOut = parts.hook(p + "hook_mlp_out", HookShape.RESID);
        }
        residPost = parts.hook(p + "hook_resid_post", HookShape.RESID);
    }

    /**
     * @param f the running pass
     * @param residIn the residual stream entering the block, {@code [b, s, d]}
     * @param mask additive attention mask (see {@link Attention#forward}), or null
     * @param cache this layer's KV cache slot, or null
     * @return the residual stream leaving it, {@code [b, s, d]}
     */
    NDArray forward(ForwardPass f, NDArray residIn, NDArray mask, KvCache.Slot cache) {
        NDArray resid = f.hook(residPre, residIn);
        NDArray x = f.hook(ln1Normalized, layerNorm(resid, f.weight(ln1W), f.weight(ln1B)));
        NDArray attended = f.hook(attnOut, attention.forward(f, x, mask, cache));
        if (attentionOnly) {
            return f.hook(residPost, resid.add(attended));
        }
        NDArray mid = f.hook(residMid, resid.add(attended));
        NDArray x2 = f.hook(ln2Normalized, layerNorm(mid, f.weight(ln2W), f.weight(ln2B)));
        NDArray mlp = f.hook(mlpOut, mlpReplacement != null ? f.run(mlpReplacement, x2) : mlp(f, x2)); // [b, s, d]
        return f.hook(residPost, mid.add(mlp));
    }

    private NDArray mlp(ForwardPass f, NDArray x2) {
        NDArray pre = f.hook(mlpPre, x2.matMul(f.weight(wIn)).add(f.weight(bIn)));          // [b, s, d_mlp]
        NDArray post = f.hook(mlpPost, Activation.gelu(pre));
        return post.matMul(f.weight(wOut)).add(f.weight(bOut));
    }

    /** LayerNorm over the last axis with gain and bias, ε = {@value #LAYER_NORM_EPS}. */
    static NDArray layerNorm(NDArray x, NDArray gain, NDArray bias) {
        return x.getNDArrayInternal()
                .layerNorm(x, new Shape(x.getShape().tail()), gain, bias, LAYER_NORM_EPS)
                .singletonOrThrow();
    }
}
