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
 */
package org.repro4j.papers.talkingheads;
