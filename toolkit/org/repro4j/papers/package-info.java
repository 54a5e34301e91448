/**
 * One package per reproduced paper, named like its notebook ({@code notebooks/NN-short-name.ipynb} ↔
 * {@code org.repro4j.papers.shortname}): the paper's mechanism, its synthetic data, sweeps and evaluators. Paper
 * packages never import each other; a class that a second paper needs moves to a generic package.
 */
package org.repro4j.papers;
