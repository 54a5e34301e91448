package org.repro4j.pruning;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.repro4j.models.Maskable;
import org.repro4j.models.WeightLayout;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * DSnoT, Dynamic Sparse no Training (Zhang, Zhao, Lin, Sun, Yao, Han, Tanner, Liu &amp; Ji, ICLR 2024, "Dynamic
 * Sparse No Training: Training-Free Fine-tuning for Sparse LLMs", arXiv 2310.08915, §3): refines a pruning mask
 * without gradients or weight updates by swapping, in each output row, one pruned weight back in and one kept weight
 * out per cycle, so the row's count of non-zeros never changes.
 *
 * <p>For output row {@code i} with dense weights {@code W_i·}, inputs {@code x} (mean {@code μ_j}, variance
 * {@code σ²_j} over the calibration tokens) and removed set {@code R}, the expected reconstruction error is
 * {@code ε_i = Σ_{j∈R} W_ij μ_j}, the mean of the dense output minus the sparse one. Each cycle, following the
 * paper's criteria as the authors' {@code lib/prune.py} implements them:
 * <ul>
 *   <li><b>grow</b> the removed weight with the largest {@code sign(ε)·W_ij μ_j / σ²_j} (it cancels most of
 *       {@code ε}, favouring inputs that vary little);</li>
 *   <li><b>prune</b> the kept weight with the smallest Wanda score {@code |W_ij|·‖X_j‖₂} among those with
 *       {@code sign(ε)·W_ij μ_j < 0} (removing it also moves {@code ε} towards 0);</li>
 *   <li>stop the row when {@code |ε| ≤} the update threshold, after the maximum number of cycles, or when either
 *       candidate list is exhausted.</li>
 * </ul>
 * One deviation, a guard: a swap is made only if it does not increase the row's exact squared reconstruction error
 * {@code ‖(W_i − Ŵ_i)·X‖²} over the calibration tokens (computed from the inputs' Gram matrix, O(in) per swap);
 * otherwise the row stops. The authors' code has an optional stop when a swap would flip the sign of {@code ε},
 * but it is off by default ({@code --without_same_sign} defaults to true), so their rows run until the threshold
 * or the cycle limit. With the guard the layer's reconstruction error never increases, cycle by cycle
 * ({@link Result#errors()}).
 *
 * <p>Layers are refined in forward order, each with its inputs recorded after the earlier layers' refined masks are
 * applied (the authors prune and refine block after block).
 *
 * <pre>{@code
 * ParamMask wanda = Wanda.prune(lm, calibration, 0.7);
 * DSnoT.Result refined = DSnoT.refine(lm, wanda, calibration, DSnoT.Settings.paper().withUpdateThreshold(0));
 * refined.mask();     // same non-zeros per row as wanda
 * refined.errors();   // parameter, cycle, error
 * }</pre>
 */
public final class DSnoT {

    private DSnoT() {}

    /**
     * @param maxCycles swaps tried per row at most (the paper's 50)
     * @param updateThreshold a row stops once {@code |ε| ≤} this, in the units of the layer's outputs (the paper's
     *     0.1 is for LLaMA's activations; a small model's are smaller, so 0 lets every row work until its lists
     *     or the guard stop it)
     * @param varianceExponent {@code γ} in the growing criterion {@code W_ij μ_j / (σ²_j)^γ} (the paper's 1; 0
     *     ignores the variance)
     */
    public record Settings(int maxCycles, double updateThreshold, double varianceExponent) {
        /** @throws IllegalArgumentException if a value is negative or not a number */
        public Settings {
            if (maxCycles < 0 || !(updateThreshold >= 0) || !(varianceExponent >= 0)) {
                throw new IllegalArgumentException("DSnoT needs maxCycles ≥ 0, updateThreshold ≥ 0 and "
                        + "varianceExponent ≥ 0; got " + maxCycles + ", " + updateThreshold + ", " + varianceExponent);
            }
        }

        /** @return the authors' settings: 50 cycles, threshold 0.1, variance exponent 1 */
        public static Settings paper() {
            return new Settings(50, 0.1, 1);
        }

        /** @param threshold the new update threshold @return a copy with it */
        public Settings withUpdateThreshold(double threshold) {
            return new Settings(maxCycles, threshold, varianceExponent);
        }

        /** @param cycles the new maximum number of cycles @return a copy with it */
        public Settings withMaxCycles(int cycles) {
            return new Settings(cycles, updateThreshold, varianceExponent);
        }
    }

    /**
     * @param mask the refined mask, over the same parameters as the initial one and with the same count of kept
     *     weights in every output row
     * @param errors the layer reconstruction error {@code ‖(W − Ŵ)·X‖²_F / N} (squared output error summed over the
     *     layer's outputs, averaged over the {@code N} calibration tokens) of each parameter after each cycle:
     *     columns {@code parameter}, {@code cycle} (0 = the initial mask), {@code error}; non-increasing in
     *     {@code cycle} for every parameter
     * @param swaps number of grow–prune swaps made per parameter
     */
    public record Result(ParamMask mask, Table errors, Map<String, Integer> swaps) {}

    /**
     * Refines a mask, e.g. Wanda's or magnitude pruning's, of a model that still holds its dense weights.
     *
     * @param model the model with its dense weights; not changed
     * @param initial the mask to refine; its parameters must be maskable
     * @param calibration calibration examples along axis 0 (token ids {@code [n, seq]}, images {@code [n, 784]})
     * @param settings cycles, threshold and variance exponent
     * @return the refined mask and the reconstruction errors over the cycles
     * @throws IllegalArgumentException if the mask does not fit the model, the calibration set is empty, or the
     *     model's weights are already zero wherever the mask removes them (refine before {@link ParamMask#prune},
     *     which zeroes the weights DSnoT would grow back), naming the parameter
     */
    public static Result refine(Maskable model, ParamMask initial, NDArray calibration, Settings settings) {
        return refine(model, initial, calibration, settings, name -> true);
    }

    /**
     * As {@link #refine(Maskable, ParamMask, NDArray, Settings)}, refining only some of the mask's parameters; the
     * others keep the initial mask but still shape the inputs of the weights after them. The authors' code, run as
     * their README says, refines only the attention projections of each LLaMA block and leaves the MLP matrices at
     * the initial method's mask ({@code --skip_layer} defaults to {@code mlp} in {@code main.py}).
     *
     * @param refined which of the mask's parameters to refine; only they appear in {@link Result#errors()} and
     *     {@link Result#swaps()}
     * @return the mask, refined where {@code refined} says and the initial one elsewhere, and the record of the
     *     refined parameters
     * @throws IllegalArgumentException as {@link #refine(Maskable, ParamMask, NDArray, Settings)}, checking only
     *     the refined parameters' weights
     */
    public static Result refine(Maskable model, ParamMask initial, NDArray calibration, Settings settings,
            Predicate<String> refined) {
        initial.requireFits(model);
        Map<String, double[]> errors = new LinkedHashMap<>();
        Map<String, Integer> swaps = new LinkedHashMap<>();
        ParamMask mask = LayerInputs.sequential(model, initial.names(), calibration, true, (name, inputs) -> {
            if (!refined.test(name)) {
                return initial.bits(name);
            }
            Layer layer = new Layer(model, name, initial.bits(name), inputs, settings);
            errors.put(name, layer.errorByCycle);
            swaps.put(name, layer.swaps);
            return layer.kept;
        });
        return new Result(mask, table(errors), swaps);
    }

    /** One weight refined row by row. */
    private static final class Layer {
        final BitSet kept;
        final double[] errorByCycle;
        int swaps;
        private final WeightLayout layout;
        private final float[] w;
        private final LayerInputs x;
        private final Settings settings;
        private final double[] wanda;
        private final double[] growRatio;

        Layer(Maskable model, String name, BitSet kept, LayerInputs inputs, Settings settings) {
            this.kept = kept;
            this.layout = model.layout(name);
            this.w = Ranking.effectiveWeights(model, List.of(name)).get(name);
            this.x = inputs;
            this.settings = settings;
            this.errorByCycle = new double[settings.maxCycles() + 1];
            requireDenseWeights(name);
            int in = layout.inputs();
            wanda = new double[in];
            growRatio = new double[in];
            for (int j = 0; j < in; j++) {
                wanda[j] = x.norm(j);
                growRatio[j] = Math.pow(x.variance(j), settings.varianceExponent());
            }
            for (int row = 0; row < layout.outputs(); row++) {
                refineRow(row);
            }
            for (int c = 0; c < errorByCycle.length; c++) {
                errorByCycle[c] /= x.rows;
            }
        }

        private void requireDenseWeights(String name) {
            boolean anyRemoved = false;
            for (int i = 0; i < w.length; i++) {
                if (!kept.get(i)) {
                    anyRemoved = true;
                    if (w[i] != 0) {
                        return;
                    }
                }
            }
            if (anyRemoved) {
                throw new IllegalArgumentException("every weight the mask removes from " + name + " is already 0 in the "
                        + "model, so DSnoT cannot grow any back; refine the mask on the dense model, before "
                        + "ParamMask.prune zeroes the weights");
            }
        }

        private void refineRow(int row) {
            int in = layout.inputs();
            double[] wr = new double[in];
            double[] expected = new double[in];                   // W_ij μ_j
            boolean[] removed = new boolean[in];
            double epsilon = 0;
            for (int j = 0; j < in; j++) {
                int flat = layout.flatIndex(row, j);
                wr[j] = w[flat];
                expected[j] = wr[j] * x.mean(j);
                removed[j] = !kept.get(flat);
                if (removed[j]) {
                    epsilon += expected[j];
                }
            }
            double[] g = new double[in];                          // G·δ, δ_j = W_ij on removed inputs
            for (int k = 0; k < in; k++) {
                if (removed[k] && wr[k] != 0) {
                    for (int j = 0; j < in; j++) {
                        g[j] += x.gram[j * in + k] * wr[k];
                    }
                }
            }
            double error = 0;
            for (int j = 0; j < in; j++) {
                if (removed[j]) {
                    error += wr[j] * g[j];
                }
            }
            Candidates growUp = grow(removed, expected, 1);
            Candidates growDown = grow(removed, expected, -1);
            Candidates pruneUp = prune(removed, expected, wr, -1);
            Candidates pruneDown = prune(removed, expected, wr, 1);
            errorByCycle[0] += error;
            int cycle = 1;
            for (; cycle <= settings.maxCycles(); cycle++) {
                if (Math.abs(epsilon) <= settings.updateThreshold()) {
                    break;
                }
                boolean positive = epsilon > 0;
                int r = (positive ? growUp : growDown).peek();
                int p = (positive ? pruneUp : pruneDown).peek();
                if (r < 0 || p < 0) {
                    break;
                }
                double change = -2 * wr[r] * g[r] + wr[r] * wr[r] * x.gram[r * in + r]
                        + 2 * wr[p] * g[p] + wr[p] * wr[p] * x.gram[p * in + p]
                        - 2 * wr[r] * wr[p] * x.gram[r * in + p];
                if (change > 0) {
                    break;
                }
                (positive ? growUp : growDown).next++;
                (positive ? pruneUp : pruneDown).next++;
                kept.set(layout.flatIndex(row, r));
                kept.clear(layout.flatIndex(row, p));
                epsilon += expected[p] - expected[r];
                for (int j = 0; j < in; j++) {
                    g[j] += x.gram[j * in + p] * wr[p] - x.gram[j * in + r] * wr[r];
                }
                error = Math.max(0, error + change);
                errorByCycle[cycle] += error;
                swaps++;
            }
            for (; cycle <= settings.maxCycles(); cycle++) {
                errorByCycle[cycle] += error;
            }
        }

        /** Removed inputs whose regrowth moves ε towards 0 when ε has sign {@code sign}, best first. */
        private Candidates grow(boolean[] removed, double[] expected, int sign) {
            List<Integer> list = new ArrayList<>();
            for (int j = 0; j < removed.length; j++) {
                if (removed[j] && sign * expected[j] > 0) {
                    list.add(j);
                }
            }
            // σ² = 0 gives an infinite ratio: an input that never varies is the safest to grow
            list.sort(Comparator.comparingDouble((Integer j) -> -sign * expected[j] / growRatio[j])
                    .thenComparingInt(j -> j));
            return new Candidates(list);
        }

        /** Kept inputs whose removal moves ε towards 0 when ε has sign {@code -sign}, lowest Wanda score first. */
        private Candidates prune(boolean[] removed, double[] expected, double[] wr, int sign) {
            List<Integer> list = new ArrayList<>();
            for (int j = 0; j < removed.length; j++) {
                if (!removed[j] && sign * expected[j] > 0) {
                    list.add(j);
                }
            }
            list.sort(Comparator.comparingDouble((Integer j) -> Math.abs(wr[j]) * wanda[j]).thenComparingInt(j -> j));
            return new Candidates(list);
        }
    }

    /** A ranked list of inputs consumed from the front; each input is grown or pruned at most once per row. */
    private static final class Candidates {
        private final List<Integer> order;
        int next;

        Candidates(List<Integer> order) {
            this.order = order;
        }

        /** @return the next input, or −1 when the list is exhausted */
        int peek() {
            return next < order.size() ? order.get(next) : -1;
        }
    }

    private static Table table(Map<String, double[]> errors) {
        StringColumn parameter = StringColumn.create("parameter");
        IntColumn cycle = IntColumn.create("cycle");
        DoubleColumn error = DoubleColumn.create("error");
        errors.forEach((name, byCycle) -> {
            for (int c = 0; c < byCycle.length; c++) {
                parameter.append(name);
                cycle.append(c);
                error.append(byCycle[c]);
            }
        });
        return Table.create("DSnoT reconstruction error", parameter, cycle, error);
    }
}
