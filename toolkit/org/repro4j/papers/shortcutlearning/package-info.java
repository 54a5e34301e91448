/**
 * <b>On the Foundations of Shortcut Learning</b> — Katherine L. Hermann, Hossein Mobahi, Thomas Fel, Michael C.
 * Mozer; ICLR 2024; arXiv 2310.16228. Notebook: {@code notebooks/10-shortcut-learning.ipynb}.
 *
 * <p>Models prefer the more <i>available</i> of two features (larger in the input, less nested) over the more
 * <i>predictive</i> one, more than the Bayes-optimal classifier does; linear models are nearly unbiased, one hidden
 * layer is biased, depth adds bias.
 *
 * <ul>
 *   <li>{@link org.repro4j.papers.shortcutlearning.ShortcutData} — vector data with a core and a shortcut latent
 *       (predictivity p, amplitude α, nesting η; {@link org.repro4j.papers.shortcutlearning.Nesting}).</li>
 *   <li>{@link org.repro4j.papers.shortcutlearning.ShortcutBias} — reliance R_s and shortcut bias R_s − R*_s.</li>
 *   <li>{@link org.repro4j.papers.shortcutlearning.ShortcutSweep} — models × settings × seeds, bias at
 *       checkpoints; {@link org.repro4j.papers.shortcutlearning.DecisionSurface} — a model's boundary in latent
 *       space beside the Bayes (LDA) line.</li>
 *   <li>{@link org.repro4j.papers.shortcutlearning.ShortcutPatch} and
 *       {@link org.repro4j.papers.shortcutlearning.ShortcutPatchSweep} — the image variant on Fashion-MNIST,
 *       availability as a square's pixel footprint.</li>
 * </ul>
 *
 * <p><b>Toy design (a reconstruction).</b> The paper has no public code and its exact equations were not available
 * to us, so the formulas are reconstructed to keep its stated meaning (they are spelled out in the classes above):
 * latents z_i = y·μ_i + ε_i with μ_i = Φ⁻¹(p_i); x = U·[α_s z_s, α_c z_c]ᵀ with U a random 100×2 orthonormal
 * embedding; reliance measured by regressing the logit on decorrelated latents. A prototype of this design showed
 * two things the notebook builds on: defining predictivity through corr(z, y) = 0.9 makes the data nearly
 * separable and biases even linear models, so predictivity is P(sign z = y) instead; and the bias is a
 * learning-dynamics effect that vanishes at convergence (with Adam, long SGD or kernel regression), so models are
 * compared at a fixed SGD budget (lr 0.01, batch 64, 300 steps; 2000 training and 4000 probe samples; 3 seeds),
 * and the notebook checks that the bias is gone after 3000 steps. In that prototype the one-hidden-layer ReLU net
 * had bias 0.42 and the linear model 0.14 at 300 steps (α_s = 16, p_s = 0.7, p_c = 0.9); the notebook's claim
 * margins are about half of the prototype's gaps.
 */
package org.repro4j.papers.shortcutlearning;
