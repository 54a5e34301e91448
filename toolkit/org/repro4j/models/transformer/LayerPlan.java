package org.repro4j.models.transformer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;

/**
 * Which transformer blocks a {@link TinyTransformerLM} runs, per batch or per sequence position: the common form of
 * layer skipping, early exit and SkipDecode. A skipped block passes the residual stream through unchanged; whatever
 * layer a token stops at, the shared final LayerNorm and unembedding turn its residual stream into logits.
 *
 * <ul>
 *   <li><b>Per batch</b> ({@link #layers}, {@link #skipping}, {@link #earlyExit}): every position runs the same
 *       blocks, so batching and the KV cache work unchanged — the property Unified Layer Skipping relies on (Liu,
 *       Meng &amp; Zhou, 2024, "Accelerating Inference in Large Language Models with a Unified Layer Skipping
 *       Strategy", arXiv 2404.06954). Early exit after block {@code k} is the plan of blocks {@code 0..k−1}.</li>
 *   <li><b>Per position</b> ({@link #topLayersPerPosition}, {@link #linearBudget}): position {@code t} runs only the
 *       top {@code b_t} blocks {@code L−b_t..L−1}, with a budget that never increases along the sequence — SkipDecode
 *       (Del Corro, Del Giorno, Agarwal, Yu, Awadallah &amp; Mukherjee, 2023, "SkipDecode: Autoregressive Skip
 *       Decoding with Batching and Caching for Efficient LLM Inference", arXiv 2307.02628). Because
 *       {@code b_j ≥ b_t} for {@code j < t}, every earlier token ran every block a later token runs, so its keys and
 *       values are in the KV cache when the later token reads them; and the positions that run block {@code l}
 *       form a prefix of the sequence, which is how the forward pass computes them.</li>
 * </ul>
 *
 * <pre>{@code
 * lm.setLayerPlan(LayerPlan.skipping(8, 2, 3, 5, 6));         // skip four middle layers of eight
 * lm.setLayerPlan(LayerPlan.earlyExit(8, 4));                 // bottom four layers, then the shared head
 * lm.setLayerPlan(LayerPlan.linearBudget(8, 8, 2, 64));       // SkipDecode: 8 layers at t = 0 down to 2 at t = 63
 * }</pre>
 *
 * Plans are immutable. Factories throw {@link IllegalArgumentException} naming what is wrong: a layer out of range,
 * a plan that runs no layer at all, a budget below 1 or above the depth, or a budget that increases.
 */
public final class LayerPlan {

    private final int nLayers;
    /** Per batch: whether each layer runs; null for a per-position plan. */
    private final boolean[] runs;
    /** Per position: layers run at position t (the last value holds for every later position); null per batch. */
    private final int[] budget;

    private LayerPlan(int nLayers, boolean[] runs, int[] budget) {
        this.nLayers = nLayers;
        this.runs = runs;
        this.budget = budget;
    }

    /**
     * @param nLayers the model's depth
     * @return the plan that runs every layer: the model's plain forward pass
     */
    public static LayerPlan all(int nLayers) {
        requireDepth(nLayers);
        boolean[] runs = new boolean[nLayers];
        Arrays.fill(runs, true);
        return new LayerPlan(nLayers, runs, null);
    }

    /**
     * @param nLayers the model's depth
     * @param kept the layers to run (0-based, any order, no repeats)
     * @return a per-batch plan running exactly {@code kept}, in ascending order
     * @throws IllegalArgumentException if a layer is out of range or repeated, or {@code kept} is empty
     */
    public static LayerPlan layers(int nLayers, int... kept) {
        requireDepth(nLayers);
        boolean[] runs = new boolean[nLayers];
        for (int layer : kept) {
            requireLayer(nLayers, layer);
            if (runs[layer]) {
                throw new IllegalArgumentException("layer " + layer + " is listed twice in " + Arrays.toString(kept));
            }
            runs[layer] = true;
        }
        return new LayerPlan(nLayers, requireSomeLayer(runs, "runs none of the " + nLayers + " layers"), null);
    }

