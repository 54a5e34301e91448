package org.repro4j.papers.randomsearchsparsenas;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.repro4j.analysis.Metrics;
import org.repro4j.data.LabeledImages;
import org.repro4j.models.Mlp;
import org.repro4j.models.WeightSnapshot;
import org.repro4j.pruning.ParamMask;
import org.repro4j.train.Fit;
import org.repro4j.train.Optimizer;
import org.repro4j.train.TrainingRun;

/**
 * Trains sparse subnetworks of one initialized parent {@link Mlp}, each from the parent's own initial weights: the
 * setting of Farahani (2024, "Random Search as a Baseline for Sparse Neural Network Architecture Search", arXiv
 * 2403.08265), where a sparse configuration is a set of nodes of an over-parameterized network at initialization.
 *
 * <p>Every run starts the same way: the parent is rewound to the weights it had when the trainer was made, the
 * node mask is applied with {@link ParamMask#prune} (removed weights and biases set to exactly 0 and kept there:
 * the masked forward pass gives them no gradient and Adam's state starts at 0), and the subnetwork is trained with
 * Adam (learning rate {@value #LEARNING_RATE}) on batches of {@value #BATCH_SIZE} in one fixed order. So two runs
 * differ only in their node masks: same initial values of the kept weights, same batches, same steps.
 *
 * <p>Three image sets, all flattened to {@code [n, h·w]} with pixels in [0, 1]: the training set, a validation
 * set that scores the search and traces the learning curves, and a test set touched only by
 * {@link SubnetworkRun#testAccuracy()}.
 */
public final class SubnetworkTrainer {

    /** Examples per optimizer step. */
    public static final int BATCH_SIZE = 128;
    /** Adam's learning rate. */
    public static final double LEARNING_RATE = 1e-3;
    private static final int EVAL_BATCH = 1000;

    private final Mlp parent;
    private final WeightSnapshot initial;
    private final NDArray trainX;
    private final NDArray trainY;
    private final NDArray validationX;
    private final NDArray validationY;
    private final NDArray testX;
    private final NDArray testY;
    private final long seed;

    /**
     * @param parent the initialized over-parameterized MLP; its current weights are the initialization every run
     *     starts from, and it is trained in place by each run
     * @param train training images
     * @param validation held-out images for the search's scores and the learning curves
     * @param test images for the final accuracy only
     * @param arrays owns the image arrays; closing it frees them
     * @param seed the batch order, the same for every run
     */
    public SubnetworkTrainer(Mlp parent, LabeledImages train, LabeledImages validation, LabeledImages test,
            NDManager arrays, long seed) {
        this.parent = parent;
        this.initial = WeightSnapshot.of(parent);
        this.trainX = train.imagesArray(arrays, LabeledImages.Layout.FLAT);             // [n, 784]
        this.trainY = train.labelsArray(arrays);                                        // [n]
        this.validationX = validation.imagesArray(arrays, LabeledImages.Layout.FLAT);
        this.validationY = validation.labelsArray(arrays);
        this.testX = test.imagesArray(arrays, LabeledImages.Layout.FLAT);
        this.testY = test.labelsArray(arrays);
        this.seed = seed;
    }

    /** @return the parent MLP (holding the weights of the last run) */
    public Mlp parent() {
        return parent;
    }

    /** @return optimizer steps in one pass over the training set (the last incomplete batch is dropped) */
    public long stepsPerEpoch() {
        return trainX.getShape().get(0) / BATCH_SIZE;
    }

    /**
     * The search's score of a candidate: a short training from the initialization, then the validation loss.
     *
     * @param mask the candidate
     * @param steps optimizer steps of the short training, ≥ 1
     * @return mean cross-entropy on the validation set after those steps, in nats (lower is better)
     * @throws IllegalArgumentException if the mask does not fit the parent
     */
    public double shortTrainingScore(NodeMask mask, long steps) {
        try (ParamMask.Applied pruned = start(mask)) {
            return fit("score", steps).evaluate("validation", validationX, validationY).evaluateEvery(steps).quiet()
                    .run().last("validation_loss");
        }
    }

    /**
     * Trains a subnetwork to the end and measures it.
     *
     * @param mask the subnetwork
     * @param epochs passes over the training set, ≥ 1
     * @param curvePoints validation evaluations during training (besides the one before the first step), ≥ 1
     * @param label the run's name on its progress bar
     * @return its validation learning curve from step 0, test accuracy and the removed weights that are not 0
     * @throws IllegalArgumentException if the mask does not fit the parent
     */
    public SubnetworkRun train(NodeMask mask, int epochs, int curvePoints, String label) {
        long steps = epochs * stepsPerEpoch();
        ParamMask weights = mask.toParamMask(parent);
        double atStart;
        TrainingRun run;
        double test;
        try (ParamMask.Applied pruned = start(mask)) {
            atStart = accuracy(validationX, validationY);
            run = fit(label, steps).evaluate("validation", validationX, validationY)
                    .metric("accuracy", Metrics::accuracy).evaluateEvery(Math.max(1, steps / curvePoints)).run();
            test = accuracy(testX, testY);
        }
        return SubnetworkRun.of(mask, run, atStart, test, removedNonzeros(weights));
    }

    /** Rewinds the parent to its initialization and prunes it to the node mask. */
    private ParamMask.Applied start(NodeMask mask) {
        initial.restore(parent);
        return mask.toParamMask(parent).prune(parent);
    }

    private Fit fit(String label, long steps) {
        return Fit.of(parent).data(trainX, trainY, BATCH_SIZE).optimizer(Optimizer.adam(LEARNING_RATE))
                .steps(steps).seed(seed).label(label);
    }

    /** Accuracy of the parent as the forward pass sees it, {@value #EVAL_BATCH} images per pass. */
    private double accuracy(NDArray x, NDArray labels) {
        long n = x.getShape().get(0);
        long correct = 0;
        try (NDManager scope = x.getManager().newSubManager()) { // frees the activations
            for (long from = 0; from < n; from += EVAL_BATCH) {
                NDIndex rows = new NDIndex("{}:{}", from, Math.min(n, from + EVAL_BATCH));
                NDArray batch = x.get(scope, rows);                                         // [≤1000, 784]
                long size = batch.getShape().get(0);
                correct += Math.round(Metrics.accuracy(parent.logits(batch), labels.get(scope, rows)) * size);
            }
        }
        return (double) correct / n;
    }

    /** Stored weights and biases that the mask removes but that are not exactly 0. */
    private long removedNonzeros(ParamMask mask) {
        long count = 0;
        for (String name : mask.names()) {
            float[] values = parent.parameter(name).toFloatArray();
            for (int i = 0; i < values.length; i++) {
                if (values[i] != 0 && !mask.isKept(name, i)) {
                    count++;
                }
            }
        }
        return count;
    }
}
