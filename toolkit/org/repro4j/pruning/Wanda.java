package org.repro4j.pruning;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.repro4j.models.Maskable;
import org.repro4j.models.WeightLayout;

/**
 * Wanda, pruning by weights and activations (Sun, Liu, Bair &amp; Kolter, 2023, "A Simple and Effective Pruning
 * Approach for Large Language Models", arXiv 2306.11695, §3): weight {@code W_ij} of output {@code i} and
 * input feature {@code j} scores {@code S_ij = |W_ij| · ‖X_j‖₂}, the norm taken over every calibration token (or
 * example) that reaches the layer, and each output unit removes its lowest-scoring inputs (comparison group "per
 * output"). No weight update and no gradient: one forward pass over the calibration set per layer.
 *
 * <p>As in the authors' implementation, layers are pruned in forward order and each layer's inputs are recorded
 * with the earlier layers already pruned. The authors record a whole transformer block's inputs at once, with that
 * block still dense; here each group of weights reading the same hook is recorded anew, so a block's W_O sees its
 * pruned W_Q, W_K, W_V. Activations come from the model's hook points ({@link
 * org.repro4j.models.WeightLayout#inputHook()}).
 *
 * <pre>{@code
 * ParamMask mask = Wanda.prune(lm, calibrationTokens, 0.6);   // [64, seq] token ids
 * try (ParamMask.Applied pruned = mask.applyTo(lm)) { ... }
 * }</pre>
 */
public final class Wanda {

    private Wanda() {}

    /**
     * Wanda with its default comparison group, per output.
     *
     * @param model the model, not changed
     * @param calibration calibration examples along axis 0 (token ids {@code [n, seq]}, images {@code [n, 784]})
     * @param sparsity fraction of each output unit's weights removed, in [0, 1), rounded down
     * @return the mask over every maskable weight
     * @throws IllegalArgumentException if {@code sparsity} is outside [0, 1) or the calibration set is empty
     */
    public static ParamMask prune(Maskable model, NDArray calibration, double sparsity) {
        return prune(model, calibration, sparsity, ComparisonGroup.OUTPUT);
    }

    /**
     * @param model the model, not changed
     * @param calibration calibration examples along axis 0
     * @param sparsity fraction of each group's weights removed, in [0, 1), rounded down
     * @param group {@link ComparisonGroup#OUTPUT} (the paper's) or {@link ComparisonGroup#LAYER}
     * @return the mask over every maskable weight
     * @throws IllegalArgumentException if {@code sparsity} is outside [0, 1), the calibration set is empty, or the
     *     group is {@link ComparisonGroup#GLOBAL} (layers are pruned one after another, each for its own inputs)
     */
    public static ParamMask prune(Maskable model, NDArray calibration, double sparsity, ComparisonGroup group) {
        Ranking.requireSparsity(sparsity);
        if (group == ComparisonGroup.GLOBAL) {
            throw new IllegalArgumentException("Wanda prunes layer after layer, each scored with the inputs it sees "
                    + "once the layers before it are pruned, so it cannot rank all layers at once; use "
                    + "ComparisonGroup.OUTPUT (the paper's) or LAYER");
        }
        return LayerInputs.sequential(model, model.maskableParameterNames(), calibration, false, (name, inputs) -> {
            ParamMask one = ParamMask.ones(model, List.of(name));
            Map<String, float[]> scores = Map.of(name, scores(model, name, inputs));
            return Ranking.removeLowest(model, one, scores, sparsity, group).bits(name);
        });
    }

    /**
     * The Wanda scores of every maskable weight for the unpruned model's inputs.
     *
     * @param model the model, not changed
     * @param calibration calibration examples along axis 0
     * @return name → {@code |W_ij|·‖X_j‖₂}, one per weight in the parameter's row-major order
     * @throws IllegalArgumentException if the calibration set is empty
     */
    public static Map<String, float[]> scores(Maskable model, NDArray calibration) {
        List<String> names = model.maskableParameterNames();
        Map<String, LayerInputs> inputs = LayerInputs.record(model, names, calibration, false);
        Map<String, float[]> out = new LinkedHashMap<>();
        names.forEach(name -> out.put(name, scores(model, name, inputs.get(name))));
        return out;
    }

    static float[] scores(Maskable model, String name, LayerInputs inputs) {
        WeightLayout layout = model.layout(name);
        float[] w = Ranking.effectiveWeights(model, List.of(name)).get(name);
        float[] s = new float[w.length];
        for (int row = 0; row < layout.outputs(); row++) {
            for (int col = 0; col < layout.inputs(); col++) {
                int i = layout.flatIndex(row, col);
                s[i] = (float) (Math.abs(w[i]) * inputs.norm(col));
            }
        }
        return s;
    }
}
