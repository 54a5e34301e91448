package org.repro4j.nas;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.core.Linear;
import java.util.Arrays;
import org.repro4j.models.Mlp;

/**
 * An {@link Mlp} used as a supernet: its forward pass can run any {@link SubModel} — the first L hidden layers, the
 * first k_i units of each — on the model's own parameters, without copying them. Sub-model i's weights are the
 * top-left blocks {@code W_i[:k_i, :k_{i−1}]} and {@code b_i[:k_i]} (views: gradients reach exactly those entries),
 * and every depth shares the read-out, which reads the first k_{L−1} of its inputs:
 * <pre>
 *   h_0 = x,   h_i = σ(W_i[:k_i, :k_{i−1}] h_{i−1} + b_i[:k_i])  for i = 1..L,
 *   logits = W_out[:, :k_L] h_L + b_out.
 * </pre>
 * Nested sub-models that share parameters this way are SortedNet's "sorted architecture" (Valipour, Rezagholizadeh,
 * Rajabzadeh, Kavehzadeh, Tahaei, Chen &amp; Ghodsi, 2023, "SortedNet, a Place for Every Network and Every Network in
 * its Place: Towards a Generalized Solution for Training Many-in-One Neural Networks", arXiv 2309.00255) and the
 * children of BigNAS's single-stage model with elastic width and depth (Yu, Jin, Liu, Bender, Kindermans, Tan,
 * Huang, Song, Pang &amp; Le, 2020, "BigNAS: Scaling Up Neural Architecture Search with Big Single-Stage Models",
 * ECCV 2020, arXiv 2003.11142), where a child takes the first channels and the first layers.
 *
 * <p>The full-size sub-model ({@link #largest()}) runs the model's own operations on the whole weights, so its
 * logits, gradients and training equal the model's bit for bit. Weight transforms set on the model (e.g. a pruning
 * mask) are applied before the prefix is taken. Hook points do not fire in a sub-model's forward pass.
 *
 * <pre>{@code
 * ElasticMlp supernet = ElasticMlp.of(new Mlp(784, 3, 512, 10, Nonlinearity.RELU).initialize(manager, seed));
 * NDArray logits = supernet.logits(images, SubModel.of(256, 128));   // [batch, 10]
 * Mlp deployed = supernet.extract(SubModel.of(256, 128), manager);   // a standalone copy, same logits
 * long flops = supernet.flops(SubModel.of(256, 128));                // per example, 2 per multiply-add
 * }</pre>
 */
public final class ElasticMlp {

    private final Mlp supernet;
    private final SubModel largest;

    private ElasticMlp(Mlp supernet) {
        this.supernet = supernet;
        this.largest = SubModel.of(supernet.widths());
    }

    /**
     * @param supernet the model whose parameters every sub-model shares; it stays usable as a plain model
     * @return the supernet view of it
     * @throws IllegalArgumentException if the model has no hidden layer (nothing to take a prefix of)
     */
    public static ElasticMlp of(Mlp supernet) {
        if (supernet.depth() == 0) {
            throw new IllegalArgumentException("a supernet needs at least one hidden layer to take width and depth "
                    + "prefixes of; this Mlp is a linear model");
        }
        return new ElasticMlp(supernet);
    }

    /** @return the model whose parameters the sub-models share */
    public Mlp supernet() {
        return supernet;
    }

    /** @return the full-size sub-model: every hidden layer at its full width; it computes what the model does */
    public SubModel largest() {
        return largest;
    }

    /**
     * Runs a sub-model in the model's parameters; differentiable with respect to them.
     *
     * @param input {@code [batch, inputDim]} or any {@code [batch, ...]} the model flattens; its manager owns the
     *     result and the temporaries
     * @param subModel the sub-model to run
     * @return logits, shape {@code [batch, outputs]}
     * @throws IllegalArgumentException if the sub-model is deeper than the supernet or keeps more units of a layer
     *     than the layer has (the message names the layer and the valid range)
     */
    public NDArray logits(NDArray input, SubModel subModel) {
        requireFits(subModel);
        NDManager scope = input.getManager();
        NDArray h = supernet.flatten(input);                                                // [batch, inputDim]
        int in = supernet.inputDim();
        for (int i = 0; i < subModel.depth(); i++) {
            int k = subModel.width(i);
            String layer = "layers." + i + ".linear.";
            NDArray w = prefix(supernet.effectiveWeight(layer + "weight", scope), k, in);  // [k_i, k_{i−1}]
            NDArray b = prefix(supernet.effectiveWeight(layer + "bias", scope), k);        // [k_i]
            h = supernet.activation().apply(Linear.linear(h, w, b).singletonOrThrow());     // [batch, k_i]
            in = k;
        }
        NDArray w = prefix(supernet.effectiveWeight("readout.weight", scope), supernet.outputs(), in);
        NDArray b = supernet.effectiveWeight("readout.bias", scope);
        return Linear.linear(h, w, b).singletonOrThrow();                                   // [batch, outputs]
    }

