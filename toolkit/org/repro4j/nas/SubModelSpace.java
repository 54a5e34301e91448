package org.repro4j.nas;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The sub-models a supernet trains and deploys (its search space), sorted by FLOPs: index 0 is the smallest, the
 * last the largest. Sampling rules ({@link SamplingRule}) draw from it.
 *
 * <pre>{@code
 * SubModelSpace sorted = SubModelSpace.uniformWidths(supernet, new int[] {1, 2, 3}, new int[] {32, 64, 128, 256, 512});
 * SubModelSpace perLayer = SubModelSpace.layerwise(supernet, new int[] {2, 3, 4}, new int[] {64, 128, 256, 512});
 * }</pre>
 */
public final class SubModelSpace {

    /** Limit of {@link #layerwise}: every sub-model of a space is evaluated after training. */
    public static final int MAX_LAYERWISE = 10_000;

    private final ElasticMlp supernet;
    private final List<SubModel> subModels;
    private final long[] flops;

    private SubModelSpace(ElasticMlp supernet, List<SubModel> subModels) {
        this.supernet = supernet;
        this.subModels = List.copyOf(subModels);
        this.flops = this.subModels.stream().mapToLong(supernet::flops).toArray();
    }

    /**
     * @param supernet the supernet the sub-models run in
     * @param subModels the candidates, in any order; repeats are dropped
     * @return the space, sorted by FLOPs (ties by parameters, then by the widths' text)
     * @throws IllegalArgumentException if there is no sub-model, or one does not fit the supernet
     */
    public static SubModelSpace of(ElasticMlp supernet, Collection<SubModel> subModels) {
        if (subModels.isEmpty()) {
            throw new IllegalArgumentException("a sub-model space needs at least one sub-model, e.g. "
                    + "SubModelSpace.of(supernet, List.of(supernet.largest()))");
        }
        List<SubModel> sorted = new ArrayList<>(new LinkedHashSet<>(subModels));
        sorted.forEach(supernet::requireFits);
        sorted.sort(Comparator.comparingLong(supernet::flops).thenComparingLong(supernet::parameters)
                .thenComparing(SubModel::toString));
        return new SubModelSpace(supernet, sorted);
    }

    /**
     * SortedNet's nested grid for a uniform-width MLP: every depth with every width, one width on all of a
     * sub-model's layers (so each sub-model's weights contain those of every smaller one on both axes).
     *
     * @param supernet the supernet
     * @param depths depth prefixes, each in {@code [1, L]}
     * @param widths width prefixes, each in {@code [1, layer width]}
     * @return {@code depths.length · widths.length} sub-models (fewer if values repeat)
     * @throws IllegalArgumentException if an array is empty or a value does not fit the supernet
     */
    public static SubModelSpace uniformWidths(ElasticMlp supernet, int[] depths, int[] widths) {
        List<SubModel> grid = new ArrayList<>();
        for (int depth : depths) {
            for (int width : widths) {
                grid.add(SubModel.uniform(depth, width));
            }
        }
        return of(supernet, grid);
    }

    /**
     * BigNAS's elastic width per layer: every depth, and each kept layer with any of the widths independently.
     *
     * @param supernet the supernet
     * @param depths depth prefixes, each in {@code [1, L]}
     * @param widths width choices for every layer, each in {@code [1, layer width]}
     * @return {@code Σ_d |widths|^d} sub-models (fewer if values repeat)
     * @throws IllegalArgumentException if an array is empty, a value does not fit the supernet, or the space would
     *     hold more than {@value #MAX_LAYERWISE} sub-models (sample sub-models yourself and use {@link #of} then)
     */
    public static SubModelSpace layerwise(ElasticMlp supernet, int[] depths, int[] widths) {
        double size = 0;
        for (int depth : depths) {
            size += Math.pow(widths.length, depth);
        }
        if (size > MAX_LAYERWISE) {
            throw new IllegalArgumentException("depths and widths give " + (long) size + " sub-models; listing more "
                    + "than " + MAX_LAYERWISE + " is too slow to evaluate each. Use fewer width choices or depths");
        }
        List<SubModel> all = new ArrayList<>();
        for (int depth : depths) {
            int[] choice = new int[Math.max(depth, 0)];
            addCombinations(all, widths, choice, 0);
        }
        return of(supernet, all);
    }

    private static void addCombinations(List<SubModel> out, int[] widths, int[] choice, int layer) {
        if (layer == choice.length) {
            out.add(SubModel.of(choice));
            return;
        }
        for (int width : widths) {
            choice[layer] = width;
            addCombinations(out, widths, choice, layer + 1);
        }
    }

    /** @return the supernet the sub-models run in */
    public ElasticMlp supernet() {
        return supernet;
    }

    /** @return the sub-models, ascending FLOPs */
    public List<SubModel> subModels() {
        return subModels;
    }

    /** @return number of sub-models */
    public int size() {
        return subModels.size();
    }

    /**
     * @param index in {@code [0, size())}, ascending FLOPs
     * @return that sub-model
     */
    public SubModel get(int index) {
        return subModels.get(index);
    }

    /**
     * @param index in {@code [0, size())}
     * @return FLOPs per example of that sub-model ({@link ElasticMlp#flops})
     */
    public long flops(int index) {
        return flops[index];
    }

    /** @return the sub-model with the fewest FLOPs */
    public SubModel smallest() {
        return subModels.get(0);
    }

    /** @return the sub-model with the most FLOPs (the full model, if the space holds it) */
    public SubModel largest() {
        return subModels.get(subModels.size() - 1);
    }

    @Override
    public String toString() {
        return "SubModelSpace[" + size() + " sub-models of " + supernet + ", " + smallest() + " … " + largest() + "]";
    }
}
