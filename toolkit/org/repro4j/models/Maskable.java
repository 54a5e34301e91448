package org.repro4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.UnaryOperator;

/**
 * A model whose parameters have stable names and can be read through a weight transform in the forward pass: what
 * masks ({@code org.repro4j.pruning.ParamMask}), pruning criteria and weight averaging need of a model.
 * {@link Mlp}, {@link SmallCnn} and {@code TinyTransformerLM} implement it.
 *
 * <p>Names: TinyTransformerLM uses TransformerLens's ({@code blocks.0.attn.W_Q}); the DJL-built models use
 * {@code <block>.<DJL parameter>}, e.g. {@code layers.0.linear.weight} {@code [out, in]}, as PyTorch's
 * {@code state_dict} names a parameter by its module path (and shares its {@code [out, in]} order). Each model's
 * class comment lists them.
 *
 * <p>With no transform set the forward pass is exactly the model's own; a transform runs inside every forward pass,
 * so gradients reach the raw parameter through it (a mask {@code W ⊙ M} gives pruned weights a zero gradient).
 */
public interface Maskable {

    /** @return every parameter name (weights, biases, norms' gains and running statistics), in a fixed order */
    List<String> parameterNames();

    /**
     * @return the weights that multiply activations and that masks cover by default, in forward order (a weight's
     *     inputs depend only on the weights listed before it); biases, norms and embeddings are not listed
     */
    List<String> maskableParameterNames();

    /**
     * @param name a parameter name
     * @return the live parameter array, raw (before any transform); changing it in place changes the model
     * @throws NoSuchElementException listing the valid names if there is no such parameter
     */
    NDArray parameter(String name);

    /**
     * @param name a maskable parameter name
     * @return the weight as an {@code [out, in]} map and where its inputs are recorded
     * @throws NoSuchElementException if {@code name} is not maskable
     */
    WeightLayout layout(String name);

    /**
     * Makes the forward pass read parameter {@code name} as {@code transform(W)} instead of {@code W}. Start the
     * transform's computation from its argument so its temporaries belong to the pass's manager.
     *
     * @param name parameter name
     * @param transform maps the raw weight to the effective one, same shape; replaces an earlier one
     * @throws NoSuchElementException if there is no such parameter
     */
    void setWeightTransform(String name, UnaryOperator<NDArray> transform);

    /**
     * @param name parameter name
     * @return the removed transform, or null if the parameter was read raw
     */
    UnaryOperator<NDArray> removeWeightTransform(String name);

    /** @return the parameters read through a transform, and their transforms (unmodifiable) */
    Map<String, UnaryOperator<NDArray>> weightTransforms();

    /**
     * @param name parameter name
     * @param scope manager that owns the returned array and the transform's temporaries
     * @return the parameter as the forward pass sees it, same shape as {@link #parameter}
     * @throws NoSuchElementException if there is no such parameter
     */
    NDArray effectiveWeight(String name, NDManager scope);

    /**
     * Runs the model in evaluation mode, e.g. for the calibration passes of a pruning criterion.
     *
     * @param input a batch, e.g. images {@code [batch, 784]} or tokens {@code [batch, seq]}; its manager owns the
     *     result and the activations
     * @return the model's output, e.g. logits {@code [batch, classes]} or {@code [batch, seq, vocab]}
     */
    NDArray logits(NDArray input);
}
