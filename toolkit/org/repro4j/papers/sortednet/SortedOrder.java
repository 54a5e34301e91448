package org.repro4j.papers.sortednet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToIntFunction;
import java.util.stream.IntStream;
import org.repro4j.analysis.Correlation;
import org.repro4j.nas.ElasticMlp;
import org.repro4j.nas.SubModel;

/**
 * How well a trained supernet's sub-models are sorted: whether a metric (accuracy) grows with size, over the whole
 * grid and along each of its two dimensions, and what deploying a sub-model by its size alone costs. SortedNet's
 * argument is that nesting the sub-models (each one's weights a prefix of every larger one's) and training them
 * together sorts them by capacity, so that at inference the largest sub-model that fits a budget can be taken
 * without a search (Valipour et al., "SortedNet, a Place for Every Network and Every Network in its Place", arXiv
 * 2309.00255, 2023; abstract: search-free sub-network selection).
 *
 * <p>The width and depth views need SortedNet's grid of one width per sub-model ({@code SubModelSpace
 * .uniformWidths}): sub-model {@code d × w} keeps the first d layers with w units each.
 *
 * <pre>{@code
 * double[] acc = shared.numberColumn("accuracy").asDoubleArray();     // one per sub-model, same order
 * SortedOrder order = SortedOrder.of(supernet, space.subModels(), acc);
 * order.spearman();       // ρ(parameters, accuracy) over the grid
 * order.acrossWidths();   // depth → ρ(width, accuracy) at that depth
 * order.maxRegret();      // accuracy lost by deploying by size instead of searching
 * }</pre>
 */
public final class SortedOrder {

    private final List<SubModel> subModels;
    private final double[] parameters;
    private final long[] flops;
    private final double[] metric;

    private SortedOrder(List<SubModel> subModels, double[] parameters, long[] flops, double[] metric) {
        this.subModels = subModels;
        this.parameters = parameters;
        this.flops = flops;
        this.metric = metric;
    }

    /**
     * @param supernet the supernet the sub-models run in (for their parameter and FLOP counts)
     * @param subModels the evaluated sub-models, each with one width on all its layers
     * @param metric the metric of each sub-model, same order, larger is better (e.g. test accuracy)
     * @return the analysis
     * @throws IllegalArgumentException if the lengths differ, fewer than 2 sub-models are given, or a sub-model has
     *     layers of different widths (use {@code SubModelSpace.uniformWidths})
     */
    public static SortedOrder of(ElasticMlp supernet, List<SubModel> subModels, double[] metric) {
        if (subModels.size() != metric.length) {
            throw new IllegalArgumentException(subModels.size() + " sub-models but " + metric.length
                    + " metric values; give one value per sub-model, in the same order");
        }
        if (subModels.size() < 2) {
            throw new IllegalArgumentException("a sorted order needs at least 2 sub-models; got " + subModels.size());
        }
        for (SubModel s : subModels) {
            if (Arrays.stream(s.widths()).distinct().count() != 1) {
                throw new IllegalArgumentException("sub-model " + s + " has layers of different widths; the width "
                        + "and depth views need one width per sub-model, as SubModelSpace.uniformWidths builds");
            }
        }
        return new SortedOrder(List.copyOf(subModels),
                subModels.stream().mapToDouble(supernet::parameters).toArray(),
                subModels.stream().mapToLong(supernet::flops).toArray(), metric.clone());
    }

    /**
     * @return Spearman's ρ between the sub-models' sizes (parameter counts) and the metric, over all of them
     */
    public double spearman() {
        return Correlation.spearman(parameters, metric);
    }

    /**
     * The width dimension: at each depth, Spearman's ρ between width and the metric.
     *
     * @return depth → ρ, ascending depth; a depth with fewer than 2 widths is left out
     */
    public Map<Integer, Double> acrossWidths() {
        return along(SubModel::depth, s -> s.width(0));
    }

    /**
     * The depth dimension: at each width, Spearman's ρ between depth and the metric.
     *
     * @return width → ρ, ascending width; a width with fewer than 2 depths is left out
     */
    public Map<Integer, Double> acrossDepths() {
        return along(s -> s.width(0), SubModel::depth);
    }

    private Map<Integer, Double> along(ToIntFunction<SubModel> group,
            ToIntFunction<SubModel> coordinate) {
        Map<Integer, Double> rho = new LinkedHashMap<>();
        for (int g : new TreeSet<>(subModels.stream().map(group::applyAsInt).toList())) {
            int[] members = IntStream.range(0, subModels.size())
                    .filter(i -> group.applyAsInt(subModels.get(i)) == g).toArray();
            if (members.length >= 2) {
                rho.put(g, Correlation.spearman(
                        Arrays.stream(members).mapToDouble(i -> coordinate.applyAsInt(subModels.get(i))).toArray(),
                        Arrays.stream(members).mapToDouble(i -> metric[i]).toArray()));
            }
        }
        return rho;
    }

    /** @return the depths of the grid, ascending (the rows of {@link #grid}) */
    public List<Integer> depths() {
        return new ArrayList<>(new TreeSet<>(subModels.stream().map(SubModel::depth).toList()));
    }

    /** @return the widths of the grid, ascending (the columns of {@link #grid}) */
    public List<Integer> widths() {
        return new ArrayList<>(new TreeSet<>(subModels.stream().map(s -> s.width(0)).toList()));
    }

    /**
     * @return the metric as a {@code [depths, widths]} matrix, rows in {@link #depths} order and columns in
     *     {@link #widths} order; NaN where the grid has no sub-model
     */
    public double[][] grid() {
        List<Integer> depths = depths();
        List<Integer> widths = widths();
        double[][] grid = new double[depths.size()][widths.size()];
        for (double[] row : grid) {
            Arrays.fill(row, Double.NaN);
        }
        for (int i = 0; i < subModels.size(); i++) {
            SubModel s = subModels.get(i);
            grid[depths.indexOf(s.depth())][widths.indexOf(s.width(0))] = metric[i];
        }
        return grid;
    }

    /**
     * The cost of search-free selection: for the budget of each sub-model's FLOPs, the best metric of any sub-model
     * within that budget minus the metric of this sub-model, the largest that fits (FLOP ties broken by parameters).
     * A perfectly sorted supernet has every regret 0.
     *
     * @return one regret per sub-model, in the given order, each ≥ 0 (in the metric's units)
     */
    public double[] regrets() {
        Integer[] bySize = IntStream.range(0, subModels.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(bySize, Comparator.<Integer>comparingLong(i -> flops[i]).thenComparingDouble(i -> parameters[i]));
        double[] regret = new double[subModels.size()];
        double best = Double.NEGATIVE_INFINITY;
        for (int i : bySize) {
            best = Math.max(best, metric[i]);
            regret[i] = best - metric[i];
        }
        return regret;
    }

    /** @return the largest of {@link #regrets} (in the metric's units) */
    public double maxRegret() {
        return Arrays.stream(regrets()).max().orElseThrow();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SortedOrder[%d sub-models, ρ(parameters, metric) = %.3f]",
                subModels.size(), spearman());
    }
}