    /**
     * @param nLayers the model's depth
     * @param skipped the layers to skip (0-based, any order, no repeats)
     * @return a per-batch plan running every layer but {@code skipped}
     * @throws IllegalArgumentException if a layer is out of range or repeated, or every layer is skipped
     */
    public static LayerPlan skipping(int nLayers, int... skipped) {
        requireDepth(nLayers);
        boolean[] runs = new boolean[nLayers];
        Arrays.fill(runs, true);
        for (int layer : skipped) {
            requireLayer(nLayers, layer);
            if (!runs[layer]) {
                throw new IllegalArgumentException("layer " + layer + " is listed twice in "
                        + Arrays.toString(skipped));
            }
            runs[layer] = false;
        }
        return new LayerPlan(nLayers, requireSomeLayer(runs, "skips all " + nLayers + " layers"), null);
    }

    /**
     * Early exit after a fixed number of blocks: the bottom {@code exitAfter} blocks, then the shared final LayerNorm
     * and unembedding.
     *
     * @param nLayers the model's depth
     * @param exitAfter blocks to run, {@code 1 ≤ exitAfter ≤ nLayers}
     * @return the per-batch plan of blocks {@code 0..exitAfter−1}
     * @throws IllegalArgumentException if {@code exitAfter} is out of range
     */
    public static LayerPlan earlyExit(int nLayers, int exitAfter) {
        requireDepth(nLayers);
        requireBudget(nLayers, exitAfter, "early exit after " + exitAfter + " layers");
        boolean[] runs = new boolean[nLayers];
        Arrays.fill(runs, 0, exitAfter, true);
        return new LayerPlan(nLayers, runs, null);
    }

    /**
     * SkipDecode's per-position budget: position {@code t} runs the top {@code budget[t]} layers; positions past the
     * end of the array keep the last budget.
     *
     * @param nLayers the model's depth
     * @param budget layers per position, each in {@code [1, nLayers]}, never increasing along the sequence
     * @return the per-position plan
     * @throws IllegalArgumentException if the array is empty, a budget is out of range, or a budget is larger than
     *     the one before it (a later token would read keys and values that an earlier token never computed)
     */
    public static LayerPlan topLayersPerPosition(int nLayers, int... budget) {
        requireDepth(nLayers);
        if (budget.length == 0) {
            throw new IllegalArgumentException("a per-position plan needs a budget for position 0 at least");
        }
        for (int t = 0; t < budget.length; t++) {
            requireBudget(nLayers, budget[t], "position " + t + "'s budget");
            if (t > 0 && budget[t] > budget[t - 1]) {
                throw new IllegalArgumentException("the layer budget must not increase along the sequence, but"
                        + " position " + t + " has " + budget[t] + " layers after position " + (t - 1) + "'s "
                        + budget[t - 1] + ": the later token would run layer " + (nLayers - budget[t])
                        + " and read keys and values the earlier token never computed there. Use a"
                        + " non-increasing budget (SkipDecode's monotone schedule)");
            }
        }
        return new LayerPlan(nLayers, null, budget.clone());
    }

    /**
     * SkipDecode's linear schedule: the budget falls linearly from {@code first} layers at position 0 to
     * {@code last} layers at position {@code positions − 1} (rounded to the nearest layer), and stays at
     * {@code last} after that.
     *
     * @param nLayers the model's depth
     * @param first budget at position 0, {@code last ≤ first ≤ nLayers}
     * @param last budget from position {@code positions − 1} on, ≥ 1
     * @param positions length of the decline, ≥ 1 (e.g. the context length)
     * @return the per-position plan
     * @throws IllegalArgumentException if the budgets are out of range or {@code first < last}
     */
    public static LayerPlan linearBudget(int nLayers, int first, int last, int positions) {
        if (positions < 1) {
            throw new IllegalArgumentException("the budget needs to decline over at least 1 position, got "
                    + positions);
        }
        int[] budget = new int[positions];
        for (int t = 0; t < positions; t++) {
            double fraction = positions == 1 ? 1 : (double) t / (positions - 1);
            budget[t] = (int) Math.round(first + fraction * (last - first));
        }
        return topLayersPerPosition(nLayers, budget);
    }

    /** @return the depth of the model this plan is for */
    public int nLayers() {
        return nLayers;
    }

    /** @return whether the layers run depend on the position (SkipDecode) rather than being one set per batch */
    public boolean perPosition() {
        return budget != null;
    }

