package org.repro4j.models.transformer;

import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.util.Random;
import org.repro4j.hooks.HookPoint;
import org.repro4j.models.Init;

/**
 * How the parts of a {@link TinyTransformerLM} (its blocks and their attention) create their parameters and hook
 * points inside the model, under their TransformerLens names. Creation order is initialisation order, so a seed
 * gives the same weights only if the parts are built in the same order.
 */
interface Parts {

    /** The shape family of a hook point's activation (see {@link TinyTransformerLM#hookShape}). */
    enum HookShape {
        RESID, HEAD, PATTERN, HEAD_RESID, MLP
    }

    /** @return a new weight parameter, e.g. {@code blocks.0.attn.W_Q} of shape {@code [H, d, e]} */
    Parameter weight(String name, Initializer init, long... shape);

    /** @return a new bias parameter initialised to 0 */
    Parameter bias(String name, long... shape);

    /** @return a new LayerNorm gain {@code [d_model]} initialised to 1 */
    Parameter gain(String name);

    /** @return a new hook point, e.g. {@code blocks.0.attn.hook_pattern} */
    HookPoint hook(String name, HookShape shape);

    /**
     * Normal draws from a shared seeded generator: parameters initialise in a fixed order, so seeds reproduce.
     *
     * @param rng the model's initialisation generator
     * @param std standard deviation
     * @return an initializer drawing N(0, std²)
     */
    static Initializer normal(Random rng, float std) {
        return Init.normal(rng, std);
    }
}
