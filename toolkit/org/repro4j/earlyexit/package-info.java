/**
 * Early exit by halting: a model that applies its blocks step by step, reads a prediction after every step and
 * decides per input when to stop.
 * <ul>
 *   <li>{@link org.repro4j.earlyexit.PonderClassifier} — PALBERT (Balagansky &amp; Gavrilov, 2022, NeurIPS, arXiv
 *       2204.03276): an encoder ({@link org.repro4j.models.transformer.TransformerEncoder}, ALBERT-style shared
 *       block or not) with an exit classifier and a halting probability after each step;</li>
 *   <li>{@link org.repro4j.earlyexit.LambdaLayer} — PALBERT's "Lambda" module, {@code λ_i} from the states of
 *       steps {@code i} and {@code i−1};</li>
 *   <li>{@link org.repro4j.earlyexit.Halting} — PonderNet's exit distribution
 *       {@code p_i = λ_i Π_{j<i}(1 − λ_j)} and geometric prior (Banino et al., 2021, arXiv 2107.05407);</li>
 *   <li>{@link org.repro4j.earlyexit.PonderLoss} — expected task loss plus {@code β·KL(p ‖ p_G)};
 *       {@link org.repro4j.earlyexit.PabeeLoss} — PABEE's depth-weighted average of the exits' losses;</li>
 *   <li>{@link org.repro4j.earlyexit.ExitRule} — Q-exit, sampled exit, PABEE patience, a fixed step;
 *       {@link org.repro4j.earlyexit.Exits} — exit steps and predictions of a batch.</li>
 * </ul>
 * Depth-wise conditional computation of decoders (layer skipping, early exit of a language model through its shared
 * head, SkipDecode) is {@link org.repro4j.models.transformer.LayerPlan}.
 */
package org.repro4j.earlyexit;
