package org.repro4j.nas;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/**
 * Complexity-shifted sub-model sampling after ShiftNAS (Zhang, Yu, Zhao &amp; Ou, 2023, "ShiftNAS: Improving One-shot
 * NAS via Probability Shift", ICCV 2023, arXiv 2307.08300). Uniform sampling over architectures concentrates the
 * training on sub-models of middling complexity, because most architectures are there; ShiftNAS splits the space
 * into bands of similar complexity, samples a band first and then a sub-model of that complexity, and shifts the
 * bands' probabilities towards those whose performance still changes most.
 *
 * <p><b>Rule.</b> The FLOPs range of the space is cut into {@code bands} equal-width intervals (empty ones dropped).
 * Each step draws {@code n} times: a band b with probability p_b, then a sub-model of b uniformly. For each band
 * the rule keeps the level ℓ_b of its sub-models' training losses and their trend v_b, both exponential moving
 * averages with weight {@value #SMOOTHING} on the past, updated on every observed loss L:
 * <pre>
 *   v_b ← 0.9·v_b + 0.1·(ℓ_b − L)/ℓ_b,    ℓ_b ← 0.9·ℓ_b + 0.1·L,
 *   p_b = ½·1/B + ½·softmax_b(v / temperature)
 * </pre>
 * so a band whose loss is still falling fast (large relative decrease) is sampled more. Until every band has been
 * observed once, bands are drawn uniformly — which already spreads training evenly over complexity, unlike uniform
 * sampling of architectures.
 *
 * <p><b>Differences from the paper.</b> ShiftNAS learns the sampling probabilities, and an architecture generator
 * that emits a sub-model of the desired complexity, by gradient descent together with the supernet. Here the
 * probabilities follow the closed-form update above from the same signal (each band's performance variation during
 * training), and the sub-model of a band is drawn uniformly from the listed space instead of by a generator. The
 * uniform half of p_b is our choice: it keeps every band trained, because a band that stops being sampled still has
 * its shared weights moved by the others.
 */
public final class ComplexityShiftedSampling implements SamplingRule {

    /** Weight of the past in the moving averages of a band's loss level and trend (about its last 10 losses). */
    public static final double SMOOTHING = 0.9;
    /** Share of the probability spread uniformly over the bands. */
    public static final double UNIFORM_SHARE = 0.5;

    private final SubModelSpace space;
    private final int n;
    private final double temperature;
    /** Per band, the indices of its sub-models in the space, ascending FLOPs. */
    private final List<int[]> bands = new ArrayList<>();
    private final Map<SubModel, Integer> bandOf = new HashMap<>();
    private final double[] level;
    private final double[] trend;
    private final long[] observations;

    ComplexityShiftedSampling(SubModelSpace space, int n, int bandCount, double temperature) {
        SamplingRules.requireSamples(n);
        if (bandCount < 1) {
            throw new IllegalArgumentException("complexity-shifted sampling needs at least 1 FLOPs band; got "
                    + bandCount);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("the temperature of the band probabilities must be a positive number "
                    + "such as 0.01; got " + temperature);
        }
        this.space = space;
        this.n = n;
        this.temperature = temperature;
        long min = space.flops(0);
        long range = space.flops(space.size() - 1) - min;
        List<List<Integer>> members = new ArrayList<>();
        for (int b = 0; b < bandCount; b++) {
            members.add(new ArrayList<>());
        }
        for (int i = 0; i < space.size(); i++) {
            int b = range == 0 ? 0 : (int) Math.min(bandCount - 1, (space.flops(i) - min) * bandCount / range);
            members.get(b).add(i);
        }
        for (List<Integer> band : members) {
            if (!band.isEmpty()) {
                for (int i : band) {
                    bandOf.put(space.get(i), bands.size());
                }
                bands.add(band.stream().mapToInt(Integer::intValue).toArray());
            }
        }
        level = new double[bands.size()];
        trend = new double[bands.size()];
        observations = new long[bands.size()];
    }

    @Override
    public SubModelSpace space() {
        return space;
    }

