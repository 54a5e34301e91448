package org.repro4j.nas;

import java.util.List;
import java.util.Random;

/**
 * Which sub-models of a {@link SubModelSpace} one training step trains; {@link SupernetTraining} runs each on the
 * step's batch and accumulates their gradients into the one optimizer update.
 *
 * <ul>
 *   <li>{@link #random} — n sub-models drawn uniformly: SortedNet's update scheme of random sub-model sampling with
 *       gradient accumulation (Valipour et al., 2023, arXiv 2309.00255), and the "uniform sampling" baseline of
 *       ShiftNAS;</li>
 *   <li>{@link #sandwich} — the largest, the smallest and n random sub-models: the sandwich rule of BigNAS (Yu et
 *       al., ECCV 2020, arXiv 2003.11142; n = 2 there), taken from slimmable networks (Yu &amp; Huang, 2019,
 *       "Universally Slimmable Networks and Improved Training Techniques", ICCV 2019, arXiv 1903.05134);</li>
 *   <li>{@link #complexityShifted} — sampling by complexity band with probabilities shifted towards the bands whose
 *       loss still falls: ShiftNAS (Zhang, Yu, Zhao &amp; Ou, 2023, "ShiftNAS: Improving One-shot NAS via Probability
 *       Shift", ICCV 2023, arXiv 2307.08300), see {@link ComplexityShiftedSampling};</li>
 *   <li>{@link #all} — every sub-model in every step, for small spaces.</li>
 * </ul>
 *
 * <pre>{@code
 * SamplingRule sortedNet = SamplingRule.random(space, 4);
 * SamplingRule bigNas = SamplingRule.sandwich(space, 2);
 * SamplingRule shiftNas = SamplingRule.sandwich(SamplingRule.complexityShifted(space, 2, 5, 0.01));
 * }</pre>
 */
public interface SamplingRule {

    /** @return the space the rule samples from */
    SubModelSpace space();

    /**
     * @param rng the training's sampling generator
     * @return the sub-models to train in this step, at least one; a sub-model may appear more than once (its
     *     gradient then counts that many times)
     */
    List<SubModel> sample(Random rng);

    /**
     * Feedback after a step: adaptive rules learn from it, the others ignore it.
     *
     * @param trained the list {@link #sample} returned for the step, in its order
     * @param losses each trained sub-model's training loss in the step, same order
     */
    default void observe(List<SubModel> trained, double[] losses) {}

    /**
     * @param space the sub-models
     * @return the rule that trains every sub-model of {@code space} in every step, ascending FLOPs
     */
    static SamplingRule all(SubModelSpace space) {
        return new SamplingRules.All(space);
    }

    /**
     * SortedNet's random sampling: {@code n} independent uniform draws from the space per step.
     *
     * @param space the sub-models
     * @param n sub-models per step, ≥ 1
     * @return the rule
     * @throws IllegalArgumentException if {@code n < 1}
     */
    static SamplingRule random(SubModelSpace space, int n) {
        return new SamplingRules.Uniform(space, SamplingRules.requireSamples(n));
    }

    /**
     * BigNAS's sandwich rule with uniformly drawn children.
     *
     * @param space the sub-models
     * @param n random children per step besides the largest and the smallest, ≥ 0 (BigNAS uses 2)
     * @return the rule: largest, smallest (once if they are the same), then {@code n} uniform draws
     * @throws IllegalArgumentException if {@code n < 0}
     */
    static SamplingRule sandwich(SubModelSpace space, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("the sandwich rule adds n ≥ 0 random sub-models to the largest and "
                    + "the smallest; got n = " + n);
        }
        return new SamplingRules.Sandwich(space, n == 0 ? null : random(space, n));
    }

    /**
     * The sandwich rule with the children drawn by another rule, e.g. {@link #complexityShifted}: ShiftNAS keeps
     * the sandwich and changes how the children are sampled.
     *
     * @param children draws the sub-models trained besides the largest and the smallest; it observes only them
     * @return the rule: largest, smallest (once if they are the same), then {@code children}'s draws
     */
    static SamplingRule sandwich(SamplingRule children) {
        return new SamplingRules.Sandwich(children.space(), children);
    }

    /**
     * ShiftNAS's complexity-shifted sampling.
     *
     * @param space the sub-models
     * @param n sub-models per step, ≥ 1
     * @param bands number of equal-width FLOPs bands the space is split into, ≥ 1 (empty bands are dropped)
     * @param temperature of the softmax over the bands' loss trends, &gt; 0; smaller shifts harder
     * @return the rule
     * @throws IllegalArgumentException if a count is &lt; 1 or the temperature is not positive
     * @see ComplexityShiftedSampling
     */
    static ComplexityShiftedSampling complexityShifted(SubModelSpace space, int n, int bands, double temperature) {
        return new ComplexityShiftedSampling(space, n, bands, temperature);
    }
}
