/**
 * <b>Random Search as a Baseline for Sparse Neural Network Architecture Search</b> — Rezsa Farahani; arXiv
 * preprint 2024; arXiv 2403.08265. Notebook: {@code notebooks/16-random-search-sparse-nas.ipynb}.
 *
 * <p>Random Search over the nodes of an over-parameterized network at initialization: draw sparse configurations
 * (which hidden units to keep) at random, keep the most promising, train it. The paper's finding is a null result:
 * the subnetworks it finds are neither more accurate nor faster to train than random subnetworks of the same
 * sparsity, which makes Random Search a neutral baseline for sparsity search methods.
 *
 * <ul>
 *   <li>{@link org.repro4j.papers.randomsearchsparsenas.NodeMask} — the hidden units a subnetwork keeps, as a
 *       {@link org.repro4j.pruning.ParamMask} that removes each unit's row, bias and outgoing column.</li>
 *   <li>{@link org.repro4j.papers.randomsearchsparsenas.SubnetworkTrainer} — trains any subnetwork from the
 *       parent's initial weights on one fixed batch order; the search's short-training score.</li>
 *   <li>{@link org.repro4j.papers.randomsearchsparsenas.SubnetworkRun} — a trained subnetwork's learning curve,
 *       its normalized area, and its test accuracy.</li>
 *   <li>{@link org.repro4j.papers.randomsearchsparsenas.RandomSearch} — the search: N uniform node masks, each
 *       scored, the lowest validation loss kept.</li>
 * </ul>
 *
 * <p><b>Sources.</b> The abstract and the opening of the introduction of the arXiv version (v2, 14 March 2024)
 * were the only text of the paper reachable here; the candidate count, the score and the network are therefore the catalogue's toy
 * design, not the paper's protocol, and the notebook cites only the abstract's statements.
 *
 * <p><b>Toy design.</b> Parent: a ReLU MLP 784-512-512-10 with PyTorch's initialization, seeded by
 * {@code Repro.seed()}. Data: Fashion-MNIST, the 60 000 training images split at random into 58 000 for training
 * and 2000 for validation (search scores and learning curves), the 10 000 test images for final accuracy only.
 * Node sparsity s ∈ {50, 75, 90} %, the same in both hidden layers, ⌊s · 512⌋ units removed (kept: 256, 128,
 * 52).
 * Random Search draws 20 masks per sparsity; each is trained 50 Adam steps (learning rate 10⁻³, batches of 128)
 * from the parent's initial weights and scored by its validation cross-entropy. The lowest-scoring mask and 3
 * random masks (the sampler's next draws, so they are what a search with one candidate returns) are then trained
 * 2 epochs (906 steps), as is the dense parent for reference. Every run starts from the same initial weights and
 * sees the same batches in the same order, so the runs differ only in their masks. The learning curve is the
 * validation accuracy at step 0 and 20 times during training; its area is normalized by the number of steps
 * (the mean validation accuracy over training).
 *
 * <p><b>Budget.</b> Measured before the design was fixed: about 10 ms of CPU per optimizer step of the
 * 784-512-512-10 network at batch 128 and one native thread, masked or not (a masked weight is still multiplied);
 * the full run is about 14 800 steps (3000 for the search, 13 × 906 for the trainings), inside the 5-minute budget
 * with the catalogue's design unscaled. Only the validation set was kept small (2000 images), because it is
 * evaluated 21 times per training and once per candidate.
 *
 * <p><b>Claims.</b> The catalogue's gates: at every sparsity |acc(RS best) − mean acc(random)| ≤ 1 point and the
 * learning-curve areas within 2 % of each other (relative to the random masks' mean), both two-sided, so the null
 * result is confirmed within a stated tolerance; and, for the mechanism, that a removed unit's weights and bias
 * are exactly 0 after training in every sparse run.
 */
package org.repro4j.papers.randomsearchsparsenas;
