package org.repro4j.pruning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.repro4j.engine.AutogradConstants;
import org.repro4j.models.transformer.TinyTransformerLM;

/**
 * Continuous sparsification (Savarese, Silva &amp; Maire, 2020, "Winning the Lottery with Continuous
 * Sparsification", NeurIPS, §3: a deterministic relaxation of the L0 penalty) installed on a frozen
 * {@link TinyTransformerLM}: every maskable weight matrix {@code W} is read as {@code W ⊙ σ(T·s)}, with one
 * trainable mask logit {@code s} per weight and a temperature {@code T} that grows during training, so the soft
 * mask {@code σ(T·s)} tends to the binary mask {@code 1[s > 0]}.
 *
 * <p>Follows the mask layers Chang &amp; Bergen (2025) use (NeuroSurgeon's {@code contsparse_layer.py}): logits
 * start at {@code s = 0} (mask 0.5), except that weights exactly 0 get {@code s = −10⁶}; {@code T} starts at 1
 * and is multiplied by a constant after each optimizer step ({@link #anneal}); the evaluation mask is
 * {@code 1[s > 0]} ({@link #hardMask()}). The bigram-subnetworks reproduction
 * ({@code org.repro4j.papers.bigramsubnetworks.BigramSubnetwork}) has a training loop that uses it.
 *
 * <p>The logits are arrays that require gradients, owned by this object's manager; {@link #close()} frees them and
 * removes the transforms. While installed, {@link #withoutMask} runs code on the unmasked model (e.g. to compute
 * the full model's own predictions as distillation targets).
 */
public final class ContinuousSparsification implements AutoCloseable {

    /** Logit given to weights that are exactly 0, as in the authors' {@code train_circuit}. */
    public static final float ZERO_WEIGHT_LOGIT = -1e6f;
    /** σ(T·s) above this counts as kept, below 1 − this as removed, between as undecided (authors' 0.9 / 0.1). */
    public static final double DECIDED = 0.9;

    private final TinyTransformerLM lm;
    private final NDManager manager;
    private final Map<String, NDArray> logits = new LinkedHashMap<>();
    private double temperature = 1;
    private boolean bypassed;

    private ContinuousSparsification(TinyTransformerLM lm) {
        this.lm = lm;
        this.manager = lm.manager().newSubManager();
    }

    /**
     * Installs soft masks on every maskable matrix of {@code lm} ({@code T = 1}, {@code s = 0}).
     *
     * @param lm the model; its parameter arrays are never changed
     * @return the installed masks; close them to restore the model
     * @throws IllegalStateException if a maskable matrix already has a weight transform
     */
    public static ContinuousSparsification install(TinyTransformerLM lm) {
        for (String name : lm.maskableParameterNames()) {
            if (lm.weightTransforms().containsKey(name)) {
                throw new IllegalStateException(name + " already has a weight transform; close the mask or edit "
                        + "that was applied before training a new mask");
            }
        }
        ContinuousSparsification cs = new ContinuousSparsification(lm);
        for (String name : lm.maskableParameterNames()) {
            NDArray w = lm.parameter(name);
            float[] initial = w.toFloatArray();
            for (int i = 0; i < initial.length; i++) {
                initial[i] = initial[i] == 0 ? ZERO_WEIGHT_LOGIT : 0f;
            }
            NDArray s = cs.manager.create(initial, w.getShape());
            s.setRequiresGradient(true);
            cs.logits.put(name, s);
            lm.setWeightTransform(name, weight -> cs.bypassed ? weight : weight.mul(cs.softMask(name, weight.getManager())));
        }
        return cs;
    }

    /** @return parameter name → mask logits {@code s}, same shape as the parameter (live arrays, unmodifiable map) */
    public Map<String, NDArray> logits() {
        return Collections.unmodifiableMap(logits);
    }

    /**
     * @return the mask logits as DJL parameters, for an optimizer ({@code Fit} trains the parameters of a block)
     */
    public List<Parameter> parameters() {
        return logits.entrySet().stream()
                .map(e -> Parameter.builder().setName(e.getKey() + ".mask_logits").setType(Parameter.Type.WEIGHT)
                        .optArray(e.getValue()).build())
                .toList();
    }

