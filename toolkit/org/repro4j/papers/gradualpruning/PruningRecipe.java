package org.repro4j.papers.gradualpruning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.repro4j.models.Maskable;
import org.repro4j.models.WeightSnapshot;
import org.repro4j.pruning.ComparisonGroup;
import org.repro4j.pruning.CubicSparsitySchedule;
import org.repro4j.pruning.GradualPruning;
import org.repro4j.pruning.MagnitudePruning;
import org.repro4j.pruning.ParamMask;
import org.repro4j.train.Fit;
import org.repro4j.train.LrSchedule;
import org.repro4j.train.Optimizer;

/**
 * The one training recipe of notebook 13, shared by the large-dense, large-sparse and small-dense models, and the
 * two ways it makes a large model sparse (Zhu &amp; Gupta, 2017, "To prune, or not to prune: exploring the efficacy
 * of pruning for model compression", ICLR 2018 Workshop, arXiv 1710.01878):
 * <ul>
 *   <li><b>gradual</b> (§3): magnitude pruning inside training, each layer's mask following the cubic schedule of
 *       eq. 1 ({@link #schedule}); the model trains on from every mask update, so it recovers as it is pruned;</li>
 *   <li><b>one-shot</b>: the trained dense model is pruned to the target at once, each layer by magnitude, then
 *       optionally fine-tuned for {@link #fineTuneSteps()} steps with the mask held.</li>
 * </ul>
 *
 * <p>Every run is Adam at {@code learningRate} with cosine decay to 0 over the run, batches of {@code batchSize}
 * in a seeded shuffled order. The schedule is set in fractions of the run: pruning starts at {@code t₀ = T/10},
 * the mask is updated {@value #PRUNING_UPDATES} times {@code Δt = T/50} steps apart, so the final sparsity is
 * reached at {@code 0.6·T} and the last 40 % of training, at a falling learning rate, recovers from the last
 * update (the paper asks that pruning end while the learning rate is still high enough for recovery, §3). Each
 * layer is pruned to the same sparsity ({@link ComparisonGroup#LAYER}), as in the paper.
 *
 * @param steps optimizer steps {@code T} of a training run, ≥ 1
 * @param batchSize examples per step, ≥ 1
 * @param learningRate Adam's initial learning rate, &gt; 0
 * @param seed seed of the batch order (models are seeded where they are initialized)
 */
public record PruningRecipe(long steps, int batchSize, double learningRate, long seed) {

    /** Mask updates {@code n} of the gradual schedule. */
    public static final int PRUNING_UPDATES = 25;

    /** Examples per forward pass when measuring accuracy: bounds the activations held at once. */
    private static final int EVAL_BATCH = 1000;

    /** @throws IllegalArgumentException naming the value that is out of range */
    public PruningRecipe {
        if (steps < 1 || batchSize < 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("a recipe needs steps ≥ 1, batchSize ≥ 1 and learningRate > 0; got "
                    + steps + ", " + batchSize + ", " + learningRate);
        }
    }

    /**
     * The notebook's recipe: batches of 128, Adam at 10⁻³.
     *
     * @param epochs passes over the training set, ≥ 1
     * @param trainingExamples size of the training set (60 000 for Fashion-MNIST)
     * @param seed batch-order seed, e.g. {@code Repro.seed()}
     * @return the recipe with {@code T = epochs · ⌊trainingExamples / 128⌋} steps
     */
    public static PruningRecipe toy(int epochs, int trainingExamples, long seed) {
        int batchSize = 128;
        return new PruningRecipe((long) epochs * (trainingExamples / batchSize), batchSize, 1e-3, seed);
    }

    /**
     * The gradual schedule of eq. 1 for this run: {@code s_i = 0}, {@code t₀ = T/10},
     * {@code n =} {@value #PRUNING_UPDATES}, {@code Δt = T/50} (at least 1).
     *
     * @param finalSparsity {@code s_f}, in [0, 1)
     * @return the schedule
     * @throws IllegalArgumentException if {@code finalSparsity} is outside [0, 1)
     */
    public CubicSparsitySchedule schedule(double finalSparsity) {
        return new CubicSparsitySchedule(0, finalSparsity, steps / 10, PRUNING_UPDATES, Math.max(1, steps / 50));
    }

    /** @return the fine-tuning steps after one-shot pruning, {@code T/10} (at least 1) */
    public long fineTuneSteps() {
        return Math.max(1, steps / 10);
    }

