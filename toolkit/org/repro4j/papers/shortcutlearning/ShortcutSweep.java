package org.repro4j.papers.shortcutlearning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;
import org.repro4j.display.ProgressBar;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import org.repro4j.papers.shortcutlearning.ShortcutData.Feature;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Trains models on {@link ShortcutData} and measures their {@link ShortcutBias} at checkpoints during training: the
 * toy experiments of Hermann, Mobahi, Fel &amp; Mozer, "On the Foundations of Shortcut Learning", ICLR 2024
 * (arXiv 2310.16228), in repro4j's reconstructed design (package documentation).
 *
 * <p>Each run trains one freshly initialized model ({@link Architecture}, PyTorch initialization) with the logistic
 * loss softplus(−y·f), plain minibatch SGD (lr {@value #LEARNING_RATE}, batch {@value #BATCH_SIZE}) on a training
 * set of the configured size, and at each checkpoint step measures the bias on a decorrelated probe set. A run is
 * trained once to its last checkpoint; the earlier checkpoints are read on the way, not by retraining.
 *
 * <p>Seeds: run seed s draws the data ({@code ShortcutData.create(..., s)}: embedding, training and probe sets),
 * the initial weights and the batch order. Every architecture and setting with the same s therefore sees the same
 * noise, which makes the comparisons between models paired.
 *
 * <pre>{@code
 * Setting headline = new Setting(Feature.of(0.7, 16), Feature.of(0.9, 1));
 * ShortcutSweep.Results results = ShortcutSweep.of(2000, 4000).run(
 *         List.of(Architecture.LINEAR, Architecture.RELU1), List.of(headline), List.of(1L, 2L, 3L), 30, 100, 300);
 * results.mean("bias", Architecture.RELU1, headline, 300);   // mean over the three seeds
 * }</pre>
 */
public final class ShortcutSweep {

    /** Hidden-layer width of the MLPs (the reconstructed toy). */
    public static final int WIDTH = 128;

    /** SGD learning rate. */
    public static final double LEARNING_RATE = 0.01;

    /** Minibatch size. */
    public static final int BATCH_SIZE = 64;

    /**
     * A model family: an MLP of {@code depth} hidden layers of {@value #WIDTH} units and one output logit;
     * depth 0 is a linear model.
     *
     * @param name short name used in tables and plots, e.g. {@code "ReLU1"}
     * @param depth number of hidden layers ≥ 0
     * @param activation the hidden layers' nonlinearity (unused at depth 0)
     */
    public record Architecture(String name, int depth, Nonlinearity activation) {

        /** A linear model f = w·x + b. */
        public static final Architecture LINEAR = new Architecture("linear", 0, Nonlinearity.IDENTITY);
        /** One hidden ReLU layer. */
        public static final Architecture RELU1 = new Architecture("ReLU1", 1, Nonlinearity.RELU);
        /** One hidden tanh layer. */
        public static final Architecture TANH1 = new Architecture("Tanh1", 1, Nonlinearity.TANH);
        /** Three hidden ReLU layers. */
        public static final Architecture RELU3 = new Architecture("ReLU3", 3, Nonlinearity.RELU);

        /**
         * @throws IllegalArgumentException if the name is blank or the depth negative
         */
        public Architecture {
            if (name == null || name.isBlank() || depth < 0 || activation == null) {
                throw new IllegalArgumentException("an architecture needs a name, a depth >= 0 and an activation;"
                        + " got name=" + name + ", depth=" + depth + ", activation=" + activation);
            }
        }

        /**
         * @param inputDim input dimension d
         * @param manager owns the parameters
         * @param seed seed of the initial weights
         * @return the initialized model, inputs [batch, d] to logits [batch, 1]
         */
        public Mlp build(int inputDim, NDManager manager, long seed) {
            return new Mlp(inputDim, depth, WIDTH, 1, activation).initialize(manager, seed);
        }
    }

    /**
     * One data condition of the sweep: the shortcut's and the core's predictivity and availability.
     *
     * @param shortcut z_s, e.g. {@code Feature.of(0.7, 16)}
     * @param core z_c, e.g. {@code Feature.of(0.9, 1)}
     */
    public record Setting(Feature shortcut, Feature core) {

        /**
         * @throws IllegalArgumentException if a feature is null
         */
        public Setting {
            if (shortcut == null || core == null) {
                throw new IllegalArgumentException("a setting needs both features, e.g. new Setting(Feature.of(0.7,"
                        + " 16), Feature.of(0.9, 1))");
            }
        }

        /**
         * @param seed the run seed
         * @return the generator of this setting for that seed
         */
        public ShortcutData data(long seed) {
            return ShortcutData.create(shortcut, core, seed);
        }
    }

    /**
     * A sweep's measurements, one row per (model, setting, seed, checkpoint step). Columns: {@code model}; the
     * setting as {@code p_s}, {@code alpha_s}, {@code eta_s}, {@code p_c}, {@code alpha_c}, {@code eta_c}
     * (predictivity, amplitude, nesting of each feature); {@code seed}, {@code step}; {@code reliance} (R_s),
     * {@code bayes_reliance} (R*_s), {@code bias} (R_s − R*_s), {@code follow_bias} (conflict-set follow rate minus
     * Bayes's); {@code cpu_s} (CPU seconds of the training thread since the run began, measurements included).
     *
     * @param table the rows
     */
    public record Results(Table table) {

        /**
         * The mean of a column over the seeds of one cell of the sweep, and over several checkpoints if given
         * (e.g. the last few hundred steps of training, to average out SGD's step-to-step jitter).
         *
         * @param column e.g. {@code "bias"} or {@code "reliance"}
         * @param model the architecture
         * @param setting the data setting
         * @param steps one or more checkpoint steps
         * @return the mean over the matching rows
         * @throws IllegalArgumentException if no steps are given or a step has no row, naming what was asked
         */
        public double mean(String column, Architecture model, Setting setting, int... steps) {
            if (steps.length == 0) {
                throw new IllegalArgumentException("name at least one checkpoint step to average over");
            }
            double sum = 0;
            int count = 0;
            for (int step : steps) {
                for (double value : values(column, model, setting, step)) {
                    sum += value;
                    count++;
                }
            }
            return sum / count;
        }

        /**
         * @param column e.g. {@code "bias"}
         * @param model the architecture
         * @param setting the data setting
         * @param step a checkpoint step
         * @return the column's value for each seed, in the order run
         * @throws IllegalArgumentException if no row matches
         */
        public double[] values(String column, Architecture model, Setting setting, int step) {
            double[] values = matching(column, model.name(), setting, step);
            if (values.length == 0) {
                throw new IllegalArgumentException("no measurement of " + model.name() + " at step " + step
                        + " for " + setting + "; run the sweep with that model, setting and checkpoint first");
            }
            return values;
        }

        /**
         * A wide summary for reading: one row per model and setting other than α_s, in the order run, and one
         * column per shortcut amplitude α_s, each cell the mean over the seeds at {@code step} (empty where
         * that amplitude was not run; notebooks show it with 4 significant digits).
         *
         * @param column e.g. {@code "bias"}
         * @param step a checkpoint step
         * @return columns {@code model}, {@code p_s}, {@code p_c}, then {@code alpha_s = <α>} for each amplitude
         */
        public Table byAmplitude(String column, int step) {
            List<Double> amplitudes = new ArrayList<>(table.doubleColumn("alpha_s").unique().asList());
            amplitudes.sort(null);
            Table wide = Table.create("mean " + column + " at step " + step, StringColumn.create("model"),
                    DoubleColumn.create("p_s"), DoubleColumn.create("p_c"));
            amplitudes.forEach(a -> wide.addColumns(DoubleColumn.create("alpha_s = " + plain(a))));
            List<String> done = new ArrayList<>();
            for (int row = 0; row < table.rowCount(); row++) {
                String model = table.stringColumn("model").get(row);
                Setting setting = setting(row);
                String key = model + " " + setting.shortcut().predictivity() + " " + setting.shortcut().nesting()
                        + " " + setting.core();
                if (done.contains(key)) {
                    continue;
                }
                done.add(key);
                wide.stringColumn("model").append(model);
                wide.doubleColumn("p_s").append(setting.shortcut().predictivity());
                wide.doubleColumn("p_c").append(setting.core().predictivity());
                for (double a : amplitudes) {
                    Feature shortcut = setting.shortcut();
                    double[] values = matching(column, model, new Setting(
                            new Feature(shortcut.predictivity(), a, shortcut.nesting()), setting.core()), step);
                    double mean = Arrays.stream(values).average().orElse(Double.NaN);
                    wide.doubleColumn("alpha_s = " + plain(a)).append(mean);
                }
            }
            return wide;
        }

        /**
         * @param other results of another sweep with the same columns
         * @return the rows of both, this one's first
         */
        public Results append(Results other) {
            return new Results(table.copy().append(other.table));
        }

        private double[] matching(String column, String model, Setting setting, int step) {
            DoubleColumn values = table.doubleColumn(column);
            List<Double> matches = new ArrayList<>();
            for (int row = 0; row < table.rowCount(); row++) {
                if (table.stringColumn("model").get(row).equals(model) && setting(row).equals(setting)
                        && table.intColumn("step").getInt(row) == step) {
                    matches.add(values.getDouble(row));
                }
            }
            return matches.stream().mapToDouble(Double::doubleValue).toArray();
        }

        private Setting setting(int row) {
            return new Setting(
                    new Feature(table.doubleColumn("p_s").getDouble(row), table.doubleColumn("alpha_s").getDouble(row),
                            table.intColumn("eta_s").getInt(row)),
                    new Feature(table.doubleColumn("p_c").getDouble(row), table.doubleColumn("alpha_c").getDouble(row),
                            table.intColumn("eta_c").getInt(row)));
        }
    }

    private final int trainSize;
    private final int probeSize;

    private ShortcutSweep(int trainSize, int probeSize) {
        this.trainSize = trainSize;
        this.probeSize = probeSize;
    }

    /**
     * @param trainSize training samples per run ≥ {@value #BATCH_SIZE} (notebook: 2000)
     * @param probeSize probe samples for the bias regression ≥ 100 (notebook: 4000)
     * @return a sweep with the toy's optimizer settings
     * @throws IllegalArgumentException if a size is too small
     */
    public static ShortcutSweep of(int trainSize, int probeSize) {
        if (trainSize < BATCH_SIZE || probeSize < 100) {
            throw new IllegalArgumentException("need at least " + BATCH_SIZE + " training samples (one batch) and 100"
                    + " probe samples; got " + trainSize + " and " + probeSize + " (the notebook uses 2000 and 4000)");
        }
        return new ShortcutSweep(trainSize, probeSize);
    }

    /**
     * Trains a model in place on {@code data}'s training set and measures its bias at each checkpoint.
     *
     * @param model an initialized model, inputs [batch, d] to logits [batch, 1]; trained in place, so it can be
     *     inspected afterwards (e.g. with {@link DecisionSurface})
     * @param data the generator
     * @param seed seed of the batch order
     * @param checkpoints strictly increasing steps ≥ 1; the last one is the training budget
     * @return one measurement per checkpoint, in order
     * @throws IllegalArgumentException if the checkpoints are empty, not increasing or not positive
     */
    public List<ShortcutBias> train(Mlp model, ShortcutData data, long seed, int... checkpoints) {
        return train(model, data, seed, checkpoints, (step, cpuSeconds) -> {}, step -> {});
    }

    /** As the public train, also calling {@code atCheckpoint} after each measurement and {@code each} every step. */
    private List<ShortcutBias> train(Mlp model, ShortcutData data, long seed, int[] checkpoints,
            Checkpoints.AtCheckpoint atCheckpoint, IntConsumer each) {
        Checkpoints.requireIncreasing(checkpoints);
        ShortcutData.Samples training = data.training(trainSize);
        ShortcutData.Samples probe = data.probe(probeSize);
        List<ShortcutBias> measured = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray probeX = manager.create(probe.x());
            Checkpoints.trainLogistic(model, manager.create(training.x()), manager.create(training.y()), BATCH_SIZE,
                    LEARNING_RATE, seed, checkpoints, (step, cpuSeconds) -> {
                        measured.add(ShortcutBias.measure(Checkpoints.logits(model, probeX), probe, data));
                        atCheckpoint.accept(step, cpuSeconds);
                    }, each);
        }
        return measured;
    }

    /**
     * Runs every architecture on every setting with every seed, each trained once to the last checkpoint.
     *
     * @param models the architectures
     * @param settings the data settings
     * @param seeds the run seeds (the notebook uses 3)
     * @param checkpoints strictly increasing steps ≥ 1, e.g. 30, 100, 300, 1000, 3000
     * @return one row per (model, setting, seed, checkpoint)
     * @throws IllegalArgumentException if a list is empty or the checkpoints are invalid
     */
    public Results run(List<Architecture> models, List<Setting> settings, List<Long> seeds, int... checkpoints) {
        Checkpoints.requireIncreasing(checkpoints);
        if (models.isEmpty() || settings.isEmpty() || seeds.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs at least one model, setting and seed; got "
                    + models.size() + ", " + settings.size() + " and " + seeds.size());
        }
        Table table = Table.create("shortcut bias", StringColumn.create("model"),
                DoubleColumn.create("p_s"), DoubleColumn.create("alpha_s"), IntColumn.create("eta_s"),
                DoubleColumn.create("p_c"), DoubleColumn.create("alpha_c"), IntColumn.create("eta_c"),
                LongColumn.create("seed"), IntColumn.create("step"),
                DoubleColumn.create("reliance"), DoubleColumn.create("bayes_reliance"), DoubleColumn.create("bias"),
                DoubleColumn.create("follow_bias"), DoubleColumn.create("cpu_s"));
        long budget = checkpoints[checkpoints.length - 1];
        long total = budget * models.size() * settings.size() * seeds.size();
        long[] done = {0};
        try (ProgressBar bar = ProgressBar.start("shortcut sweep", total)) {
            for (Setting setting : settings) {
                for (long seed : seeds) {
                    ShortcutData data = setting.data(seed);
                    for (Architecture architecture : models) {
                        String status = String.format(Locale.ROOT, "%s, alpha_s=%s, p_s=%s, seed %d",
                                architecture.name(), plain(setting.shortcut().amplitude()),
                                plain(setting.shortcut().predictivity()), seed);
                        List<Double> cpuAt = new ArrayList<>();
                        List<ShortcutBias> measured;
                        try (NDManager manager = NDManager.newBaseManager()) {
                            Mlp model = architecture.build(data.dim(), manager, seed);
                            measured = train(model, data, seed, checkpoints, (step, cpuSeconds) -> cpuAt.add(cpuSeconds),
                                    step -> bar.update(++done[0], status));
                        }
                        for (int k = 0; k < checkpoints.length; k++) {
                            addRow(table, architecture, setting, seed, checkpoints[k], measured.get(k), cpuAt.get(k));
                        }
                    }
                }
            }
            bar.finish(String.format(Locale.ROOT, "%d runs", models.size() * settings.size() * seeds.size()));
        }
        return new Results(table);
    }

    private static void addRow(Table table, Architecture model, Setting setting, long seed, int step,
            ShortcutBias bias, double cpuSeconds) {
        table.stringColumn("model").append(model.name());
        table.doubleColumn("p_s").append(setting.shortcut().predictivity());
        table.doubleColumn("alpha_s").append(setting.shortcut().amplitude());
        table.intColumn("eta_s").append(setting.shortcut().nesting());
        table.doubleColumn("p_c").append(setting.core().predictivity());
        table.doubleColumn("alpha_c").append(setting.core().amplitude());
        table.intColumn("eta_c").append(setting.core().nesting());
        table.longColumn("seed").append(seed);
        table.intColumn("step").append(step);
        table.doubleColumn("reliance").append(bias.reliance());
        table.doubleColumn("bayes_reliance").append(bias.bayesReliance());
        table.doubleColumn("bias").append(bias.bias());
        table.doubleColumn("follow_bias").append(bias.followBias());
        table.doubleColumn("cpu_s").append(cpuSeconds);
    }

    /** 16.0 → "16", 0.7 → "0.7". */
    private static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
