/**
 * Mixtures of experts: conditional computation by width, where a router sends each token to a few of a layer's
 * feed-forward experts.
 * <ul>
 *   <li>{@link org.repro4j.moe.MoeFfn} — one MoE layer: experts, router, top-k routing with softmax, Switch or unit
 *       gates, and the Switch Transformer's load-balancing loss (Fedus et al., 2022, arXiv 2101.03961);</li>
 *   <li>{@link org.repro4j.moe.MoeTransformerLM} — a {@link org.repro4j.models.transformer.TinyTransformerLM} with
 *       an MoE layer in every block, trained from scratch or built around a dense model;</li>
 *   <li>{@link org.repro4j.moe.DenseToMoe} — Read-ME's refactoring of a dense FFN into experts by clustering its
 *       neurons on activation patterns, and the activation oracle a router is judged against (Cai et al., 2024,
 *       arXiv 2410.19123); {@link org.repro4j.moe.PreGatingRouter} — Read-ME's router, decoupled from the backbone,
 *       which routes every layer from the token ahead of time;</li>
 *   <li>{@link org.repro4j.moe.ExpertReduction} — fewer experts for one task: UNCURL's spectral clustering of router
 *       logits and aligned, usage-weighted merging (Sarkar et al., 2024, arXiv 2409.01483) against keeping the most
 *       frequently routed experts.</li>
 * </ul>
 */
package org.repro4j.moe;
