package org.repro4j.earlyexit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.repro4j.engine.NativeThreads;
import org.repro4j.models.transformer.TransformerConfig;
import org.repro4j.models.transformer.TransformerEncoder;

class PonderTest {

    private static final int STEPS = 5;
    private static final int CLASSES = 3;

    @BeforeAll
    static void oneNativeThread() {
        NativeThreads.applyDefault();
    }

    private static PonderClassifier palbert(long seed) {
        TransformerConfig config = TransformerConfig.builder(20).context(8).dModel(16).nHeads(2).nLayers(STEPS)
                .dMlp(32).build();
        PonderClassifier model = PonderClassifier.create(TransformerEncoder.create(config, true, 0, seed), CLASSES,
                2, seed);
        // larger halting weights so λ varies between inputs and steps
        model.getParameters().values().stream().filter(p -> p.getName().startsWith("hidden") || p.getName()
                .startsWith("out.W")).forEach(p -> p.getArray().muli(40f));
        return model;
    }

    private static NDArray tokens(NDManager m, long seed, int batch) {
        Random rng = new Random(seed);
        int[] ids = new int[batch * 8];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i % 8 >= 6 && rng.nextBoolean() ? 0 : 1 + rng.nextInt(19); // some padding at the end
        }
        return m.create(ids, new Shape(batch, 8));
    }

    @Test
    void theExitDistributionIsLambdaTimesTheChanceOfNotHavingHaltedAndSumsToOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] z = {0.3f, -1.2f, 2.0f, 0.1f, -0.5f, 1.5f, -3f, 0f};
            NDArray logits = m.create(z, new Shape(2, 4));
            float[] p = Halting.exitDistribution(logits).toFloatArray();
            for (int row = 0; row < 2; row++) {
                double stay = 1;
                double total = 0;
                for (int i = 0; i < 4; i++) {
                    double lambda = i == 3 ? 1 : 1 / (1 + Math.exp(-z[row * 4 + i]));
                    assertEquals(lambda * stay, p[row * 4 + i], 1e-6, "row " + row + " step " + (i + 1));
                    stay *= 1 - lambda;
                    total += p[row * 4 + i];
                }
                assertEquals(1, total, 1e-6);
            }
            double[] prior = Halting.geometricPrior(0.25, 4);
            assertArrayEquals(new double[] {0.25, 0.1875, 0.140625, 0.421875}, prior, 1e-12);
        }
    }

    @Test
    void thePonderLossIsTheExpectedTaskLossPlusBetaTimesTheKlToThePrior() {
        try (NDManager m = NDManager.newBaseManager()) {
            Random rng = new Random(3);
            float[] values = new float[2 * 4 * (CLASSES + 1)];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) rng.nextGaussian();
            }
            NDArray prediction = m.create(values, new Shape(2, 4, CLASSES + 1));
            NDArray labels = m.create(new int[] {2, 0});
            PonderLoss loss = new PonderLoss(0.3, 0.25);
            float[] p = Halting.exitDistribution(PonderClassifier.haltingLogits(prediction)).toFloatArray();
            double[] prior = Halting.geometricPrior(0.25, 4);
            double expected = 0;
            double kl = 0;
            for (int b = 0; b < 2; b++) {
                int label = b == 0 ? 2 : 0;
                for (int i = 0; i < 4; i++) {
                    int at = (b * 4 + i) * (CLASSES + 1);
                    double norm = 0;
                    for (int c = 0; c < CLASSES; c++) {
                        norm += Math.exp(values[at + c]);
                    }
                    double ce = Math.log(norm) - values[at + label];
                    expected += p[b * 4 + i] * ce / 2;
                    kl += p[b * 4 + i] * (Math.log(p[b * 4 + i]) - Math.log(prior[i])) / 2;
                }
            }
            assertEquals(expected, loss.expectedTaskLoss(prediction, labels).getFloat(), 1e-5);
            assertEquals(kl, loss.klToPrior(prediction).getFloat(), 1e-5);
            assertEquals(expected + 0.3 * kl, loss.apply(prediction, labels).getFloat(), 1e-5);

            // halting logits at logit(λ_p) make the exit distribution the prior itself: no KL
            NDArray atPrior = PonderClassifier.classLogits(prediction)
                    .concat(m.full(new Shape(2, 4, 1), (float) Math.log(0.25 / 0.75)), -1);
            assertEquals(0, loss.klToPrior(atPrior).getFloat(), 1e-6);
            assertThrows(IllegalArgumentException.class, () -> new PonderLoss(-1, 0.5));
            assertThrows(IllegalArgumentException.class, () -> new PonderLoss(0.1, 1));
        }
    }

    @Test
    void qExitOnTheSameInputAlwaysExitsAtTheSameStepWhereTheCdfFirstReachesQ() {
        try (PonderClassifier model = palbert(5); NDManager m = model.encoder().manager().newSubManager()) {
            NDArray x = tokens(m, 6, 40);
            Exits first = model.classify(x, ExitRule.qExit(0.9));
            Exits again = model.classify(x, ExitRule.qExit(0.9));
            assertArrayEquals(first.steps(), again.steps());
            assertArrayEquals(first.predictions(), again.predictions());

            float[] p = Halting.exitDistribution(PonderClassifier.haltingLogits(model.predict(x))).toFloatArray();
            for (int e = 0; e < 40; e++) {
                double cdf = 0;
                int step = 0;
                while (step < STEPS && cdf < 0.9) {
                    cdf += p[e * STEPS + step++];
                }
                assertEquals(step, first.steps()[e], "example " + e);
            }
            assertTrue(first.histogram(STEPS)[0] < 40, "the test model must not exit everything at step 1");
            assertTrue(first.meanExitStep() > 1.2, "and must exit later for some inputs");

            Exits sampledA = model.classify(x, ExitRule.sampled(1));
            Exits sampledB = model.classify(x, ExitRule.sampled(2));
            assertArrayEquals(sampledA.steps(), model.classify(x, ExitRule.sampled(1)).steps(), "a seed fixes draws");
            assertFalse(java.util.Arrays.equals(sampledA.steps(), sampledB.steps()), "sampled exits vary");
        }
    }

    @Test
    void classificationStopsComputingWhenTheLastExampleHasExited() {
        try (PonderClassifier model = palbert(7); NDManager m = model.encoder().manager().newSubManager()) {
            NDArray x = tokens(m, 8, 6);
            Exits fixed = model.classify(x, ExitRule.fixedStep(2));
            assertEquals(2, fixed.stepsRun());
            assertEquals(2.0, fixed.meanExitStep());
            long[] atStep2 = PonderClassifier.classLogits(model.predict(x)).get(":, 1").argMax(1).toLongArray();
            for (int e = 0; e < 6; e++) {
                assertEquals(atStep2[e], fixed.predictions()[e]);
            }
            assertEquals(STEPS, model.classify(x, ExitRule.fixedStep(99)).stepsRun(), "the last step always exits");
        }
    }

    @Test
    void pabeeExitsOnceThePredictionHasStayedTheSameForPatienceSteps() {
        ExitRule.Tracker t = ExitRule.patience(2).start(1);
        int[] predictions = {1, 2, 2, 0, 0, 0, 0};
        int exit = 0;
        for (int step = 1; step <= predictions.length && exit == 0; step++) {
            if (t.exitsAt(0, step, 0.0, predictions[step - 1])) {
                exit = step;
            }
        }
        assertEquals(6, exit, "0 first at step 4, unchanged at 5 and 6");
        assertThrows(IllegalArgumentException.class, () -> ExitRule.patience(0));
    }

    @Test
    void aHaltingThresholdOutsideZeroOneIsRejectedWithTheReason() {
        for (double q : new double[] {0, 1, 1.5, -0.1, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExitRule.qExit(q));
            assertTrue(e.getMessage().contains("must be in (0, 1)"), e.getMessage());
        }
    }

    @Test
    void thePonderLossTrainsTheEncoderTheClassifierAndTheLambdaModule() {
        try (PonderClassifier model = palbert(9); NDManager m = model.encoder().manager().newSubManager()) {
            NDArray x = tokens(m, 10, 8);
            NDArray labels = m.create(new int[] {0, 1, 2, 0, 1, 2, 0, 1});
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray prediction = model.forward(new ai.djl.training.ParameterStore(m, false),
                        new ai.djl.ndarray.NDList(x), true).singletonOrThrow();
                assertEquals(new Shape(8, STEPS, CLASSES + 1), prediction.getShape());
                collector.backward(new PonderLoss(0.5, 0.3).apply(prediction, labels));
            }
            for (String name : new String[] {"01encoder_blocks.0.attn.W_Q", "classifier.W", "02lambda_out.W",
                "step_embed"}) {
                NDArray gradient = model.getParameters().get(name).getArray().getGradient();
                assertTrue(gradient.abs().sum().getFloat() > 0f, name);
            }
            float lambda = Activation.sigmoid(PonderClassifier.haltingLogits(model.predict(x))).mean().getFloat();
            assertTrue(lambda > 0 && lambda < 1);
        }
    }

    @Test
    void pabeesLossWeightsExitJByJ() {
        try (NDManager m = NDManager.newBaseManager()) {
            Random rng = new Random(4);
            float[] values = new float[3 * 4 * (CLASSES + 1)];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) rng.nextGaussian();
            }
            NDArray prediction = m.create(values, new Shape(3, 4, CLASSES + 1));
            NDArray labels = m.create(new int[] {1, 2, 0});
            float[] perStep = PonderLoss.stepLosses(prediction, labels).mean(new int[] {0}).toFloatArray();
            double expected = (perStep[0] + 2 * perStep[1] + 3 * perStep[2] + 4 * perStep[3]) / 10;
            assertEquals(expected, new PabeeLoss().apply(prediction, labels).getFloat(), 1e-6);
        }
    }

    @Test
    void fitTrainsPalbertThroughItsPackedPrediction() {
        try (PonderClassifier model = palbert(11); NDManager m = model.encoder().manager().newSubManager()) {
            NDArray x = tokens(m, 12, 32);
            NDArray labels = m.create(new int[32]).add(2); // one class: learnable in a few steps by any exit
            PonderLoss loss = new PonderLoss(0.1, 0.3);
            float before = loss.apply(model.predict(x), labels).getFloat();
            org.repro4j.train.Fit.of(model).data(x, labels, 16).loss(loss)
                    .optimizer(org.repro4j.train.Optimizer.adam(1e-2)).steps(15).seed(1).quiet().run();
            float after = loss.apply(model.predict(x), labels).getFloat();
            assertTrue(after < 0.5 * before, "loss " + before + " → " + after);
        }
    }
}
