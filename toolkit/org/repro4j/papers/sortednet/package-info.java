/**
 * <b>SortedNet, a Place for Every Network and Every Network in its Place: Towards a Generalized Solution for
 * Training Many-in-One Neural Networks</b> — Mojtaba Valipour, Mehdi Rezagholizadeh, Hossein Rajabzadeh, Parsa
 * Kavehzadeh, Marzieh Tahaei, Boxing Chen, Ali Ghodsi; arXiv preprint 2023; arXiv 2309.00255 (later versions are
 * titled "SortedNet: A Scalable and Generalized Framework for Training Modular Deep Neural Networks"). Notebook:
 * {@code notebooks/21-sortednet.ipynb}.
 *
 * <p>Many sub-models live in one set of weights, each the prefix of every larger one in width and depth (the
 * "sorted" architecture); training draws random sub-models and accumulates their gradients into one update, so
 * that after one training run each sub-model is nearly as good as a model of its size trained alone and their
 * order by size is their order by accuracy, which makes picking one for a budget a look-up instead of a search.
 *
 * <ul>
 *   <li>{@link org.repro4j.nas.ElasticMlp}, {@link org.repro4j.nas.SubModelSpace},
 *       {@link org.repro4j.nas.SupernetTraining}, {@link org.repro4j.nas.SizeAccuracy} (generic, shared with the
 *       other nested-subnetwork reproductions) — the nested MLP, SortedNet's grid of sub-models, gradient
 *       accumulation over sampled sub-models, and the size-against-accuracy table and picture.</li>
 *   <li>{@link org.repro4j.papers.sortednet.SortedTraining} — SortedNet's update scheme: {@code g_acc} uniform
 *       draws per update, with a {@code g_acc} that matches one update's cost to the full model's.</li>
 *   <li>{@link org.repro4j.papers.sortednet.SortedOrder} — whether accuracy grows with size over the grid and
 *       along width and depth separately, and what search-free selection by size costs.</li>
 * </ul>
 *
 * <p><b>Toy design.</b> Fashion-MNIST (60 000 training, 10 000 test images, flat pixels in [0, 1]); the supernet
 * is a 784-512-512-512-10 ReLU MLP, and its sorted grid SortedNet's nested sub-models of depth 1–3 and width 32, 64,
 * 128, 256 or 512 on every kept layer (15 sub-models, 25 450 to 932 362 parameters), all reading out through the
 * one shared 10-way output layer. Sorted training for 4 epochs (Adam 10⁻³, batches of 128) with {@code g_acc = 4}:
 * the grid's mean sub-model costs a quarter of the full model's FLOPs, so an update costs about what a step of the
 * full model alone does. Standalone twins are the expensive part of the budget, so only four are trained, one per
 * depth plus the full model (32, 128-128, 256-256-256, 512-512-512), each from scratch for the same 4 epochs on the
 * same data with the same optimizer. A prototype measured 29 s of CPU for sorted training and 42 s for the four
 * twins (one thread).
 *
 * <p><b>What could not be checked.</b> The paper's text beyond its abstracts was not reachable here, nor code of
 * the authors: its {@code g_acc}, whether its accumulated passes share one batch (ours do) and how its depth
 * sub-models read out (ours share the one output layer) are this toy's
 * choices, and no section or equation numbers are cited.
 *
 * <p><b>Claims.</b> From the catalogue, fixed before the full runs: every twin-matched sub-model reaches at least
 * 0.96 of its twin's test accuracy (the abstract's 96 %, there measured against the original model), and Spearman's
 * ρ between parameter count and test accuracy over the 15 sub-models is at least 0.9 (the sorted order).
 */
package org.repro4j.papers.sortednet;
