package org.repro4j.earlyexit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.Random;
import org.repro4j.models.Init;
import org.repro4j.models.transformer.TransformerEncoder;

/**
 * PALBERT: a sequence classifier that ponders — an encoder (ALBERT-style shared block or not) applied step by step,
 * after every step a classifier and a halting probability, trained with {@link PonderLoss} and stopped at inference
 * by an {@link ExitRule} (Balagansky &amp; Gavrilov, 2022, "PALBERT: Teaching ALBERT to Ponder", NeurIPS, arXiv
 * 2204.03276; PonderNet: Banino et al., 2021, arXiv 2107.05407).
 *
 * <p><b>Step {@code i}</b> (with {@code h_i [b, s, d]} the encoder's hidden states after {@code i} applications):
 * <ol>
 *   <li>pooled state {@code u_i = tanh(meanpool(h_i)·W_pool + b_pool)} {@code [b, d]} (ALBERT's pooler, over the
 *       mean of the non-padding tokens instead of a {@code [CLS]} token);</li>
 *   <li>class logits {@code y_i = u_i·W_cls + b_cls} {@code [b, C]}, one classifier shared by all steps as in
 *       PALBERT's code;</li>
 *   <li>halting logit {@code z_i = Λ([u_i + e_i ; u_{i−1} + e_{i−1}])} with learned step embeddings {@code e_i}
 *       ({@code u_0 + e_0 = 0}) and the {@link LambdaLayer} {@code Λ}; {@code λ_i = σ(z_i)}.</li>
 * </ol>
 *
 * <p>As a DJL block (so {@code Fit} can train it), {@code forward} runs all {@code N} steps and maps
 * {@code NDList(tokens [b, s])} to {@code NDList(prediction [b, N, C + 1])}: the class logits of each step, then
 * its halting logit ({@link #classLogits}, {@link #haltingLogits} take them apart).
 *
 * <pre>{@code
 * TransformerEncoder encoder = TransformerEncoder.create(config, true, padId, seed);
 * PonderClassifier palbert = PonderClassifier.create(encoder, 3, 3, seed);
 * Fit.of(palbert).data(tokens, labels, 64).loss(new PonderLoss(0.5, 0.2)).steps(2000).run();
 * Exits exits = palbert.classify(testTokens, ExitRule.qExit(0.5));
 * }</pre>
 *
 * New weights start N(0, 0.02²), biases 0, from the seed. The classifier owns the encoder: closing it closes both.
 */
public final class PonderClassifier extends AbstractBlock implements AutoCloseable {

    private static final byte VERSION = 1;
    private static final float INIT_STD = 0.02f;

    private final TransformerEncoder encoder;
    private final int classes;
    private final Parameter poolW;
    private final Parameter poolB;
    private final Parameter classW;
    private final Parameter classB;
    private final Parameter stepEmbed;
    private final LambdaLayer lambda;
    private NDManager manager;

    private PonderClassifier(TransformerEncoder encoder, int classes, int lambdaDepth, Random init) {
        super(VERSION);
        this.encoder = encoder;
        this.classes = classes;
        int d = encoder.config().dModel();
        Initializer normal = Init.normal(init, INIT_STD);
        addChildBlock("encoder", encoder);
        poolW = parameter("pooler.W", Parameter.Type.WEIGHT, normal, d, d);
        poolB = parameter("pooler.b", Parameter.Type.BIAS, Initializer.ZEROS, d);
        classW = parameter("classifier.W", Parameter.Type.WEIGHT, normal, d, classes);
        classB = parameter("classifier.b", Parameter.Type.BIAS, Initializer.ZEROS, classes);
        stepEmbed = parameter("step_embed", Parameter.Type.WEIGHT, normal, encoder.config().nLayers(), d);
        lambda = addChildBlock("lambda", new LambdaLayer(2 * d, lambdaDepth, init));
    }

    private Parameter parameter(String name, Parameter.Type type, Initializer init, long... shape) {
        return addParameter(Parameter.builder().setName(name).setType(type).optInitializer(init)
                .optShape(new Shape(shape)).build());
    }

    /**
     * @param encoder the backbone, trained together with the heads; the classifier takes ownership
     * @param classes number of classes, ≥ 2
     * @param lambdaDepth tanh layers of the Lambda module (PALBERT's released commands: 3)
     * @param seed seed of the new weights
     * @return the classifier, with its own {@link NDManager} for the heads
     * @throws IllegalArgumentException if {@code classes < 2} or {@code lambdaDepth < 0}
     */
    public static PonderClassifier create(TransformerEncoder encoder, int classes, int lambdaDepth, long seed) {
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        PonderClassifier model = new PonderClassifier(encoder, classes, lambdaDepth, new Random(seed));
        model.manager = NDManager.newBaseManager();
        model.initialize(model.manager, DataType.FLOAT32, new Shape(1, encoder.config().context()));
        return model;
    }

