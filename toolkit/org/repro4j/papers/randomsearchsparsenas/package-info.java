/**
 * <b>Random Search as a Baseline for Sparse Neural Network Architecture Search</b> — Rezsa Farahani; arXiv preprint 2024; arXiv 2403.08265. Notebook: {@code notebooks/16-random-search-sparse-nas.ipynb}.
 *
 * <p>The paper's mechanism in two sentences, then the classes of this package, one line each,
 * and the toy design: what was scaled down, and why.
 */
package org.repro4j.papers.randomsearchsparsenas;