    /** @return the temperature {@code T} */
    public double temperature() {
        return temperature;
    }

    /**
     * Multiplies the temperature, {@code T ← factor·T} (called after each optimizer step).
     *
     * @param factor growth factor, e.g. 1.001 (paper) or 1.01 (toy)
     * @throws IllegalArgumentException if {@code factor} is not positive
     */
    public void anneal(double factor) {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("the temperature factor must be a positive number such as 1.01; got "
                    + factor);
        }
        temperature *= factor;
    }

    /**
     * The soft mask of one matrix.
     *
     * @param name maskable parameter name
     * @param scope manager owning the result and its temporaries (e.g. a training step's)
     * @return {@code σ(T·s)}, shaped as the parameter; differentiable with respect to {@code s}
     */
    public NDArray softMask(String name, NDManager scope) {
        NDArray s = logits.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no mask logits for '" + name + "'; masked: " + logits.keySet());
        }
        // a view owned by the scope, so the product and the sigmoid are freed with it, and gradients reach s
        NDArray view = s.reshape(s.getShape());
        view.attach(scope);
        return Activation.sigmoid(AutogradConstants.times(view, temperature));
    }

    /**
     * The L0 relaxation penalty before weighting, {@code Σ σ(T·s)} over every masked weight.
     *
     * @param scope manager owning the result and its temporaries
     * @return scalar, differentiable with respect to the logits
     */
    public NDArray softKept(NDManager scope) {
        NDArray total = null;
        for (String name : logits.keySet()) {
            NDArray sum = softMask(name, scope).sum();
            total = total == null ? sum : total.add(sum);
        }
        return total;
    }

    /** @return number of masked weights, {@code N} */
    public long size() {
        return logits.values().stream().mapToLong(s -> s.getShape().size()).sum();
    }

    /**
     * Counts kept and undecided weights at the current temperature.
     *
     * @return {@code {kept, undecided}}: weights with {@code σ(T·s) > 0.9}, and with {@code 0.1 ≤ σ(T·s) ≤ 0.9}
     */
    public long[] keptAndUndecided() {
        // σ(T·s) > 0.9 ⟺ T·s > ln 9, so the counts need no sigmoid
        double edge = Math.log(DECIDED / (1 - DECIDED)) / temperature;
        long kept = 0;
        long undecided = 0;
        for (NDArray s : logits.values()) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray view = s.stopGradient();
                view.attach(scope);
                kept += view.gt(edge).countNonzero().getLong();
                undecided += view.abs().lte(edge).countNonzero().getLong();
            }
        }
        return new long[] {kept, undecided};
    }

    /**
     * The authors' stop rule: the mask is decided once fewer than {@code tolerance} times the kept weights are
     * undecided (they use 1 %, so a small subnetwork is allowed fewer undecided weights).
     *
     * @param tolerance e.g. 0.01
     * @return whether {@code undecided < tolerance · kept}
     */
    public boolean isDecided(double tolerance) {
        long[] counts = keptAndUndecided();
        return counts[1] < tolerance * counts[0];
    }

    /** @return the evaluation mask {@code 1[s > 0]} */
    public ParamMask hardMask() {
        return ParamMask.above(logits, 0);
    }

    /**
     * Runs code on the model with the soft masks switched off (the full, unmasked model).
     *
     * @param code e.g. {@code () -> lm.logits(tokens).softmax(-1)}
     * @param <T> its result type
     * @return its result
     */
    public <T> T withoutMask(Supplier<T> code) {
        boolean before = bypassed;
        bypassed = true;
        try {
            return code.get();
        } finally {
            bypassed = before;
        }
    }

    /** Removes the transforms from the model and frees the logits. */
    @Override
    public void close() {
        for (String name : logits.keySet()) {
            lm.removeWeightTransform(name);
        }
        logits.clear();
        manager.close();
    }
}
