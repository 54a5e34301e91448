/**
 * <b>Bigram Subnetworks: Mapping to Next Tokens in Transformer Language Models</b> — Tyler A. Chang, Benjamin K.
 * Bergen; NeurIPS 2025; arXiv 2504.15471. Notebook: {@code notebooks/11-bigram-subnetworks.ipynb}.
 *
 * <p>A tiny subnetwork of a trained language model, found by learning a binary mask over its weights, reproduces
 * bigram next-token predictions; it is concentrated in the first MLP layer, is necessary for the full model, overlaps
 * the subnetwork that best preserves the model's own outputs, and recreates the first layer's turn from
 * current-token-like to next-token-like representations.
 *
 * <ul>
 *   <li>{@link org.repro4j.train.BrownLm} (generic, shared with the other language-model reproductions) — the
 *       word-level Brown-corpus language model the masks are learned on (trained once, cached).</li>
 *   <li>{@link org.repro4j.papers.bigramsubnetworks.BigramSubnetwork} — the mask training loop (continuous
 *       sparsification, {@link org.repro4j.pruning.ContinuousSparsification}) against bigram or distillation
 *       targets.</li>
 *   <li>{@link org.repro4j.papers.bigramsubnetworks.ResidualStream} — per-layer CKA to the input embeddings and to
 *       the last layer, and the update norm of each block.</li>
 * </ul>
 *
 * <p><b>Toy design.</b> Follows the authors' code ({@code paper_code/utils/circuit_utils.py}: mask σ(T·s) with s
 * starting at 0, T multiplied after each step, evaluation mask 1[s &gt; 0], loss soft cross-entropy plus
 * (λ/N)·Σσ(T·s), early stop when fewer than 1 % of kept weights are undecided) at classroom scale: Brown words
 * lowercased with {@code <s>} sentence markers, vocabulary 1000 (about 26 % of tokens become {@code <unk>}), a
 * 90/10 document split; a 3-layer pre-LN transformer, d_model 64, 4 heads, MLP 256, context 32, untied unembedding
 * (147 456 maskable weights), 1500 AdamW steps; bigram targets from the training split with add-0.01 smoothing;
 * masks trained with Adam lr 0.05, T ×1.01 per step, at most 800 steps. Two findings of a prototype are built in:
 * the distillation target must be computed with the masks bypassed (taken from the masked model it chases the mask
 * and the mask collapses to empty), and ridge maps from a layer to the input tokens recover the token perfectly at
 * d_model 64, so the residual-stream turn is measured with linear CKA instead. The prototype's subnetwork kept
 * 4.9 % of the weights (paper: under 0.2 % at 1B parameters), 17 % of layer 0's MLP-in.
 *
 * <p><b>Claims.</b> The notebook's thresholds are set for this toy, not taken from the paper: a 64-wide model cannot
 * be as sparse as a 1B one (a bigram map over 1000 tokens needs some thousands of weights whatever the model size),
 * so the kept fraction must stay at most 10 %. The comparison with a random subnetwork of the same size is measured
 * as the share of a gap rather than as a margin in bits: every subnetwork keeps the embedding → unembedding path
 * (the paper never masks embeddings), which alone scores about 5.95 bits against the bigram table's 5.10 (seed 42),
 * so the bits between a bigram-imitating and a random subnetwork are capped by those 0.85 bits. The claim asks
 * the bigram subnetwork to close at least 75 % of the path-to-table gap and the random one at most 25 %.
 */
package org.repro4j.papers.bigramsubnetworks;
