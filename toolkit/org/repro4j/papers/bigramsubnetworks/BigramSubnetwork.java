package org.repro4j.papers.bigramsubnetworks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.repro4j.data.BigramTable;
import org.repro4j.data.LmBatches;
import org.repro4j.engine.AutogradConstants;
import org.repro4j.engine.NativeMemory;
import org.repro4j.loss.SoftTargetCrossEntropy;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.pruning.ContinuousSparsification;
import org.repro4j.pruning.ParamMask;
import org.repro4j.train.Batch;
import org.repro4j.train.Batches;
import org.repro4j.train.Fit;
import org.repro4j.train.Optimizer;
import org.repro4j.train.TrainingRun;

/**
 * Learns the subnetwork of a frozen language model that maps each token to the next-token distribution of a target:
 * the bigram subnetwork of Chang &amp; Bergen (2025, "Bigram Subnetworks: Mapping to Next Tokens in Transformer
 * Language Models", arXiv 2504.15471, §3), or with the model's own predictions as target their "optimal pruning"
 * (distillation) subnetwork.
 *
 * <p><b>Method</b> (the authors' {@code paper_code/utils/circuit_utils.py}, {@code train_circuit}): every maskable
 * weight matrix is read as {@code W ⊙ σ(T·s)} ({@link ContinuousSparsification}) and only the mask logits
 * {@code s} are trained, with AdamW (weight decay 0.01, PyTorch's default), on
 * <pre>
 *   L = CE_soft(logits_masked, P_target(· | w_≤t)) + (λ / N) · Σ σ(T·s)
 * </pre>
 * averaged over positions, {@code N} the number of masked weights. After each step {@code T} is multiplied by a
 * constant; training stops once fewer than 1 % of the kept weights ({@code σ > 0.9}) are undecided
 * ({@code 0.1 ≤ σ ≤ 0.9}), or after the step budget. The result is the evaluation mask {@code 1[s > 0]}.
 * The authors retry with reshuffled data when the loss curve spikes; this class does not.
 *
 * <p><b>Targets.</b> {@link #bigrams(BigramTable)}: the bigram distribution of the current token.
 * {@link #fullModel()}: the unmasked model's softmax, computed with the masks bypassed — computing it from the
 * masked model instead makes the target chase the mask and collapses the mask to empty (found by the prototype of this toy).
 *
 * <pre>{@code
 * BigramSubnetwork.Result bigram = BigramSubnetwork.train(lm, BigramSubnetwork.bigrams(table),
 *         new LmBatches(trainIds, 32, 32), BigramSubnetwork.Settings.toy(1.0), seed);
 * bigram.mask().keptFraction();
 * }</pre>
 */
public final class BigramSubnetwork {

    /** Undecided weights allowed, as a fraction of kept weights, when training stops (authors: 1 %). */
    public static final double STOP_TOLERANCE = 0.01;
    /** AdamW's decoupled weight decay on the logits (PyTorch's default, which the authors keep). */
    public static final double WEIGHT_DECAY = 0.01;

    private BigramSubnetwork() {}

    /**
     * Mask-training hyper-parameters.
     *
     * @param lambda sparsity weight λ (normalized by {@code N} inside the loss), ≥ 0
     * @param learningRate AdamW learning rate on the logits
     * @param temperatureGrowth factor applied to {@code T} after each step, &gt; 1
     * @param maxSteps step budget (training may stop earlier when the mask is decided)
     */
    public record Settings(double lambda, double learningRate, double temperatureGrowth, int maxSteps) {

        /** Checks the values; the message names the field. */
        public Settings {
            if (!(lambda >= 0) || Double.isInfinite(lambda)) {
                throw new IllegalArgumentException("lambda must be a finite number ≥ 0; got " + lambda);
            }
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("learningRate must be positive; got " + learningRate);
            }
            if (!(temperatureGrowth > 1) || Double.isInfinite(temperatureGrowth)) {
                throw new IllegalArgumentException("temperatureGrowth must be > 1 (e.g. 1.01); got "
                        + temperatureGrowth);
            }
            if (maxSteps < 1) {
                throw new IllegalArgumentException("maxSteps must be ≥ 1; got " + maxSteps);
            }
        }

        /**
         * The authors' setting for Pythia and GPT-2: lr 5e-5, {@code T ×1.001} per step, up to 15 000 steps of 32
         * sequences (λ = 10 for 160M-class models, 100 for 1B).
         *
         * @param lambda sparsity weight
         * @return the settings
         */
        public static Settings paper(double lambda) {
            return new Settings(lambda, 5e-5, 1.001, 15_000);
        }

        /**
         * The toy setting (package documentation) for a 150k-weight model: lr 0.05, {@code T ×1.01}, 800 steps
         * ({@code T} reaches about 3000).
         *
         * @param lambda sparsity weight (1.0 for the bigram subnetwork)
         * @return the settings
         */
        public static Settings toy(double lambda) {
            return new Settings(lambda, 0.05, 1.01, 800);
        }

        /**
         * @param steps new step budget
         * @return a copy with that budget
         */
        public Settings withMaxSteps(int steps) {
            return new Settings(lambda, learningRate, temperatureGrowth, steps);
        }