    @Override
    public List<SubModel> sample(Random rng) {
        double[] p = probabilities();
        List<SubModel> drawn = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            int[] band = bands.get(draw(p, rng));
            drawn.add(space.get(band[rng.nextInt(band.length)]));
        }
        return drawn;
    }

    /**
     * Updates the sampled bands' loss levels and trends.
     *
     * @throws IllegalArgumentException if a sub-model is not in the space or the lengths differ
     */
    @Override
    public void observe(List<SubModel> trained, double[] losses) {
        if (trained.size() != losses.length) {
            throw new IllegalArgumentException(trained.size() + " sub-models but " + losses.length + " losses");
        }
        for (int k = 0; k < losses.length; k++) {
            Integer b = bandOf.get(trained.get(k));
            if (b == null) {
                throw new IllegalArgumentException("sub-model " + trained.get(k) + " is not in this rule's space "
                        + space);
            }
            double loss = losses[k];
            if (observations[b] == 0) {
                level[b] = loss;
            } else {
                double change = level[b] > 0 ? (level[b] - loss) / level[b] : 0;
                trend[b] = SMOOTHING * trend[b] + (1 - SMOOTHING) * change;
                level[b] = SMOOTHING * level[b] + (1 - SMOOTHING) * loss;
            }
            observations[b]++;
        }
    }

    /** @return number of non-empty FLOPs bands */
    public int bandCount() {
        return bands.size();
    }

    /** @return the probability of each band in the next step, ascending FLOPs; sums to 1 */
    public double[] probabilities() {
        int count = bands.size();
        double[] p = new double[count];
        if (Arrays.stream(observations).anyMatch(o -> o == 0)) {
            Arrays.fill(p, 1.0 / count);
            return p;
        }
        double max = Arrays.stream(trend).max().orElse(0);
        double sum = 0;
        for (int b = 0; b < count; b++) {
            p[b] = Math.exp((trend[b] - max) / temperature);
            sum += p[b];
        }
        for (int b = 0; b < count; b++) {
            p[b] = UNIFORM_SHARE / count + (1 - UNIFORM_SHARE) * p[b] / sum;
        }
        return p;
    }

    /**
     * @return one row per band, ascending FLOPs: {@code band}, {@code flops_min}, {@code flops_max} (of its
     *     sub-models), {@code sub_models}, {@code observations}, {@code loss} (the level ℓ_b), {@code trend}
     *     (v_b), {@code probability}
     */
    public Table bands() {
        IntColumn band = IntColumn.create("band");
        LongColumn flopsMin = LongColumn.create("flops_min");
        LongColumn flopsMax = LongColumn.create("flops_max");
        IntColumn subModels = IntColumn.create("sub_models");
        LongColumn observed = LongColumn.create("observations");
        DoubleColumn loss = DoubleColumn.create("loss");
        DoubleColumn trendColumn = DoubleColumn.create("trend");
        DoubleColumn probability = DoubleColumn.create("probability");
        double[] p = probabilities();
        for (int b = 0; b < bands.size(); b++) {
            int[] members = bands.get(b);
            band.append(b);
            flopsMin.append(space.flops(members[0]));
            flopsMax.append(space.flops(members[members.length - 1]));
            subModels.append(members.length);
            observed.append(observations[b]);
            loss.append(observations[b] == 0 ? Double.NaN : level[b]);
            trendColumn.append(trend[b]);
            probability.append(p[b]);
        }
        return Table.create("complexity bands", band, flopsMin, flopsMax, subModels, observed, loss, trendColumn,
                probability);
    }

    private static int draw(double[] p, Random rng) {
        double u = rng.nextDouble();
        double cumulative = 0;
        for (int b = 0; b < p.length - 1; b++) {
            cumulative += p[b];
            if (u < cumulative) {
                return b;
            }
        }
        return p.length - 1;
    }

    @Override
    public String toString() {
        return n + " complexity-shifted over " + bands.size() + " FLOPs bands (temperature " + temperature + ")";
    }
}
