/**
 * Making a trained model sparse and getting its quality back, for any {@link org.repro4j.models.Maskable} model
 * ({@code Mlp}, {@code SmallCnn}, {@code TinyTransformerLM}):
 * <ul>
 *   <li>{@link org.repro4j.pruning.ParamMask} — binary masks over named weights, unstructured or by slice (neurons,
 *       filters, heads); applied in the forward pass, and with {@code prune} held at exactly 0 through training;</li>
 *   <li>criteria: {@link org.repro4j.pruning.MagnitudePruning} (global, per layer, per output, structured),
 *       {@link org.repro4j.pruning.Wanda} (weights × input norms from calibration activations) and
 *       {@link org.repro4j.pruning.DSnoT} (training-free grow-and-prune refinement of a mask), ranked within a
 *       {@link org.repro4j.pruning.ComparisonGroup};</li>
 *   <li>schedules: {@link org.repro4j.pruning.GradualPruning} on a {@link org.repro4j.pruning.CubicSparsitySchedule}
 *       during {@code Fit}, and {@link org.repro4j.pruning.IterativeMagnitudePruning} in prune–retrain phases;</li>
 *   <li>{@link org.repro4j.pruning.ModelSoup} — uniform and greedy weight averages of models sharing a mask;</li>
 *   <li>{@link org.repro4j.pruning.SparsityReport} — non-zeros and FLOPs per layer;</li>
 *   <li>{@link org.repro4j.pruning.ContinuousSparsification} — a mask learned by gradient descent on a frozen
 *       TinyTransformerLM (bigram subnetworks).</li>
 * </ul>
 * Every criterion leaves the model unchanged and returns a mask; apply it with {@code applyTo} (ablation) or
 * {@code prune} (training the sparse model). Sparsities are fractions of weights removed, in [0, 1).
 */
package org.repro4j.pruning;
