package org.repro4j.papers.shortcutlearning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.repro4j.data.LabeledImages;
import org.repro4j.display.ProgressBar;
import org.repro4j.models.SmallCnn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/**
 * Availability as pixel footprint on real images: trains a small CNN on the {@link ShortcutPatch} Fashion-MNIST
 * task for several square sizes k and reads, at checkpoints, how often it follows the square on the conflict set.
 * After Hermann, Mobahi, Fel &amp; Mozer, "On the Foundations of Shortcut Learning", ICLR 2024 (arXiv 2310.16228),
 * Fig. 4, where a larger object footprint makes a feature more available; this garment task is repro4j's
 * reconstruction (package documentation), not the paper's images.
 *
 * <p>Set-up: garment predictivity p_c = {@value #CORE_PREDICTIVITY} (20 % label flips), square predictivity
 * p_s = {@value #SHORTCUT_PREDICTIVITY}, so the Bayes rule follows the garment and the Bayes follow rate is about
 * 0 (up to garment confusions). Model {@code SmallCnn(1, false, 8, 16)} with PyTorch initialization, logistic
 * loss, plain SGD (lr {@value #LEARNING_RATE}, batch {@value #BATCH_SIZE}). Run seed s draws the label flips and
 * square positions, the initial weights and the batch order.
 */
public final class ShortcutPatchSweep {

    /** p_s: probability that the square indicates the label. */
    public static final double SHORTCUT_PREDICTIVITY = 0.7;

    /** p_c: probability that the label is the garment group (1 − the flip rate). */
    public static final double CORE_PREDICTIVITY = 0.8;

    /** SGD learning rate. */
    public static final double LEARNING_RATE = 0.05;

    /** Minibatch size. */
    public static final int BATCH_SIZE = 64;

    /**
     * Follow rates, one row per (k, seed, checkpoint step). Columns: {@code k} (square side in pixels),
     * {@code seed}, {@code step}, {@code follow_rate} (fraction of conflict images classified as the square says),
     * {@code cpu_s} (CPU seconds of the training thread since the run began).
     *
     * @param table the rows
     */
    public record Results(Table table) {

        /**
         * @param side the square side k
         * @param step a checkpoint step
         * @return the follow rate for each seed, in the order run
         * @throws IllegalArgumentException if that (k, step) was not run
         */
        public double[] followRates(int side, int step) {
            List<Double> matches = new ArrayList<>();
            for (int row = 0; row < table.rowCount(); row++) {
                if (table.intColumn("k").getInt(row) == side && table.intColumn("step").getInt(row) == step) {
                    matches.add(table.doubleColumn("follow_rate").getDouble(row));
                }
            }
            if (matches.isEmpty()) {
                throw new IllegalArgumentException("no follow rate for k = " + side + " at step " + step
                        + "; run the sweep with that square size and checkpoint first");
            }
            return matches.stream().mapToDouble(Double::doubleValue).toArray();
        }

        /**
         * @param side the square side k
         * @param step a checkpoint step
         * @return the mean follow rate over the seeds
         * @throws IllegalArgumentException if that (k, step) was not run
         */
        public double meanFollowRate(int side, int step) {
            double[] rates = followRates(side, step);
            double sum = 0;
            for (double r : rates) {
                sum += r;
            }
            return sum / rates.length;
        }
    }

    private final LabeledImages train;
    private final LabeledImages conflict;

    private ShortcutPatchSweep(LabeledImages train, LabeledImages conflict) {
        this.train = train;
        this.conflict = conflict;
    }

    /**
     * @param train Fashion-MNIST images (28×28, classes 0..9) to build the training sets from
     * @param conflict held-out Fashion-MNIST images to build the conflict set from
     * @return the sweep
     * @throws IllegalArgumentException if the images are not 28×28
     */
    public static ShortcutPatchSweep of(LabeledImages train, LabeledImages conflict) {
        for (LabeledImages images : List.of(train, conflict)) {
            if (images.height() != ShortcutPatch.SIDE || images.width() != ShortcutPatch.SIDE) {
                throw new IllegalArgumentException("the patch task needs 28x28 Fashion-MNIST images; got "
                        + images.height() + "x" + images.width() + " (load them with FashionMnist.train())");
            }
        }
        return new ShortcutPatchSweep(train, conflict);
    }

    /**
     * Trains one CNN per (k, seed), each once to the last checkpoint, reading the follow rate at each checkpoint.
     *
     * @param sides square sides k in pixels, each in [1, 14] (the notebook uses 2, 4, 8)
     * @param seeds run seeds
     * @param checkpoints strictly increasing steps ≥ 1
     * @return one row per (k, seed, checkpoint)
     * @throws IllegalArgumentException if a list is empty, a side is out of range or the checkpoints are invalid
     */
    public Results run(List<Integer> sides, List<Long> seeds, int... checkpoints) {
        Checkpoints.requireIncreasing(checkpoints);
        if (sides.isEmpty() || seeds.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs at least one square side and one seed; got "
                    + sides.size() + " and " + seeds.size());
        }
        Table table = Table.create("patch following", IntColumn.create("k"), LongColumn.create("seed"),
                IntColumn.create("step"), DoubleColumn.create("follow_rate"), DoubleColumn.create("cpu_s"));
        int budget = checkpoints[checkpoints.length - 1];
        long[] done = {0};
        float[][] trainImages = train.flatImages();
        float[][] conflictImages = conflict.flatImages();
        try (ProgressBar bar = ProgressBar.start("patch sweep", (long) budget * sides.size() * seeds.size())) {
            for (long seed : seeds) {
                for (int side : sides) {
                    ShortcutPatch task = ShortcutPatch.create(side, SHORTCUT_PREDICTIVITY, CORE_PREDICTIVITY, seed);
                    ShortcutPatch.Images training = task.training(trainImages, train.labels());
                    ShortcutPatch.Images conflicts = task.conflict(conflictImages, conflict.labels());
                    String status = String.format(Locale.ROOT, "k=%d, seed %d", side, seed);
                    try (NDManager manager = NDManager.newBaseManager()) {
                        SmallCnn model = new SmallCnn(1, false, 8, 16).initialize(manager, seed);
                        NDArray conflictX = manager.create(conflicts.x());
                        Checkpoints.trainLogistic(model, manager.create(training.x()), manager.create(training.y()),
                                BATCH_SIZE, LEARNING_RATE, seed, checkpoints, (step, cpuSeconds) -> {
                                    table.intColumn("k").append(side);
                                    table.longColumn("seed").append(seed);
                                    table.intColumn("step").append(step);
                                    table.doubleColumn("follow_rate").append(ShortcutBias.followRate(
                                            Checkpoints.logits(model, conflictX), conflicts.square()));
                                    table.doubleColumn("cpu_s").append(cpuSeconds);
                                }, step -> bar.update(++done[0], status));
                    }
                }
            }
            bar.finish(String.format(Locale.ROOT, "%d runs", sides.size() * seeds.size()));
        }
        return new Results(table);
    }
}