    /** @return the number of classes {@code C} */
    public int classes() {
        return classes;
    }

    /** @return the number of steps {@code N} (the encoder's {@code nLayers}) */
    public int steps() {
        return encoder.config().nLayers();
    }

    /** @return the backbone */
    public TransformerEncoder encoder() {
        return encoder;
    }

    /**
     * @param prediction {@code [b, N, C + 1]} from {@link #predict} or {@code forward}
     * @return each step's class logits {@code [b, N, C]}
     */
    public static NDArray classLogits(NDArray prediction) {
        return prediction.get(new NDIndex(":, :, :-1"));
    }

    /**
     * @param prediction {@code [b, N, C + 1]}
     * @return each step's halting logit {@code z [b, N]}, {@code λ = σ(z)}
     */
    public static NDArray haltingLogits(NDArray prediction) {
        return prediction.get(new NDIndex(":, :, -1"));
    }

    /**
     * All steps in inference mode.
     *
     * @param tokens ids {@code [b, s]}; temporaries and the result belong to their manager
     * @return {@code [b, N, C + 1]}: class logits and halting logit of every step
     */
    public NDArray predict(NDArray tokens) {
        return forward(new ParameterStore(manager, false), new NDList(tokens), false).singletonOrThrow();
    }

    /**
     * Runs step by step until every example has exited by {@code rule} (or the last step), so compute stops with
     * the last example.
     *
     * @param tokens ids {@code [b, s]}; temporaries belong to their manager
     * @param rule when an example stops
     * @return exit step and prediction per example
     */
    public Exits classify(NDArray tokens, ExitRule rule) {
        int batch = (int) tokens.getShape().get(0);
        ExitRule.Tracker tracker = rule.start(batch);
        int[] exitStep = new int[batch];
        int[] predictions = new int[batch];
        int running = batch;
        Steps steps = new Steps(new ParameterStore(manager, false), tokens, false);
        int step = 0;
        while (running > 0) {
            step++;
            NDArray[] out = steps.next();
            float[] lambdas = Activation.sigmoid(out[1]).toFloatArray();                       // [b]
            long[] argMax = out[0].argMax(1).toType(DataType.INT64, false).toLongArray();        // [b]
            for (int e = 0; e < batch; e++) {
                if (exitStep[e] == 0 && (step == steps() || tracker.exitsAt(e, step, lambdas[e], (int) argMax[e]))) {
                    exitStep[e] = step;
                    predictions[e] = (int) argMax[e];
                    running--;
                }
            }
        }
        return new Exits(exitStep, predictions, step);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = inputs.singletonOrThrow();
        Steps steps = new Steps(store, tokens, training);
        NDList perStep = new NDList();
        for (int i = 0; i < steps(); i++) {
            NDArray[] out = steps.next();                                  // [b, C], [b]
            perStep.add(out[0].concat(out[1].expandDims(-1), -1));         // [b, C + 1]
        }
        return new NDList(NDArrays.stack(perStep, 1));                      // [b, N, C + 1]
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes); // already initialised: keeps its weights
        lambda.initialize(manager, dataType, new Shape(1, lambda.inputWidth()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), steps(), classes + 1)};
    }

    /** Frees the heads and the encoder. */
    @Override
    public void close() {
        encoder.close();
        if (manager != null) {
            manager.close();
        }
    }

    /** The heads on top of an encoder pass, one step at a time. */
    private final class Steps {
        private final ParameterStore store;
        private final boolean training;
        private final TransformerEncoder.Run run;
        private NDArray previous; // u_{i−1} + e_{i−1}, [b, d]

        Steps(ParameterStore store, NDArray tokens, boolean training) {
            this.store = store;
            this.training = training;
            this.run = encoder.start(store, tokens, training);
        }

        /** @return class logits {@code [b, C]} and halting logit {@code [b]} of the next step */
        NDArray[] next() {
            int i = run.stepsDone();
            NDArray hidden = run.next();                                                     // [b, s, d]
            NDArray pooled = run.meanPool(hidden).matMul(value(poolW, hidden)).add(value(poolB, hidden)).tanh();
            NDArray logits = pooled.matMul(value(classW, hidden)).add(value(classB, hidden));   // [b, C]
            NDArray state = pooled.add(value(stepEmbed, hidden).get(i));                       // [b, d]
            NDArray before = previous == null ? state.zerosLike() : previous;
            NDArray halt = lambda.forward(store, new NDList(state.concat(before, 1)), training).singletonOrThrow();
            previous = state;
            return new NDArray[] {logits, halt};
        }

        private NDArray value(Parameter p, NDArray like) {
            return store.getValue(p, like.getDevice(), training);
        }
    }
}
