package org.repro4j.nas;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.repro4j.data.LmBatch;
import org.repro4j.hooks.Hooks;
import org.repro4j.loss.CrossEntropy;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;
import org.repro4j.train.Batch;
import org.repro4j.train.Fit;
import org.repro4j.train.TrainingStep;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/**
 * The depth sub-models of a {@link TinyTransformerLM}: for an exit layer l, the first l blocks followed by the
 * model's own final LayerNorm and unembedding ({@link TinyTransformerLM#logitLens}). For a normally trained model
 * these are the logit-lens predictions of its intermediate layers (nostalgebraist, 2020, "interpreting GPT: the
 * logit lens"); trained with {@link #loss} at every exit they are the sub-models of Sorted Fine-Tuning, which makes
 * the intermediate layers usable generators through the one shared head (Kavehzadeh, Valipour, Tahaei, Ghodsi, Chen
 * &amp; Rezagholizadeh, 2023, "Sorted LLaMA: Unlocking the Potential of Intermediate Layers of Large Language Models
 * for Dynamic Inference Using Sorted Fine-Tuning (SoFT)", arXiv 2309.08968; SortedNet's depth dimension).
 *
 * <p>Every exit is read from one forward pass of the whole model: the residual stream after block l−1 is recorded
 * at its hook point {@code blocks.(l−1).hook_resid_post}, and the exit at the last layer is the model's own output.
 * To run one depth sub-model alone, as fast as its depth allows, either extract it ({@link #extract}) or give the
 * model the layer plan {@code LayerPlan.earlyExit(n_layers, l)}, which computes the same logits.
 *
 * <pre>{@code
 * LayerExits exits = LayerExits.of(lm, 2, 4, 6, 8);
 * exits.perplexity(new LmBatches(evalIds, 32, 32).sequential());   // exit_layer, nll_nats, perplexity
 * Fit.of(lm).data(batches).step(exits).steps(1500).run();           // sorted fine-tuning: every exit's loss
 * TinyTransformerLM half = LayerExits.extract(lm, 4);               // the 4-layer sub-model on its own
 * }</pre>
 */
public final class LayerExits implements TrainingStep {

    private final TinyTransformerLM lm;
    private final int[] exits;
    private final Map<String, Integer> exitAtHook = new HashMap<>();
    private final CrossEntropy crossEntropy = new CrossEntropy();

    private LayerExits(TinyTransformerLM lm, int[] exits) {
        this.lm = lm;
        this.exits = exits;
        for (int l : exits) {
            if (l < lm.config().nLayers()) {
                exitAtHook.put("blocks." + (l - 1) + ".hook_resid_post", l);
            }
        }
    }

    /**
     * @param lm the model
     * @param exits exit layers, each in {@code [1, n_layers]} (exit l reads the output of block l−1), no repeats
     * @return the exits, ascending
     * @throws IllegalArgumentException if no exit is given, one is out of range or one repeats
     */
    public static LayerExits of(TinyTransformerLM lm, int... exits) {
        if (exits.length == 0) {
            throw new IllegalArgumentException("give at least one exit layer in [1, " + lm.config().nLayers() + "]");
        }
        int[] sorted = exits.clone();
        Arrays.sort(sorted);
        for (int k = 0; k < sorted.length; k++) {
            requireDepth(lm, sorted[k], "exit layer");
            if (k > 0 && sorted[k] == sorted[k - 1]) {
                throw new IllegalArgumentException("exit layer " + sorted[k] + " is listed twice in "
                        + Arrays.toString(exits));
            }
        }
        return new LayerExits(lm, sorted);
    }

    /**
     * @param lm the model
     * @return an exit after every block, {@code 1..n_layers}
     */
    public static LayerExits everyLayer(TinyTransformerLM lm) {
        int[] all = new int[lm.config().nLayers()];
        Arrays.setAll(all, k -> k + 1);
        return new LayerExits(lm, all);
    }

    /** @return the exit layers, ascending (a copy) */
    public int[] exits() {
        return exits.clone();
    }

