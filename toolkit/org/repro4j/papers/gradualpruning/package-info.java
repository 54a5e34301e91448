/**
 * <b>To prune, or not to prune: exploring the efficacy of pruning for model compression</b> — Michael Zhu, Suyog
 * Gupta; ICLR 2018 Workshop; arXiv 1710.01878. Notebook: {@code notebooks/13-gradual-pruning.ipynb}.
 *
 * <p>Gradual magnitude pruning inside ordinary training, each layer's mask following the cubic schedule
 * s_t = s_f + (s_i − s_f)(1 − (t − t₀)/(nΔt))³ (eq. 1), makes a large model sparse while it trains; at equal numbers
 * of non-zero weights such a large-sparse model is more accurate than a small-dense one, and up to 10× fewer
 * non-zeros cost little against the unpruned model.
 *
 * <ul>
 *   <li>{@link org.repro4j.pruning.GradualPruning}, {@link org.repro4j.pruning.CubicSparsitySchedule},
 *       {@link org.repro4j.pruning.MagnitudePruning} and {@link org.repro4j.pruning.SparsityReport} (generic) — the
 *       mechanism itself: masks updated on the schedule during {@code Fit}, removed weights held at exactly 0, and
 *       the non-zeros and FLOPs of the result.</li>
 *   <li>{@link org.repro4j.papers.gradualpruning.PruningRecipe} — the notebook's one training recipe (Adam 10⁻³,
 *       cosine decay, batch 128), the schedule set in fractions of the run, gradual and one-shot pruning (with a
 *       fine-tuning of T/10 steps), and a batched test accuracy.</li>
 *   <li>{@link org.repro4j.papers.gradualpruning.SmallDense} — the width of the dense MLP with as many weights as a
 *       large-sparse one has non-zeros.</li>
 * </ul>
 *
 * <p><b>Toy design.</b> The catalogue's: an MLP 784-1024-1024-10 on Fashion-MNIST gradually pruned to 90 % in every
 * layer, read-out included (186 164 non-zero weights), against a dense 784-190-190-10 (186 960 weights, the narrowest
 * width with at least as many) and the unpruned 784-1024-1024-10, all trained 3 epochs (1404 steps) from the same
 * seed with the same recipe. The schedule is t₀ = T/10, n = 25, Δt = T/50 = 28 steps, so pruning ends at 0.6·T with
 * the learning rate at about a third of its start and the last 40 % of training recovers; the paper uses Δt of 100 to
 * 1000 steps in much longer runs and asks only that pruning end while the learning rate still allows recovery (§3).
 * Departures from the paper: Adam with cosine decay instead of each model's own SGD/RMSProp schedule; an MLP instead
 * of CNNs and LSTMs; biases stay dense and are counted apart (2058 in the large model, 390 in the small one).
 * One-shot pruning is the trained dense-large model pruned per layer by magnitude at each sparsity, measured as is
 * and after T/10 = 140 steps of fine-tuning with the mask held.
 *
 * <p><b>Budget.</b> A 1024-wide step costs about 23 ms of CPU on the 2-core machine, a gradual step about 6 ms more
 * ({@code ParamMask} zeroes the removed weights by copying all 1.86 M weights out and back after every step; each
 * of the 25 mask updates adds about 40 ms), so a 3-epoch run costs 30–40 s. The notebook trains five of them
 * (dense-large; gradual to 80, 90 and 98 %) plus the small-dense model and five fine-tunings: 3 min 39 s – 4 min 06 s
 * of CPU at one intra-op thread in four full runs (5 – 11 min of wall time on the shared, loaded machine). The
 * gradual curve therefore has three points, one-shot (only a fine-tuning each) five.
 *
 * <p><b>Prototype, before the notebook</b> (seed 42, same recipe, one-off runs): from scratch at 700 steps
 * (1.5 epochs), large-sparse 0.8424 against small-dense 0.8456 and dense-large 0.8687; at 3 epochs, large-sparse
 * 0.8669 (per-layer pruning, the paper's) or 0.8709 (global magnitude ranking, which keeps 23 % of the read-out and
 * 13 % of the first layer) against small-dense 0.8651 and dense-large 0.8834. The large-sparse advantage grows with
 * training; the notebook keeps the paper's per-layer pruning. Gradually pruning an already trained dense model
 * during 300 further steps did worse than one-shot pruning with the same 300 steps of fine-tuning (0.8321 against
 * 0.8519 at 90 %): the schedule then ends at a low learning rate with little time left to recover.
 *
 * <p><b>Claims.</b> The catalogue's two gates, acc(large-sparse) ≥ acc(small-dense) + 0.5 points and
 * ≥ acc(dense-large) − 1 point, fixed before the full runs, and two checks of the mechanism (equal non-zeros within
 * 1 %, removed weights exactly 0 after training). At seeds 42 and 7 the large-sparse model beats the small-dense one
 * by 0.36 and 0.46 points and trails the dense-large one by 1.56 and 1.44: both gates fail, in the paper's direction
 * but short of its margins (see the notebook's summary).
 */
package org.repro4j.papers.gradualpruning;
