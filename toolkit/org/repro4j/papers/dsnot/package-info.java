/**
 * <b>Dynamic Sparse No Training: Training-Free Fine-tuning for Sparse LLMs</b> — Yuxin Zhang, Lirui Zhao, Mingbao Lin, Yunyun Sun, Yiwu Yao, Xingjia Han, Jared Tanner, Shiwei Liu, Rongrong Ji; ICLR 2024; arXiv 2310.08915. Notebook: {@code notebooks/14-dsnot.ipynb}.
 *
 * <p>The paper's mechanism in two sentences, then the classes of this package, one line each,
 * and the toy design: what was scaled down, and why.
 */
package org.repro4j.papers.dsnot;