    /**
     * @param tokens token ids {@code [batch, seq]}; their manager owns the results
     * @return exit layer → next-token logits {@code [batch, seq, vocab]}, ascending exits; differentiable
     * @throws IllegalArgumentException if the tokens are invalid for the model
     * @throws IllegalStateException if the model has a layer plan, or the block before an exit did not run
     */
    public Map<Integer, NDArray> logits(NDArray tokens) {
        if (lm.layerPlan() != null) {
            throw new IllegalStateException("exits read the forward pass through every block, but the model runs "
                    + lm.layerPlan() + "; call lm.clearLayerPlan() first (LayerPlan.earlyExit(n, l) alone computes"
                    + " exit l's logits)");
        }
        Map<Integer, NDArray> resid = new HashMap<>();
        NDArray last;
        try (Hooks hooks = Hooks.open().read((hook, x) -> {
            Integer exit = exitAtHook.get(hook);
            if (exit != null) {
                resid.put(exit, x);                                                         // [b, s, d]
            }
        })) {
            last = lm.logits(tokens);                                                       // [b, s, V]
        }
        Map<Integer, NDArray> out = new LinkedHashMap<>();
        for (int l : exits) {
            if (l == lm.config().nLayers()) {
                out.put(l, last);
            } else if (resid.containsKey(l)) {
                out.put(l, lm.logitLens(resid.get(l)));
            } else {
                throw new IllegalStateException("block " + (l - 1) + " did not run, so exit layer " + l + " has "
                        + "no residual stream to read; run the model with every block");
            }
        }
        return out;
    }

    /**
     * The sorted fine-tuning objective: the mean over the exits of each exit's next-token cross-entropy, all from
     * one forward pass (every sub-model is trained in every step, through the shared head).
     *
     * @param inputs token ids {@code [batch, seq]}
     * @param targets the token after each input position {@code [batch, seq]}
     * @return scalar loss in nats; differentiable
     */
    public NDArray loss(NDArray inputs, NDArray targets) {
        NDArray sum = null;
        for (NDArray logits : logits(inputs).values()) {
            NDArray exitLoss = crossEntropy.apply(logits, targets);
            sum = sum == null ? exitLoss : sum.add(exitLoss);
        }
        return sum.div(exits.length);
    }

    /** The sorted fine-tuning step for {@link Fit#step}: {@link #loss} on the batch, back-propagated once. */
    @Override
    public double run(Batch batch, Backward backward) {
        NDArray objective = loss(batch.inputs(), batch.targets());
        backward.backward(objective);
        return objective.toFloatArray()[0];
    }