    /**
     * A training run of this recipe, ready to add hooks or evaluation to and {@code run()}.
     *
     * @param model an initialized model, trained in place
     * @param x training inputs, e.g. images {@code [n, 784]}
     * @param y training labels {@code [n]}
     * @return the configured run of {@link #steps()} steps
     */
    public Fit fit(Block model, NDArray x, NDArray y) {
        return fit(model, x, y, steps);
    }

    /**
     * Trains {@code model} from where it is for {@link #steps()} steps while pruning it gradually on
     * {@link #schedule}{@code (finalSparsity)}.
     *
     * @param model an initialized maskable model (an {@code Mlp}), trained and pruned in place; its removed weights
     *     are exactly 0 afterwards and it no longer runs under a mask
     * @param x training inputs {@code [n, ...]}
     * @param y training labels {@code [n]}
     * @param finalSparsity fraction of each layer's weights removed at the end, in [0, 1)
     * @return the final mask
     */
    public <M extends Block & Maskable> ParamMask trainGradually(M model, NDArray x, NDArray y,
            double finalSparsity) {
        try (GradualPruning pruning = GradualPruning.start(model, schedule(finalSparsity), ComparisonGroup.LAYER)) {
            fit(model, x, y).afterStep(pruning).quiet().label("gradual to " + finalSparsity).run();
            return pruning.mask();
        }
    }

    /**
     * One-shot magnitude pruning of a trained model, measured before and after fine-tuning. The model is left
     * as it was: its weights are restored afterwards.
     *
     * @param model a trained maskable model (an {@code Mlp}); unchanged on return
     * @param sparsity fraction of each layer's weights removed, in [0, 1)
     * @param x training inputs {@code [n, ...]} for the fine-tuning
     * @param y training labels {@code [n]}
     * @param testX test inputs {@code [m, ...]}
     * @param testY test labels {@code [m]}
     * @return the test accuracies of the pruned model, without and with {@link #fineTuneSteps()} steps of
     *     fine-tuning (the mask held, a fresh Adam and cosine decay over the fine-tuning)
     * @throws IllegalArgumentException if {@code sparsity} is outside [0, 1)
     */
    public <M extends Block & Maskable> OneShot oneShot(M model, double sparsity, NDArray x, NDArray y,
            NDArray testX, NDArray testY) {
        WeightSnapshot trained = WeightSnapshot.of(model);
        try (ParamMask.Applied pruned = MagnitudePruning.prune(model, sparsity, ComparisonGroup.LAYER).prune(model)) {
            double before = accuracy(model, testX, testY);
            fit(model, x, y, fineTuneSteps()).quiet().label("fine-tune at " + sparsity).run();
            return new OneShot(sparsity, before, accuracy(model, testX, testY));
        } finally {
            trained.restore(model);
        }
    }

    /**
     * Test accuracy of a classifier in evaluation mode, {@value #EVAL_BATCH} examples per forward pass; its
     * activations are freed before returning.
     *
     * @param model inputs {@code [m, ...]} to logits {@code [m, classes]}
     * @param x inputs {@code [m, ...]}
     * @param labels class indices {@code [m]}
     * @return the fraction of examples whose largest logit is the label, in [0, 1]
     */
    public static double accuracy(Block model, NDArray x, NDArray labels) {
        long n = x.getShape().get(0);
        long correct = 0;
        try (NDManager scope = x.getManager().newSubManager()) {
            ParameterStore store = new ParameterStore(scope, false);
            for (long from = 0; from < n; from += EVAL_BATCH) {
                NDIndex rows = new NDIndex("{}:{}", from, Math.min(n, from + EVAL_BATCH));
                NDArray logits = model.forward(store, new NDList(x.get(scope, rows)), false).singletonOrThrow();
                NDArray predicted = logits.argMax(1).toType(labels.getDataType(), false);
                correct += predicted.eq(labels.get(scope, rows)).countNonzero().getLong();
            }
        }
        return (double) correct / n;
    }

    private Fit fit(Block model, NDArray x, NDArray y, long runSteps) {
        return Fit.of(model).data(x, y, batchSize).optimizer(Optimizer.adam(learningRate))
                .schedule(LrSchedule.cosine()).steps(runSteps).seed(seed);
    }

    /**
     * Test accuracies of one-shot pruning at one sparsity.
     *
     * @param sparsity fraction of each layer's weights removed
     * @param pruned accuracy right after pruning, in [0, 1]
     * @param fineTuned accuracy after fine-tuning with the mask held, in [0, 1]
     */
    public record OneShot(double sparsity, double pruned, double fineTuned) {}
}
