/**
 * The transformer core: {@link org.repro4j.models.transformer.TinyTransformerLM}, a decoder-only language model
 * (Vaswani et al., 2017; GPT-2 layout of Radford et al., 2019) with per-head weights, TransformerLens hook names
 * and an effective-weight extension point for masks and weight edits, configured by
 * {@link org.repro4j.models.transformer.TransformerConfig}. Weight conventions (row vectors, {@code W_OV},
 * {@code W_QK}) follow Elhage et al. (2021), "A Mathematical Framework for Transformer Circuits".
 */
package org.repro4j.models.transformer;
