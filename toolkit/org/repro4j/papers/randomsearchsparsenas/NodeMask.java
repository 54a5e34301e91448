package org.repro4j.papers.randomsearchsparsenas;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.repro4j.models.Mlp;
import org.repro4j.pruning.ParamMask;

/**
 * Which hidden units (nodes) of an {@link Mlp} a sparse subnetwork keeps: a point of the search space of Farahani
 * (2024, "Random Search as a Baseline for Sparse Neural Network Architecture Search", arXiv 2403.08265), who
 * searches "the node space of an overparameterized network". Immutable.
 *
 * <p>Every hidden layer loses the same number of units, {@code ⌊s · width⌋} for node sparsity {@code s}, so
 * 90 % of 512 units removes 460 and keeps 52. Inputs and logits are never removed.
 *
 * <p>{@link #toParamMask} turns the node mask into a weight mask: removing unit {@code j} of hidden layer {@code l}
 * removes row {@code j} of {@code layers.l.linear.weight [width, in]}, entry {@code j} of
 * {@code layers.l.linear.bias [width]} and column {@code j} of the next layer's weight
 * ({@code layers.(l+1).linear.weight} or {@code readout.weight}, {@code [out, width]}). The unit's pre-activation is
 * then 0, and whatever the activation makes of 0 reaches no later layer: the masked parent computes exactly the
 * smaller dense MLP of the kept units.
 */
public final class NodeMask {

    private final int width;
    private final List<int[]> kept;

    private NodeMask(int width, List<int[]> kept) {
        this.width = width;
        this.kept = kept;
    }

    /**
     * A uniformly random node mask: in each hidden layer independently, a uniform random subset of
     * {@code width − ⌊sparsity · width⌋} units is kept.
     *
     * @param parent the MLP whose units are masked (its depth and width are read, its weights are not)
     * @param sparsity fraction of each layer's units to remove, in [0, 1); rounded down to whole units
     * @param random the draw; consumed
     * @return the mask
     * @throws IllegalArgumentException if the MLP has no hidden layer or the sparsity is outside [0, 1)
     */
    public static NodeMask random(Mlp parent, double sparsity, SplittableRandom random) {
        int depth = depthOf(parent);
        int width = widthOf(parent);
        if (depth < 1 || !(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("a node mask needs an MLP with a hidden layer and a sparsity in [0, 1);"
                    + " got " + depth + " hidden layers and sparsity " + sparsity);
        }
        int keep = width - (int) Math.floor(sparsity * width);
        List<int[]> kept = new ArrayList<>();
        for (int l = 0; l < depth; l++) {
            int[] units = IntStream.range(0, width).toArray();
            for (int i = 0; i < keep; i++) { // partial Fisher–Yates: the first `keep` slots become a uniform subset
                int j = i + random.nextInt(width - i);
                int swap = units[i];
                units[i] = units[j];
                units[j] = swap;
            }
            int[] chosen = Arrays.copyOf(units, keep);
            Arrays.sort(chosen);
            kept.add(chosen);
        }
        return new NodeMask(width, List.copyOf(kept));
    }

    /**
     * @param parent an MLP with at least one hidden layer
     * @return the mask that keeps every unit (the dense parent)
     * @throws IllegalArgumentException if the MLP has no hidden layer
     */
    public static NodeMask dense(Mlp parent) {
        return random(parent, 0, new SplittableRandom(0));
    }

    private static int depthOf(Mlp mlp) {
        return mlp.linears().size() - 1;
    }

    private static int widthOf(Mlp mlp) {
        return depthOf(mlp) < 1 ? 0 : Math.toIntExact(mlp.parameter(weight(0)).getShape().get(0));
    }

    /** @return number of hidden layers */
    public int depth() {
        return kept.size();
    }

    /** @return units per hidden layer of the parent */
    public int width() {
        return width;
    }

    /**
     * @param layer a hidden layer, {@code 0..depth−1}
     * @return its kept units, ascending
     */
    public int[] kept(int layer) {
        return kept.get(layer).clone();
    }

    /**
     * @param layer a hidden layer, {@code 0..depth−1}
     * @return its removed units, ascending
     */
    public int[] removed(int layer) {
        int[] keep = kept.get(layer);
        return IntStream.range(0, width).filter(u -> Arrays.binarySearch(keep, u) < 0).toArray();
    }

    /** @return kept units per hidden layer (the same in every layer) */
    public int keptPerLayer() {
        return kept.get(0).length;
    }

    /** @return fraction of hidden units removed, in [0, 1) */
    public double sparsity() {
        return 1 - (double) keptPerLayer() / width;
    }

    /**
     * The weight mask of this node mask (see the class comment).
     *
     * @param mlp a parent with {@link #depth()} hidden layers of {@link #width()} units
     * @return a mask over every weight of {@code mlp} and its hidden biases; the read-out bias is not covered
     * @throws IllegalArgumentException if the MLP has another depth or width
     */
    public ParamMask toParamMask(Mlp mlp) {
        int depth = depthOf(mlp);
        if (depth != depth() || widthOf(mlp) != width) {
            throw new IllegalArgumentException("this node mask is for " + depth() + " hidden layers of " + width
                    + " units, but the MLP has " + depth + " hidden layers of " + widthOf(mlp));
        }
        List<String> names = new ArrayList<>(mlp.maskableParameterNames());
        for (int l = 0; l < depth; l++) {
            names.add(bias(l));
        }
        ParamMask mask = ParamMask.ones(mlp, names);
        for (int l = 0; l < depth; l++) {
            int[] removed = removed(l);
            String next = l + 1 < depth ? weight(l + 1) : "readout.weight";
            mask = mask.withSlicesRemoved(weight(l), 0, removed)    // the unit's incoming row
                    .withSlicesRemoved(bias(l), 0, removed)         // and its bias
                    .withSlicesRemoved(next, 1, removed);           // its outgoing column
        }
        return mask;
    }

    private static String weight(int layer) {
        return "layers." + layer + ".linear.weight";
    }

    private static String bias(int layer) {
        return "layers." + layer + ".linear.bias";
    }

    @Override
    public String toString() {
        return String.format("NodeMask[%d hidden layers, %d of %d units kept, node sparsity %.4f]", depth(),
                keptPerLayer(), width, sparsity());
    }
}
