/**
 * <b>To prune, or not to prune: exploring the efficacy of pruning for model compression</b> — Michael Zhu, Suyog Gupta; ICLR Workshop 2018; arXiv 1710.01878. Notebook: {@code notebooks/13-gradual-pruning.ipynb}.
 *
 * <p>The paper's mechanism in two sentences, then the classes of this package, one line each,
 * and the toy design: what was scaled down, and why.
 */
package org.repro4j.papers.gradualpruning;