    /**
     * Copies a sub-model out of the supernet as a standalone model, e.g. to deploy or fine-tune it on its own.
     *
     * @param subModel the sub-model
     * @param manager owns the new model's parameters
     * @return an {@link Mlp} with the sub-model's widths whose parameters are copies of the supernet's prefixes (as
     *     the forward pass sees them, weight transforms applied); its logits equal {@link #logits} up to float
     *     rounding. Creating it re-seeds the engine's random generator, as every {@link Mlp#initialize} does.
     * @throws IllegalArgumentException if the sub-model does not fit the supernet
     */
    public Mlp extract(SubModel subModel, NDManager manager) {
        requireFits(subModel);
        // the seed is irrelevant: every parameter is overwritten
        Mlp standalone = new Mlp(supernet.inputDim(), subModel.widths(), supernet.outputs(), supernet.activation())
                .initialize(manager, 0);
        try (NDManager scope = manager.newSubManager()) {
            for (String name : standalone.parameterNames()) {
                NDArray target = standalone.parameter(name);
                long[] shape = target.getShape().getShape();
                target.set(prefix(supernet.effectiveWeight(name, scope), shape).toFloatArray());
            }
        }
        return standalone;
    }

    /**
     * @param subModel a sub-model
     * @return its number of parameters: weights and biases of its layers and of the read-out
     * @throws IllegalArgumentException if the sub-model does not fit the supernet
     */
    public long parameters(SubModel subModel) {
        requireFits(subModel);
        long count = 0;
        long in = supernet.inputDim();
        for (int k : subModel.widths()) {
            count += k * in + k;
            in = k;
        }
        return count + supernet.outputs() * in + supernet.outputs();
    }

    /**
     * FLOPs of one example's forward pass, with the convention of {@code org.repro4j.pruning.SparsityReport}: 2 per
     * multiply-add of the weights' products; biases and activations not counted.
     *
     * @param subModel a sub-model
     * @return {@code 2 · (Σ_i k_i·k_{i−1} + outputs·k_L)}, with {@code k_0 = inputDim}
     * @throws IllegalArgumentException if the sub-model does not fit the supernet
     */
    public long flops(SubModel subModel) {
        requireFits(subModel);
        long multiplyAdds = 0;
        long in = supernet.inputDim();
        for (int k : subModel.widths()) {
            multiplyAdds += k * in;
            in = k;
        }
        return 2 * (multiplyAdds + supernet.outputs() * in);
    }

    /**
     * Checks a sub-model against the supernet: its depth is in {@code [1, L]} and each width prefix in
     * {@code [1, width of that layer]}; the shared read-out must take the last kept layer's width as input.
     *
     * @param subModel a sub-model
     * @throws IllegalArgumentException naming the layer and the valid range if it does not fit
     */
    void requireFits(SubModel subModel) {
        int[] widths = supernet.widths();
        if (subModel.depth() > widths.length) {
            throw new IllegalArgumentException("sub-model " + subModel + " keeps " + subModel.depth()
                    + " hidden layers but the supernet has " + widths.length + "; use a depth prefix in [1, "
                    + widths.length + "]");
        }
        for (int i = 0; i < subModel.depth(); i++) {
            if (subModel.width(i) > widths[i]) {
                throw new IllegalArgumentException("sub-model " + subModel + " keeps " + subModel.width(i)
                        + " units of layer " + i + ", which has " + widths[i] + "; use a width prefix in [1, "
                        + widths[i] + "]");
            }
        }
        int last = subModel.width(subModel.depth() - 1);
        if (last > widths[widths.length - 1]) {
            throw new IllegalArgumentException("sub-model " + subModel + " ends with " + last + " units but the shared"
                    + " read-out reads at most " + widths[widths.length - 1] + " (the supernet's last width); keep at"
                    + " most that many units in its last layer");
        }
    }

    /**
     * The leading block of an array, {@code a[:sizes[0], :sizes[1], …]}: a view, or the array itself when the sizes
     * are its own (so the full-size sub-model runs exactly the model's operations).
     */
    private static NDArray prefix(NDArray array, long... sizes) {
        if (Arrays.equals(array.getShape().getShape(), sizes)) {
            return array;
        }
        String[] slices = new String[sizes.length];
        Arrays.fill(slices, ":{}");
        return array.get(new NDIndex(String.join(", ", slices), Arrays.stream(sizes).boxed().toArray()));
    }

    @Override
    public String toString() {
        return "ElasticMlp[" + supernet.inputDim() + "-" + largest + "-" + supernet.outputs() + "]";
    }
}