    /**
     * Next-token perplexity at every exit.
     *
     * @param batches evaluation batches, e.g. {@code new LmBatches(evalIds, 32, 32).sequential()}
     * @return one row per exit, ascending: {@code exit_layer}, the depth sub-model's {@code parameters} and
     *     {@code flops_per_token} ({@link #flops}), {@code nll_nats} (mean cross-entropy over all targets) and
     *     {@code perplexity} = exp(nll)
     * @throws IllegalArgumentException if there is no batch
     */
    public Table perplexity(List<LmBatch> batches) {
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("perplexity needs at least one evaluation batch");
        }
        double[] nllSum = new double[exits.length];
        long targets = 0;
        for (LmBatch batch : batches) {
            try (NDManager scope = lm.manager().newSubManager()) {
                NDList arrays = batch.toNDList(scope);
                int k = 0;
                for (NDArray logits : logits(arrays.get(0)).values()) {
                    nllSum[k++] += crossEntropy.apply(logits, arrays.get(1)).getFloat() * batch.inputs().length;
                }
                targets += batch.inputs().length;
            }
        }
        IntColumn exit = IntColumn.create("exit_layer");
        LongColumn parameters = LongColumn.create("parameters");
        LongColumn flops = LongColumn.create("flops_per_token");
        DoubleColumn nll = DoubleColumn.create("nll_nats");
        DoubleColumn perplexity = DoubleColumn.create("perplexity");
        for (int k = 0; k < exits.length; k++) {
            exit.append(exits[k]);
            parameters.append(parameters(lm, exits[k]));
            flops.append(flops(lm, exits[k]));
            nll.append(nllSum[k] / targets);
            perplexity.append(Math.exp(nllSum[k] / targets));
        }
        return Table.create("perplexity per exit layer", exit, parameters, flops, nll, perplexity);
    }

    /**
     * Copies the depth sub-model out of a model: a standalone model with the first {@code depth} blocks and the
     * shared embeddings, final LayerNorm and unembedding, whose logits equal exit {@code depth}'s up to float
     * rounding and which runs only {@code depth} blocks.
     *
     * @param lm the model
     * @param depth blocks to keep, in {@code [1, n_layers]}
     * @return the sub-model, with its own {@link NDManager}; close it when done. Parameters are copied as the
     *     forward pass sees them (weight transforms applied).
     * @throws IllegalArgumentException if {@code depth} is out of range
     */
    public static TinyTransformerLM extract(TinyTransformerLM lm, int depth) {
        requireDepth(lm, depth, "depth");
        TransformerConfig config = lm.config().toBuilder().nLayers(depth).build();
        TinyTransformerLM shallow = TinyTransformerLM.create(config, 0); // the seed is irrelevant: all is copied
        try (NDManager scope = lm.manager().newSubManager()) {
            for (String name : shallow.parameterNames()) {
                shallow.parameter(name).set(lm.effectiveWeight(name, scope).toFloatArray());
            }
        }
        return shallow;
    }

    /**
     * @param lm the model
     * @param depth blocks kept, in {@code [1, n_layers]}
     * @return parameters of the depth sub-model: embeddings, its blocks, final LayerNorm and unembedding
     * @throws IllegalArgumentException if {@code depth} is out of range
     */
    public static long parameters(TinyTransformerLM lm, int depth) {
        requireDepth(lm, depth, "depth");
        return lm.parameterNames().stream().filter(name -> blockOf(name) < depth)
                .mapToLong(name -> lm.parameter(name).size()).sum();
    }

    /**
     * FLOPs per token of the depth sub-model's weight products, 2 per multiply-add as in
     * {@code org.repro4j.pruning.SparsityReport}: its blocks' {@code W_Q, W_K, W_V, W_O, W_in, W_out} and the
     * unembedding; attention's score and value products (which grow with the context), norms, biases and
     * activations are not counted.
     *
     * @param lm the model
     * @param depth blocks kept, in {@code [1, n_layers]}
     * @return {@code 2 · (Σ_{l < depth} block weights + d_model · vocab)}
     * @throws IllegalArgumentException if {@code depth} is out of range
     */
    public static long flops(TinyTransformerLM lm, int depth) {
        requireDepth(lm, depth, "depth");
        long blockWeights = lm.maskableParameterNames().stream().filter(name -> blockOf(name) < depth)
                .mapToLong(name -> lm.parameter(name).size()).sum();
        return 2 * (blockWeights + (long) lm.config().dModel() * lm.config().vocabSize());
    }

    /** @return the block index of a parameter named {@code blocks.l.…}, or −1 for the embeddings and the head */
    private static int blockOf(String parameter) {
        return parameter.startsWith("blocks.")
                ? Integer.parseInt(parameter.substring(7, parameter.indexOf('.', 7))) : -1;
    }

    private static void requireDepth(TinyTransformerLM lm, int depth, String what) {
        int layers = lm.config().nLayers();
        if (depth < 1 || depth > layers) {
            throw new IllegalArgumentException(what + " " + depth + " is outside [1, " + layers + "]: a depth "
                    + "sub-model keeps the first 1 to " + layers + " blocks of this model");
        }
    }

    @Override
    public String toString() {
        return "LayerExits" + Arrays.toString(exits) + " of " + lm.config().nLayers() + " layers";
    }
}