        /**
         * @param growth new temperature factor per step
         * @return a copy with that factor
         */
        public Settings withTemperatureGrowth(double growth) {
            return new Settings(lambda, learningRate, growth, maxSteps);
        }
    }

    /** What the masked model is trained to predict at each position. */
    public interface Target {
        /**
         * @param lm the model being masked
         * @param masks its installed soft masks
         * @param inputs token ids {@code [batch, seq]}, in the training step's manager
         * @return target next-token distributions {@code [batch, seq, vocab]}, not differentiable
         */
        NDArray distributions(TinyTransformerLM lm, ContinuousSparsification masks, NDArray inputs);
    }

    /**
     * @param table bigram model of the training split
     * @return the bigram target {@code P(· | w_t)} (the bigram subnetwork)
     */
    public static Target bigrams(BigramTable table) {
        return new Target() {
            @Override
            public NDArray distributions(TinyTransformerLM lm, ContinuousSparsification masks, NDArray inputs) {
                if (table.vocabSize() != lm.config().vocabSize()) {
                    throw new IllegalArgumentException("the bigram table has " + table.vocabSize()
                            + " ids but the model " + lm.config().vocabSize() + "; count it with the model's Vocab");
                }
                return table.nextTokenDistributions(inputs);
            }

            @Override
            public String toString() {
                return "bigram";
            }
        };
    }

    /** @return the unmasked model's own softmax (the "optimal pruning" / distillation subnetwork) */
    public static Target fullModel() {
        return new Target() {
            @Override
            public NDArray distributions(TinyTransformerLM lm, ContinuousSparsification masks, NDArray inputs) {
                return masks.withoutMask(() -> lm.logits(inputs).softmax(-1).stopGradient());
            }

            @Override
            public String toString() {
                return "full-model";
            }
        };
    }

    /**
     * A learned subnetwork.
     *
     * @param mask the evaluation mask {@code 1[s > 0]}
     * @param run training history ({@code train_loss} includes the sparsity term) and time
     * @param decided whether the stop rule ended training (false: the step budget ran out first)
     * @param temperature {@code T} at the end
     * @param settings the settings used
     */
    public record Result(ParamMask mask, TrainingRun run, boolean decided, double temperature, Settings settings) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s after %d steps (%s, T = %.0f, λ = %s)", mask, run.steps(),
                    decided ? "decided" : "step budget reached", temperature, settings.lambda());
        }
    }

    /**
     * Trains a mask on a frozen model. The model's weights are not changed; its parameters are frozen during
     * training and restored afterwards, and the soft masks are removed when this returns.
     *
     * @param lm the model
     * @param target what the masked model should predict
     * @param data training windows (their batch size is the training batch size)
     * @param settings hyper-parameters
     * @param seed seed of the window positions and of the engine
     * @return the mask and its training record
     * @throws IllegalStateException if a maskable matrix of {@code lm} already has a weight transform
     */
    public static Result train(TinyTransformerLM lm, Target target, LmBatches data, Settings settings, long seed) {
        NativeMemory.keepFreedMemory();
        List<Parameter> frozen = new ArrayList<>();
        for (Parameter p : lm.getParameters().values()) {
            if (p.requiresGradient()) {
                p.freeze(true); // gradients of the base weights would cost a second backward matmul per layer
                frozen.add(p);
            }
        }
        try (ContinuousSparsification masks = ContinuousSparsification.install(lm)) {
            double perWeight = settings.lambda() / masks.size();
            SoftTargetCrossEntropy crossEntropy = new SoftTargetCrossEntropy();
            boolean[] decided = {false};
            TrainingRun run = Fit.of(new MaskedModel(lm, masks))
                    .data(targetBatches(lm, masks, target, data, seed))
                    .loss((logits, targets) -> crossEntropy.apply(logits, targets)
                            .add(AutogradConstants.times(masks.softKept(logits.getManager()), perWeight)))
                    .optimizer(Optimizer.adamW(settings.learningRate(), WEIGHT_DECAY))
                    .steps(settings.maxSteps())
                    .seed(seed)
                    .afterStep(step -> {
                        // the authors test the rule before raising T, at the temperature the step was trained with
                        decided[0] = masks.isDecided(STOP_TOLERANCE);
                        if (!decided[0]) {
                            masks.anneal(settings.temperatureGrowth());
                        }
                    })
                    .stopWhen(step -> decided[0])
                    .label(target + " mask λ=" + settings.lambda())
                    .run();
            return new Result(masks.hardMask(), run, decided[0], masks.temperature(), settings);
        } finally {
            frozen.forEach(p -> p.freeze(false));
        }
    }

    private static Batches targetBatches(TinyTransformerLM lm, ContinuousSparsification masks, Target target,
            LmBatches data, long seed) {
        Random random = new Random(seed);
        return new Batches() {
            @Override
            public long batchesPerEpoch() {
                return data.randomBatchesPerEpoch();
            }

            @Override
            public Batch next(NDManager step) {
                NDArray inputs = data.random(random).toNDList(step).get(0);
                return new Batch(inputs, target.distributions(lm, masks, inputs));
            }
        };
    }

    /** The masked model as a block whose only parameters are the mask logits, so {@link Fit} trains just those. */
    private static final class MaskedModel extends AbstractBlock {
        private final TinyTransformerLM lm;

        MaskedModel(TinyTransformerLM lm, ContinuousSparsification masks) {
            this.lm = lm;
            masks.parameters().forEach(this::addParameter);
            // the logits already hold their values; this only records the input shape DJL asks of a ready block
            initialize(lm.manager(), DataType.FLOAT32, new Shape(1, lm.config().context()));
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                PairList<String, Object> params) {
            return lm.forward(store, inputs, training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return lm.getOutputShapes(inputShapes);
        }
    }
}
