/**
 * Weight-sharing supernets: one set of weights that holds many models — prefixes of its width and depth — each
 * deployable without retraining (one-shot NAS and many-in-one training):
 * <ul>
 *   <li>{@link org.repro4j.nas.ElasticMlp} and {@link org.repro4j.nas.SubModel} — an {@code Mlp} whose forward
 *       pass runs any width-and-depth prefix on the shared parameters, extracts it as a standalone model, and counts
 *       its parameters and FLOPs (SortedNet's sorted architecture; BigNAS's elastic width and depth);</li>
 *   <li>{@link org.repro4j.nas.SubModelSpace} — the sub-models a supernet trains and deploys, sorted by FLOPs
 *       (SortedNet's nested grid of one width per depth, or BigNAS's width per layer);</li>
 *   <li>{@link org.repro4j.nas.SamplingRule} — which sub-models one step trains: random (SortedNet), the sandwich
 *       rule (BigNAS), complexity-shifted ({@link org.repro4j.nas.ComplexityShiftedSampling}, ShiftNAS), all;</li>
 *   <li>{@link org.repro4j.nas.SupernetTraining} — the step for {@code Fit.step}: the sampled sub-models' gradients
 *       accumulated into one update, with in-place distillation from the largest (BigNAS);</li>
 *   <li>{@link org.repro4j.nas.LayerExits} — the depth sub-models of a {@code TinyTransformerLM} through its shared
 *       final LayerNorm and unembedding: the logit lens of a normally trained model, perplexity per exit layer,
 *       sorted fine-tuning (Sorted LLaMA / SoFT) as a {@code Fit} step, and a depth prefix as a standalone model;</li>
 *   <li>{@link org.repro4j.nas.SizeAccuracy} — sub-models' parameters, FLOPs and a metric as a table, and the
 *       size → metric picture against standalone models.</li>
 * </ul>
 *
 * <p><b>Sources.</b> SortedNet: Valipour, Rezagholizadeh, Rajabzadeh, Kavehzadeh, Tahaei, Chen &amp; Ghodsi (2023),
 * arXiv 2309.00255. BigNAS: Yu, Jin, Liu, Bender, Kindermans, Tan, Huang, Song, Pang &amp; Le, ECCV 2020, arXiv
 * 2003.11142. ShiftNAS: Zhang, Yu, Zhao &amp; Ou, ICCV 2023, arXiv 2307.08300. Sorted LLaMA (SoFT): Kavehzadeh,
 * Valipour, Tahaei, Ghodsi, Chen &amp; Rezagholizadeh (2023), arXiv 2309.08968. Section and equation numbers are
 * not given: they could not be checked against the papers here; each paper's notebook adds them.
 */
package org.repro4j.nas;
