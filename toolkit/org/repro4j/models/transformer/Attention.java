package org.repro4j.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.util.Random;
import org.repro4j.engine.AutogradConstants;
import org.repro4j.hooks.HookPoint;
import org.repro4j.models.transformer.Parts.HookShape;

/**
 * Multi-head self-attention of one block (Vaswani et al., 2017, §3.2), unfused: each head has its own slice
 * of {@code W_Q, W_K, W_V [H, d, e]} and {@code W_O [H, e, d]}, so one head can be read, masked or edited, and its
 * output {@code z_h·W_O[h]} is a hook point of its own ({@code attn.hook_result}). The caller gives the additive
 * mask (causal for the language model, padding for the encoder) and, when decoding, the layer's KV cache slot.
 */
final class Attention {

    final Parameter wQ;
    final Parameter wK;
    final Parameter wV;
    final Parameter wO;
    final Parameter bQ;
    final Parameter bK;
    final Parameter bV;
    final Parameter bO;
    private final HookPoint hookQ;
    private final HookPoint hookK;
    private final HookPoint hookV;
    private final HookPoint attnScores;
    private final HookPoint pattern;
    private final HookPoint hookZ;
    private final HookPoint result;
    private final TransformerConfig config;

    /**
     * @param prefix the block's name prefix, e.g. {@code blocks.0.}
     * @param residualWrite initializer of {@code W_O}, the projection that writes into the residual stream
     */
    Attention(String prefix, TransformerConfig config, Parts parts, Random init, Initializer residualWrite) {
        this.config = config;
        String p = prefix + "attn.";
        int d = config.dModel();
        int h = config.nHeads();
        int e = config.dHead();
        wQ = parts.weight(p + "W_Q", Parts.normal(init, TinyTransformerLM.INIT_STD), h, d, e);
        wK = parts.weight(p + "W_K", Parts.normal(init, TinyTransformerLM.INIT_STD), h, d, e);
        wV = parts.weight(p + "W_V", Parts.normal(init, TinyTransformerLM.INIT_STD), h, d, e);
        wO = parts.weight(p + "W_O", residualWrite, h, e, d);
        bQ = parts.bias(p + "b_Q", h, e);
        bK = parts.bias(p + "b_K", h, e);
        bV = parts.bias(p + "b_V", h, e);
        bO = parts.bias(p + "b_O", d);
        hookQ = parts.hook(p + "hook_q", HookShape.HEAD);
        hookK = parts.hook(p + "hook_k", HookShape.HEAD);
        hookV = parts.hook(p + "hook_v", HookShape.HEAD);
        attnScores = parts.hook(p + "hook_attn_scores", HookShape.PATTERN);
        pattern = parts.hook(p + "hook_pattern", HookShape.PATTERN);
        hookZ = parts.hook(p + "hook_z", HookShape.HEAD);
        result = parts.hook(p + "hook_result", HookShape.HEAD_RESID);
    }

    /**
     * @param f the running pass
     * @param x normalized residual stream {@code [b, s, d]}
     * @param mask additive mask broadcastable to {@code [b, H, s, keys]} (0 = attend, −∞ or very negative = not),
     *     or null to attend to every key
     * @param cache the layer's slot of a KV cache, or null: with a slot, the queries at positions
     *     {@code past..past+s−1} attend to the cached keys and values of positions {@code 0..past−1} and to their
     *     own, which the slot then keeps ({@code keys = past + s})
     * @return Σ_h z_h·W_O[h] + b_O, {@code [b, s, d]}
     */
    NDArray forward(ForwardPass f, NDArray x, NDArray mask, KvCache.Slot cache) {
        long b = x.getShape().get(0);
        long s = x.getShape().get(1);
        int h = config.nHeads();
        int e = config.dHead();
        int d = config.dModel();
        // [3, H, d, e] -> [d, 3·H·e]: one matMul gives every head's q, k and v
        NDArray wQkv = NDArrays.stack(new NDList(f.weight(wQ), f.weight(wK), f.weight(wV)))
                .transpose(2, 0, 1, 3).reshape(d, 3L * h * e);
        NDArray bQkv = NDArrays.stack(new NDList(f.weight(bQ), f.weight(bK), f.weight(bV))).reshape(3L * h * e);
        NDArray qkv = x.matMul(wQkv).add(bQkv).reshape(b, s, 3, h, e);
        NDArray q = f.hook(hookQ, qkv.get(new NDIndex(":, :, 0")));                // [b, s, H, e]
        NDArray k = f.hook(hookK, qkv.get(new NDIndex(":, :, 1")));
        NDArray v = f.hook(hookV, qkv.get(new NDIndex(":, :, 2")));
        if (cache != null) {
            NDArray[] kv = cache.append(k, v);                                      // [b, keys, H, e]
            k = kv[0];
            v = kv[1];
        }
        NDArray qk = q.transpose(0, 2, 1, 3).matMul(k.transpose(0, 2, 3, 1));       // [b, H, s, keys]
        NDArray scaled = AutogradConstants.times(qk, 1 / Math.sqrt(e));
        NDArray scores = mask == null ? scaled : scaled.add(mask);
        NDArray probs = f.hook(pattern, f.hook(attnScores, scores).softmax(-1));
        NDArray z = f.hook(hookZ, probs.matMul(v.transpose(0, 2, 1, 3)).transpose(0, 2, 1, 3)); // [b, s, H, e]
        // per-head outputs [H, b·s, d] by one batched matMul over heads, shown as [b, s, H, d]
        NDArray perHead = z.transpose(2, 0, 1, 3).reshape(h, b * s, e).matMul(f.weight(wO));
        NDArray results = f.hook(result, perHead.reshape(h, b, s, d).transpose(1, 2, 0, 3));
        return results.sum(new int[] {2}).add(f.weight(bO));
    }
}
