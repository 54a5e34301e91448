/**
 * The transformer core, with TransformerLens names for every weight and activation and weight conventions (row
 * vectors, {@code W_OV}, {@code W_QK}) from Elhage et al. (2021), "A Mathematical Framework for Transformer
 * Circuits":
 * <ul>
 *   <li>{@link org.repro4j.models.transformer.TinyTransformerLM} — a decoder-only language model (Vaswani et al.,
 *       2017; GPT-2 layout of Radford et al., 2019): embeddings, blocks, final LayerNorm, unembedding; parameters,
 *       hook points, weight transforms (the extension point for masks and weight edits), save and load;</li>
 *   <li>{@link org.repro4j.models.transformer.TransformerEncoder} — the same blocks without the causal mask, with
 *       padding and the option of one shared block applied at every step (ALBERT);</li>
 *   <li>{@code TransformerBlock} and {@code Attention} — one pre-LN block and its unfused multi-head attention
 *       (package-private; reached through the model's accessors such as {@code W_Q(layer)}); an MLP can be
 *       replaced, e.g. by a mixture of experts ({@code TinyTransformerLM.replaceMlp});</li>
 *   <li>{@link org.repro4j.models.transformer.Decoding} — greedy and sampled generation, batched with a
 *       {@link org.repro4j.models.transformer.KvCache} or uncached (the reference);
 *       {@link org.repro4j.models.transformer.Sampling} — greedy, temperature, top-k;</li>
 *   <li>{@link org.repro4j.models.transformer.LayerPlan} — conditional computation by depth: layer skipping, early
 *       exit through the shared head, SkipDecode's per-position budget; {@link
 *       org.repro4j.models.transformer.Throughput} — tokens/s against the full model measured in the same run;</li>
 *   <li>{@link org.repro4j.models.transformer.TransformerConfig} — sizes and options.</li>
 * </ul>
 */
package org.repro4j.models.transformer;
