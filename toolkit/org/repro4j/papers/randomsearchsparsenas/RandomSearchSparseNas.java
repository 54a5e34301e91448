package org.repro4j.papers.randomsearchsparsenas;

/**
 * The mechanism of Random Search as a Baseline for Sparse Neural Network Architecture Search (Rezsa Farahani, arXiv preprint 2024): what it computes, with shapes, units and the paper's equation
 * numbers. Used by {@code notebooks/16-random-search-sparse-nas.ipynb}.
 */
public final class RandomSearchSparseNas {

    private RandomSearchSparseNas() {}
}
