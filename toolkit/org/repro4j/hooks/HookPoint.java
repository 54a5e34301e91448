package org.repro4j.hooks;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * An identity block with a stable, readable name (e.g. {@code blocks.0.hook_resid_pre}) where activations can be
 * recorded or replaced, as TransformerLens's {@code HookPoint}s.
 *
 * <p>Models place hook points wherever an analysis may want to look; outside a {@link Hooks} session a hook
 * point returns its input unchanged. The output shape equals the input shape.
 */
public final class HookPoint extends AbstractBlock {

    private final String hookName;

    /**
     * @param hookName the full dotted name users filter on, e.g. {@code blocks.1.attn.hook_pattern}
     * @throws IllegalArgumentException if the name is blank
     */
    public HookPoint(String hookName) {
        if (hookName == null || hookName.isBlank()) {
            throw new IllegalArgumentException("a hook point needs a name such as 'blocks.0.hook_resid_pre'");
        }
        this.hookName = hookName;
    }

    /** @return the full dotted name of this hook point */
    public String hookName() {
        return hookName;
    }

    /**
     * Lists the hook points of a model in forward order.
     *
     * @param model any DJL block tree
     * @return the names of all hook points inside {@code model}, depth-first in the order children were added
     */
    public static List<String> namesIn(Block model) {
        List<String> names = new ArrayList<>();
        collect(model, names);
        return names;
    }

    private static void collect(Block block, List<String> names) {
        if (block instanceof HookPoint hook) {
            names.add(hook.hookName);
        }
        block.getChildren().values().forEach(child -> collect(child, names));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(Hooks.apply(hookName, inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    public String toString() {
        return "HookPoint(" + hookName + ")";
    }
}
