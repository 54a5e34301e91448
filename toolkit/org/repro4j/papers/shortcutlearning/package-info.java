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
 *
 * <p><b>The claims' thresholds.</b> The prototype's 3-seed means at T = 300 (α_s = 16, p_s = 0.7, p_c = 0.9 unless
 * said otherwise) were: bias(ReLU1) − bias(linear) = 0.28 and bias(ReLU3) − bias(ReLU1) = 0.24 (the notebook asks
 * for more than 0.12 and 0.10); R_s(ReLU1) = 0.71 against R*_s = 0.29; with equal availability (α_s = 1) every
 * model within |bias| ≤ 0.07 from step 100 on (the notebook allows 0.1); ReLU1 at equal predictivity (0.8/0.8)
 * ≈ 0, 0.36 and 0.42 at α_s = 1, 4 and 16. Tanh1 was barely above the linear model, so no claim compares them.
 * After long training the prototype's biases were at most 0.03, but a single snapshot jitters by ±0.05–0.1 from
 * one SGD step to the next at α_s = 16, so the notebook averages the long-run bias over the last sixth of training;
 * over nine seeds the three-layer ReLU net then kept a residual of 0.04 ± 0.013 (3-seed means), so the honesty
 * check's bound is 0.08, three standard deviations above it, rather than 0.06. The image variant was not
 * prototyped.
 *
 * <p><b>The paper's own figures.</b> The abstract gives no numbers. A secondary summary of the paper quotes a
 * shortcut bias of 0.53 for one model in its Fig. 2; which model, setting and training budget it belongs to was not
 * available to us. The notebook shows it beside its first claim (one hidden layer against a linear model), whose
 * expected column holds the ReLU1 bias to read it against; the other claims test the paper's qualitative findings,
 * for which no figure could be sourced.
 */
package org.repro4j.papers.shortcutlearning;
