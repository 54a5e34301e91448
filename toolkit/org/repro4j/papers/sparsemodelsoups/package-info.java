/**
 * <b>Sparse Model Soups: A Recipe for Improved Pruning via Model Averaging</b> — Max Zimmer, Christoph Spiegel, Sebastian Pokutta; ICLR 2024; arXiv 2306.16788. Notebook: {@code notebooks/15-sparse-model-soups.ipynb}.
 *
 * <p>The paper's mechanism in two sentences, then the classes of this package, one line each,
 * and the toy design: what was scaled down, and why.
 */
package org.repro4j.papers.sparsemodelsoups;