    /**
     * @param layer block index
     * @param position sequence position, ≥ 0
     * @return whether the token at {@code position} runs block {@code layer}
     */
    public boolean runs(int layer, int position) {
        requireLayer(nLayers, layer);
        return budget == null ? runs[layer] : layer >= nLayers - budgetAt(position);
    }

    /**
     * @param position sequence position, ≥ 0
     * @return the number of blocks the token at {@code position} runs
     */
    public int layersAt(int position) {
        if (budget != null) {
            return budgetAt(position);
        }
        int count = 0;
        for (boolean r : runs) {
            count += r ? 1 : 0;
        }
        return count;
    }

    /**
     * @param seq sequence length, ≥ 1
     * @return the mean number of blocks per token over positions {@code 0..seq−1}: the compute per token relative
     *     to the full model is {@code meanLayers(seq) / nLayers()} (blocks only; embedding and head not counted)
     */
    public double meanLayers(int seq) {
        if (seq < 1) {
            throw new IllegalArgumentException("sequence length must be ≥ 1, got " + seq);
        }
        double total = 0;
        for (int t = 0; t < seq; t++) {
            total += layersAt(t);
        }
        return total / seq;
    }

    /**
     * @return for a per-batch plan the blocks it runs, ascending
     * @throws IllegalStateException for a per-position plan, whose blocks depend on the position
     */
    public List<Integer> layers() {
        if (budget != null) {
            throw new IllegalStateException("a per-position plan runs different layers at different positions;"
                    + " ask runs(layer, position) or layersAt(position)");
        }
        List<Integer> kept = new ArrayList<>();
        for (int l = 0; l < nLayers; l++) {
            if (runs[l]) {
                kept.add(l);
            }
        }
        return kept;
    }

    /**
     * How many of the positions {@code from..from+count−1} run block {@code layer}. They are always the first ones:
     * per batch all or none, per position a prefix because the budget never increases.
     */
    int positionsRunning(int layer, int from, int count) {
        if (budget == null) {
            return runs[layer] ? count : 0;
        }
        int running = 0;
        while (running < count && runs(layer, from + running)) {
            running++;
        }
        return running;
    }

    private int budgetAt(int position) {
        if (position < 0) {
            throw new IllegalArgumentException("position must be ≥ 0, got " + position);
        }
        return budget[Math.min(position, budget.length - 1)];
    }

    private static void requireDepth(int nLayers) {
        if (nLayers < 1) {
            throw new IllegalArgumentException("a layer plan needs a model with at least one layer, got " + nLayers);
        }
    }

    private static void requireLayer(int nLayers, int layer) {
        if (layer < 0 || layer >= nLayers) {
            throw new IllegalArgumentException("layer " + layer + " does not exist; the model has layers 0.."
                    + (nLayers - 1));
        }
    }

    private static void requireBudget(int nLayers, int layers, String what) {
        if (layers < 1 || layers > nLayers) {
            throw new IllegalArgumentException(what + " is " + layers + " but must be in [1, " + nLayers
                    + "]: every token runs at least one layer and at most all of them");
        }
    }

    private static boolean[] requireSomeLayer(boolean[] runs, String problem) {
        for (boolean r : runs) {
            if (r) {
                return runs;
            }
        }
        throw new IllegalArgumentException("this layer plan " + problem + "; keep at least one layer (early exit"
                + " after the first layer is LayerPlan.earlyExit(nLayers, 1))");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerPlan p && p.nLayers == nLayers && Arrays.equals(p.runs, runs)
                && Arrays.equals(p.budget, budget);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * nLayers + Arrays.hashCode(runs)) + Arrays.hashCode(budget);
    }

    /** @return e.g. {@code LayerPlan[layers 0, 1, 4, 7 of 8]} or {@code LayerPlan[top 8, 8, 7, … 2 of 8 per position]} */
    @Override
    public String toString() {
        if (budget == null) {
            StringJoiner kept = new StringJoiner(", ");
            layers().forEach(l -> kept.add(String.valueOf(l)));
            return "LayerPlan[layers " + kept + " of " + nLayers + "]";
        }
        StringJoiner shown = new StringJoiner(", ");
        for (int t = 0; t < Math.min(budget.length, 8); t++) {
            shown.add(String.valueOf(budget[t]));
        }
        String more = budget.length > 8 ? ", … " + budget[budget.length - 1] : "";
        return "LayerPlan[top " + shown + more + " of " + nLayers + " per position]";
    }
}
