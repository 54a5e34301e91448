package org.repro4j.nas;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.repro4j.Repro;
import org.repro4j.loss.CrossEntropy;
import org.repro4j.loss.LossFunction;
import org.repro4j.loss.SoftTargetCrossEntropy;
import org.repro4j.train.Batch;
import org.repro4j.train.Fit;
import org.repro4j.train.TrainingStep;

/**
 * One training step of a weight-sharing supernet, for {@link Fit#step}: the sub-models a {@link SamplingRule} picks
 * are each run on the step's batch and back-propagated in turn, so their gradients add up in the shared weights
 * before Fit's one optimizer update (gradient accumulation over sub-models: SortedNet, Valipour et al., 2023, arXiv
 * 2309.00255; the sandwich rule of BigNAS, Yu et al., ECCV 2020, arXiv 2003.11142).
 *
 * <p><b>In-place distillation</b> (BigNAS, from Yu &amp; Huang, ICCV 2019, arXiv 1903.05134): with
 * {@link #inplaceDistillation()} the largest sub-model of the space is trained on the labels first, and its softmax
 * predictions, detached from the graph, are the targets of every other sub-model of the step
 * ({@link SoftTargetCrossEntropy}); no gradient flows from a child's loss into the teacher. The largest must then be
 * among the sampled sub-models in every step, as the sandwich rule guarantees.
 *
 * <p>The step reports the mean of the trained sub-models' losses (each the loss it was trained with) as
 * {@code train_loss}; the gradient is that of their sum, as when each sub-model's loss is back-propagated
 * separately. Fit's own {@code loss(...)} is what its evaluation splits report for the full model.
 *
 * <pre>{@code
 * ElasticMlp supernet = ElasticMlp.of(mlp);
 * SubModelSpace space = SubModelSpace.layerwise(supernet, new int[] {2, 3, 4}, new int[] {64, 128, 256, 512});
 * SupernetTraining bigNas = SupernetTraining.of(SamplingRule.sandwich(space, 2)).inplaceDistillation();
 * Fit.of(mlp).data(trainX, trainY, 128).step(bigNas).epochs(4).run();
 * bigNas.timesTrained();   // how often each sub-model was trained
 * }</pre>
 */
public final class SupernetTraining implements TrainingStep {

    private final SamplingRule rule;
    private final ElasticMlp supernet;
    private final Map<SubModel, Long> timesTrained = new LinkedHashMap<>();
    private final SoftTargetCrossEntropy distillation = new SoftTargetCrossEntropy();
    private LossFunction loss = new CrossEntropy();
    private boolean inplaceDistillation;
    private Random rng = new Random(Repro.seed());

    private SupernetTraining(SamplingRule rule) {
        this.rule = rule;
        this.supernet = rule.space().supernet();
        rule.space().subModels().forEach(s -> timesTrained.put(s, 0L));
    }

    /**
     * @param rule which sub-models each step trains; its space's supernet is the model to train
     * @return the step, with cross-entropy on the labels, no distillation and sampling seeded by
     *     {@link Repro#seed()}
     */
    public static SupernetTraining of(SamplingRule rule) {
        return new SupernetTraining(rule);
    }

    /** Trains every sub-model but the largest on the largest's detached soft predictions. @return this */
    public SupernetTraining inplaceDistillation() {
        this.inplaceDistillation = true;
        return this;
    }

    /** @param loss the loss against the batch's targets (default {@link CrossEntropy}) @return this */
    public SupernetTraining loss(LossFunction loss) {
        this.loss = loss;
        return this;
    }

    /**
     * @param seed seed of the sub-model sampling (default {@link Repro#seed()}); the generator continues across
     *     runs that reuse this step
     * @return this
     */
    public SupernetTraining seed(long seed) {
        this.rng = new Random(seed);
        return this;
    }

    /** @return the sampling rule */
    public SamplingRule rule() {
        return rule;
    }

    /**
     * Trains the sampled sub-models on the batch: the teacher first when distilling, then the others in the rule's
     * order, each back-propagated before the next runs (so only one sub-model's graph is alive at a time).
     *
     * @throws IllegalStateException if distillation is on and the largest sub-model was not sampled
     */
    @Override
    public double run(Batch batch, Backward backward) {
        List<SubModel> sampled = rule.sample(rng);
        double[] losses = new double[sampled.size()];
        int teacherIndex = -1;
        NDArray teacher = null;
        if (inplaceDistillation) {
            teacherIndex = sampled.indexOf(rule.space().largest());
            if (teacherIndex < 0) {
                throw new IllegalStateException("in-place distillation takes the largest sub-model "
                        + rule.space().largest() + " as the teacher, but the rule " + rule + " did not sample it;"
                        + " use SamplingRule.sandwich(...), which trains the largest in every step");
            }
            NDArray logits = supernet.logits(batch.inputs(), sampled.get(teacherIndex));
            losses[teacherIndex] = train(loss.apply(logits, batch.targets()), sampled.get(teacherIndex), backward);
            teacher = logits.softmax(-1).stopGradient();                                   // [batch, outputs]
        }
        for (int k = 0; k < sampled.size(); k++) {
            if (k == teacherIndex) {
                continue;
            }
            NDArray logits = supernet.logits(batch.inputs(), sampled.get(k));
            NDArray objective = teacher == null ? loss.apply(logits, batch.targets())
                    : distillation.apply(logits, teacher);
            losses[k] = train(objective, sampled.get(k), backward);
        }
        rule.observe(sampled, losses);
        double sum = 0;
        for (double l : losses) {
            sum += l;
        }
        return sum / losses.length;
    }

    private double train(NDArray objective, SubModel subModel, Backward backward) {
        backward.backward(objective);
        timesTrained.merge(subModel, 1L, Long::sum);
        return objective.toFloatArray()[0];
    }

    /** @return how many times each sub-model of the space has been trained by this step, ascending FLOPs */
    public Map<SubModel, Long> timesTrained() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(timesTrained));
    }

    @Override
    public String toString() {
        return "SupernetTraining[" + rule + (inplaceDistillation ? ", in-place distillation" : "") + "]";
    }
}
