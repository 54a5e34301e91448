/**
 * <b>Dynamic Sparse No Training: Training-Free Fine-tuning for Sparse LLMs</b> — Yuxin Zhang, Lirui Zhao, Mingbao
 * Lin, Yunyun Sun, Yiwu Yao, Xingjia Han, Jared Tanner, Shiwei Liu, Rongrong Ji; ICLR 2024; arXiv 2310.08915.
 * Notebook: {@code notebooks/14-dsnot.ipynb}.
 *
 * <p>DSnoT improves a one-shot pruned language model without training: it keeps every weight's value and edits
 * only the mask, swapping in each output row one pruned weight back in for one kept weight out, chosen to cancel
 * the layer's expected reconstruction error (growing favours inputs of low variance, pruning uses Wanda's score).
 * The abstract's headline: 26.79 perplexity below Wanda's at 70 % sparsity on LLaMA-7B.
 *
 * <ul>
 *   <li>{@link org.repro4j.pruning.Wanda} and {@link org.repro4j.pruning.DSnoT} (generic) — the two criteria.</li>
 *   <li>{@link org.repro4j.papers.dsnot.TrainingFreeFineTuning} — Wanda, then DSnoT, on one calibration set; both
 *       models' perplexity; rows whose kept count changed.</li>
 *   <li>{@link org.repro4j.papers.dsnot.ReconstructionErrors} — DSnoT's per-layer error curves over the cycles.</li>
 *   <li>{@link org.repro4j.papers.dsnot.ActivationGap} — a sparse model's activation at a hook against a
 *       reference's: DSnoT's local objective against the distance from the dense model.</li>
 * </ul>
 *
 * <p><b>Toy design.</b> The Brown-corpus LM of notebook 11 ({@link org.repro4j.train.BrownLm}: 3 pre-LN blocks,
 * d_model 64, 4 heads, GELU MLP 256, context 32, 1500 AdamW steps, cached), all 18 block matrices pruned per output
 * row (embeddings, unembedding, biases and LayerNorms dense, as LLaMA's embeddings and head in the paper) at 60 % and
 * 70 %; 64 calibration windows of 32 tokens from the training split (the paper: 128 × 2048 tokens of C4); perplexity
 * on the whole held-out split (125 856 positions). DSnoT with the paper's 50 cycles and variance exponent 1, on the
 * attention projections only: the authors' {@code main.py} defaults {@code --skip_layer} to {@code mlp}, their README
 * command keeps it, and {@code lib/prune.py} then leaves every MLP matrix at the initial method's mask
 * ({@link org.repro4j.papers.dsnot.TrainingFreeFineTuning#ATTENTION}; {@code ALL_MATRICES} refines them too). Where
 * it departs from the authors' code ({@code lib/prune.py}, {@code lib/layerwrapper.py} of zyxxmu/DSnoT):
 * <ul>
 *   <li>update threshold 0: the authors' expected error sums each input over a 2048-token sequence (averaged over
 *       sequences), so their threshold 0.1 is about 5·10⁻⁵ per token; the notebook also shows 0.1 per token;</li>
 *   <li>a row stops when a swap would raise its exact squared error over the calibration tokens (the guard of
 *       {@code DSnoT}); the authors' rows stop only at the threshold or after 50 cycles (their optional stop on a
 *       flip of the expected error's sign is off by default: {@code --without_same_sign} defaults to true);</li>
 *   <li>each weight's inputs are recorded after the weights before it are refined, also inside a block (W_O sees
 *       the refined Q/K/V); the authors record a block's inputs once, before refining any of it.</li>
 * </ul>
 *
 * <p><b>Claims.</b> The catalogue's gates (ppl(Wanda + DSnoT) ≤ 0.95 × ppl(Wanda) at 70 %; per-layer error
 * non-increasing; sparsity exact) plus "no worse than Wanda at 60 %" beside the 60 % table in the authors' README
 * (LLaMA-7B, WikiText-2: dense 5.68, Wanda 10.69, Wanda + DSnoT 10.22) and "DSnoT lowers its own objective". The
 * perplexity claims fail at seed 42: ratios 1.021 at 70 % and 1.009 at 60 % with the attention projections refined.
 * Before the notebook followed the authors' choice of matrices it refined all 18 and failed worse, at seeds 42 and
 * 7 (1.104 and 1.032 at 70 %); the notebook keeps that run beside the main one and locates its extra harm in the
 * MLP output matrices, whose Wanda error partly cancels the deviation that upstream pruning causes.
 *
 * <p>Prototype measurements, seed 42, all 18 matrices refined, made before the notebook was written: the authors'
 * sign-flip stop in place of the guard gave a ratio of 1.11 at 70 % (40 eval batches), 512 calibration windows
 * instead of 64 gave 1.09, variance exponent 0 gave 1.11, and the refined masks were as harmful on the calibration
 * windows themselves (1.09), so neither the guard nor overfitting the calibration set explains the failure; the
 * refined layers' errors also fell on held-out tokens (to 0.29–0.94 of Wanda's).
 *
 * <p>Audit measurements, seed 42, whole eval split, ratios at 70 % (60 %): the authors' order, in which a block's
 * inputs are recorded once with that block dense and each matrix gets its Wanda mask and DSnoT refinement on them
 * before the next block (their Wanda is recorded the same way), gave Wanda perplexities 33.89 (31.77) instead of
 * 34.74 (32.21) and DSnoT ratios 1.003 (1.001) for the attention projections, 1.053 (1.031) for all matrices;
 * re-scoring each matrix's Wanda mask on the refined upstream inputs (the authors' interleaving, inputs still
 * recorded per hook) changed the ratios by less than 0.005; the authors' stopping rule without the guard (threshold
 * 0 or 0.1 / 2048 per token, 50 cycles, block-wise recording) gave 1.11 (1.13) for the attention projections and
 * 1.42–1.48 for all matrices, as a row of 64 inputs with 20 kept swaps most of them within 50 cycles. The
 * criteria themselves (growing by {@code sign(ε)·W_ij μ_j / σ²_j} over removed weights, pruning the smallest Wanda
 * score among kept weights with {@code sign(ε)·W_ij μ_j < 0}, {@code ε} over the removed weights of the row, the
 * dense layer on the same inputs as target) match {@code lib/prune.py} line for line.
 */
package org.repro4j.papers.dsnot;
