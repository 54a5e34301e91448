/**
 * <b>Talking Heads: Understanding Inter-layer Communication in Transformer Language Models</b> — Jack Merullo,
 * Carsten Eickhoff, Ellie Pavlick; NeurIPS 2024; arXiv 2406.09519. Notebook: {@code notebooks/12-talking-heads.ipynb}.
 *
 * <p>Heads of one layer pass information to heads of a later layer through low-rank subspaces of the residual
 * stream: a few rank-1 components of the writer's OV circuit carry most of its composition with the reader, and
 * editing those components changes task behaviour (on the paper's Laundry List task, accuracy falls as lists grow).
 *
 * <ul>
 *   <li>{@link org.repro4j.papers.talkingheads.LaundryList} — the odd-one-out laundry list task (find the item
 *       listed once among items listed twice); {@link org.repro4j.papers.talkingheads.LaundryListBatches} draws
 *       training batches from it.</li>
 *   <li>{@link org.repro4j.papers.talkingheads.TalkingHeads} — writer/reader channels by composition score per
 *       rank-1 component ({@link org.repro4j.circuits.CompositionScore}) and interventions on them;
 *       {@link org.repro4j.papers.talkingheads.ChannelEdit} — the channel edit W_O ← W_O + (γ−1)·W_O·P_S.</li>
 *   <li>{@link org.repro4j.papers.talkingheads.LaundryListAccuracy} (accuracy by list size) and
 *       {@link org.repro4j.papers.talkingheads.LaundryListAttention} (where heads look from END).</li>
 * </ul>
 *
 * <p><b>Toy design.</b> The paper's code was not available (its repository holds only a README). The toy is the IOI
 * task generalised to N names: 12 item and 12 filler tokens, BOS, 20 content tokens holding N−1 items twice and
 * one once among fillers, shuffled, then END, where the model must name the unrepeated item; counts are 1 against
 * 2 and positions are random, so neither a bag of words nor a position shortcut solves it. Model: attention-only,
 * d_model 64, 4 heads per layer, learned positions, logits read at END; AdamW, batch 128, N ~ U{2..7}. Composition
 * scores follow Elhage et al. (2021), CS(A, B) = ‖AB‖_F / (‖A‖_F‖B‖_F), and per component
 * CS_i = ‖v_iᵀB‖₂ / ‖B‖_F for the write direction v_i of the writer's OV; the random baseline is about
 * 1/√d_model. A prototype on this toy found that scaling the channel did not raise accuracy at 8–9 items, unlike
 * the paper's +20 % on its models, so the notebook reports that edit and gates only the ablations.
 *
 * <p><b>The prototype.</b> A first PyTorch prototype of the toy trained 3000 steps with AdamW at 3e-3, weight decay
 * 0.01 and no warm-up. It reached accuracy 1.00 at N = 2 falling to 0.85 at N = 9, a best single-component
 * V-composition of 0.54 against whole-matrix scores of 0.06–0.30, and lost 0.45 accuracy at N = 5 when the top 3 of
 * the 16 components of its strongest writer were ablated (0.02 for 3 random ones; 0.57 for the whole head). The
 * same test hurt two other layer-0 heads and left a weak one alone. Boosting (γ = 1.25–3), damping (γ = 0.75) and
 * keeping only the top components made accuracy at N = 8–9 no better, mostly worse.
 *
 * <p><b>The claims, as first designed.</b> (1) Accuracy at N = 2 is at least 0.97, at N = 9 at least 0.05 below
 * N = 3, and it never rises by more than 0.02 from one N to the next. (2) For the pair with the highest
 * per-component V-composition, the best component scores at least 1.5 times the pair's whole-matrix score and at
 * least 2.5/√d_model. (3) Ablating the top 3 components of that writer costs at least 0.2 accuracy at N = 5 and
 * at least 3 times the mean cost of 3 random components. (4) Those 3 components carry at least half the cost of
 * zeroing the whole head. The channel edit is scanned over γ and reported, never asserted.
 *
 * <p><b>What the notebook changed, and why.</b> Tests 2–4 use the strongest channel of any kind (Q, K or V), since
 * V was the strongest only in the prototype. Test 2's ratio to the whole-matrix score is replaced by a ratio to the
 * untrained model's best component under the same selection: a maximum over 16 components, 16 pairs and 3 kinds
 * already reaches 1.4–2.1 times the whole-matrix score at initialisation, and in two of seven trained models whose
 * causal tests held the ratio fell to 1.26. Components are ranked by the composition they carry, σ_i·CS_i
 * ({@link org.repro4j.papers.talkingheads.TalkingHeads#carriedComposition}), not by CS_i alone, which ignores how
 * strongly the head writes a component and put weakly written ones into the top 3 on some training runs. The
 * recipe is AdamW at 2e-3 with weight decay 0.3, 200 warm-up steps and a cosine decay: without warm-up, 3e-3
 * trained much more slowly in DJL, and the larger decay widens the margins of test 2 (the notebook's table of
 * seeds).
 */
package org.repro4j.papers.talkingheads;
