package org.repro4j.pruning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.repro4j.models.Maskable;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * A binary mask over named weights of a {@link Maskable} model, one bit per weight: which weights a sparse model or
 * a subnetwork keeps. Immutable; stored as one {@link BitSet} per parameter in row-major order, so counts, overlaps
 * and shuffle nulls run in plain Java.
 *
 * <p><b>Applying.</b> {@link #applyTo} runs the model with {@code W ⊙ mask} in the forward pass and leaves the
 * stored weights alone (an ablation, undone by closing the handle). {@link #prune} also sets the removed stored
 * weights to exactly 0, for training the sparse model: the masked forward pass gives removed weights a zero
 * gradient, so with optimizer state that starts at zero (every {@code Fit} run starts afresh) SGD, momentum, Adam
 * and weight decay all leave them at exactly 0, step after step. Pruning during a run, when the optimizer already
 * holds momentum for newly removed weights, is {@link GradualPruning}'s job: it zeroes them again after each step.
 *
 * <p><b>Making masks.</b> {@link #ones}, {@link #zeros}, {@link #above} (thresholded scores), {@link #support}
 * (the non-zeros of a model), the pruning criteria ({@link MagnitudePruning}, {@link Wanda}, {@link DSnoT}), and
 * structured edits: {@link #withSlicesRemoved} removes whole rows, columns, neurons, filters or heads.
 *
 * <p><b>Subnetworks of TinyTransformerLM</b> (Chang &amp; Bergen, 2025, "Bigram Subnetworks", arXiv 2504.15471):
 * its masks cover attention Q, K, V, O and MLP in, out; applying the {@link #complement()} is the paper's ablation
 * ("remove the subnetwork"); {@link #shuffled(long)} is its random baseline of equal size (the mask permuted inside
 * each matrix); {@link #overlapTest} is its overlap statistic with a shuffle null; {@link #keptFractionByBlock()}
 * and {@link #keptFractionByHead()} read the transformer's names.
 *
 * <pre>{@code
 * ParamMask bigram = result.mask();
 * try (ParamMask.Applied a = bigram.complement().applyTo(lm)) {
 *     double ablated = Surprisal.mean(Surprisal.bits(lm, evalBatches));
 * }
 * }</pre>
 */
public final class ParamMask {

    /** The six matrix kinds of a block, as columns of {@link #keptFractionByBlock()}. */
    public static final List<String> BLOCK_KINDS = List.of("q", "k", "v", "o", "mlp-in", "mlp-out");
    private static final List<String> SUFFIXES = List.of("attn.W_Q", "attn.W_K", "attn.W_V", "attn.W_O", "mlp.W_in",
            "mlp.W_out");
    private static final Pattern BLOCK_NAME = Pattern.compile("blocks\\.(\\d+)\\.(.+)");

    /** One masked matrix: its shape and kept bits (row-major flat index). */
    private record Matrix(Shape shape, int size, BitSet bits) {
        Matrix {
            if (shape.size() != size) {
                throw new IllegalArgumentException("shape " + shape + " does not hold " + size + " weights");
            }
        }

        long kept() {
            return bits.cardinality();
        }
    }

    private final Map<String, Matrix> matrices;

    private ParamMask(Map<String, Matrix> matrices) {
        if (matrices.isEmpty()) {
            throw new IllegalArgumentException("a mask needs at least one weight matrix");
        }
        this.matrices = Collections.unmodifiableMap(matrices);
    }

    /**
     * @param model a model
     * @return the mask that keeps every {@linkplain Maskable#maskableParameterNames() maskable} weight (the dense
     *     model)
     */
    public static ParamMask ones(Maskable model) {
        return filled(model, model.maskableParameterNames(), true);
    }

    /**
     * @param model a model
     * @param names the parameters to cover, any of {@link Maskable#parameterNames()} (e.g. a bias, so that a
     *     structured mask can remove a whole neuron)
     * @return the mask that keeps every weight of those parameters
     * @throws java.util.NoSuchElementException if the model has no such parameter
     */
    public static ParamMask ones(Maskable model, List<String> names) {
        return filled(model, names, true);
    }

    /**
     * @param model a model
     * @return the mask that keeps no maskable weight (for TinyTransformerLM only embeddings, unembedding, LayerNorms
     *     and biases remain)
     */
    public static ParamMask zeros(Maskable model) {
        return filled(model, model.maskableParameterNames(), false);
    }

    private static ParamMask filled(Maskable model, List<String> names, boolean keep) {
        Map<String, Matrix> out = new LinkedHashMap<>();
        for (String name : names) {
            Shape shape = model.parameter(name).getShape();
            int size = Math.toIntExact(shape.size());
            BitSet bits = new BitSet(size);
            bits.set(0, size, keep);
            out.put(name, new Matrix(shape, size, bits));
        }
        return new ParamMask(out);
    }

    /**
     * The weights of a model that are not zero as the forward pass sees them (through any transform, so a model
     * running under {@link #applyTo} shows its mask): e.g. to check that a soup of sparse models kept the sparsity.
     *
     * @param model a model
     * @return the mask keeping exactly its non-zero maskable weights
     */
    public static ParamMask support(Maskable model) {
        Map<String, Matrix> out = new LinkedHashMap<>();
        for (String name : model.maskableParameterNames()) {
            float[] values;
            try (NDManager scope = model.parameter(name).getManager().newSubManager()) {
                values = model.effectiveWeight(name, scope).toFloatArray();
            }
            BitSet bits = new BitSet(values.length);
            for (int i = 0; i < values.length; i++) {
                if (values[i] != 0) {
                    bits.set(i);
                }
            }
            out.put(name, new Matrix(model.parameter(name).getShape(), values.length, bits));
        }
        return new ParamMask(out);
    }

    /** A mask from kept bits per parameter, for the pruning criteria of this package. */
    static ParamMask of(Map<String, Shape> shapes, Map<String, BitSet> kept) {
        Map<String, Matrix> out = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> out.put(name,
                new Matrix(shape, Math.toIntExact(shape.size()), (BitSet) kept.get(name).clone())));
        return new ParamMask(out);
    }

    /** @return a copy of the kept bits of one parameter, row-major */
    BitSet bits(String name) {
        return (BitSet) matrix(name).bits().clone();
    }

    /**
     * The mask keeping the entries of each array that exceed a threshold, e.g. the evaluation mask {@code 1[s > 0]}
     * of continuous sparsification.
     *
     * @param scores parameter name → array of that parameter's shape, e.g. mask logits
     * @param threshold an entry is kept iff it is strictly greater
     * @return the mask, matrices in the map's order
     * @throws IllegalArgumentException if the map is empty
     */
    public static ParamMask above(Map<String, NDArray> scores, double threshold) {
        Map<String, Matrix> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : scores.entrySet()) {
            float[] values = e.getValue().toFloatArray();
            BitSet bits = new BitSet(values.length);
            for (int i = 0; i < values.length; i++) {
                if (values[i] > threshold) {
                    bits.set(i);
                }
            }
            out.put(e.getKey(), new Matrix(e.getValue().getShape(), values.length, bits));
        }
        return new ParamMask(out);
    }

    /** @return the masked parameter names, in order */
    public List<String> names() {
        return List.copyOf(matrices.keySet());
    }

    /**
     * @param name a masked parameter
     * @return its shape
     * @throws NoSuchElementException if the mask does not cover it
     */
    public Shape shape(String name) {
        return matrix(name).shape();
    }

    /** @return number of weights the mask covers, {@code N} */
    public long size() {
        return matrices.values().stream().mapToLong(Matrix::size).sum();
    }

    /** @return number of weights kept */
    public long kept() {
        return matrices.values().stream().mapToLong(Matrix::kept).sum();
    }

    /** @return kept / size, in [0, 1] */
    public double keptFraction() {
        return (double) kept() / size();
    }

    /**
     * @param name a masked parameter, e.g. {@code blocks.0.mlp.W_in}
     * @return the fraction of its weights kept
     * @throws NoSuchElementException if the mask does not cover it
     */
    public double keptFraction(String name) {
        Matrix m = matrix(name);
        return (double) m.kept() / m.size();
    }

    /** @return the fraction of covered weights removed, {@code 1 − keptFraction()} */
    public double sparsity() {
        return 1 - keptFraction();
    }

    /**
     * @param name a masked parameter
     * @return the fraction of its weights removed
     * @throws NoSuchElementException if the mask does not cover it
     */
    public double sparsity(String name) {
        return 1 - keptFraction(name);
    }

    /**
     * @param name a masked parameter
     * @return number of its weights kept
     * @throws NoSuchElementException if the mask does not cover it
     */
    public long kept(String name) {
        return matrix(name).kept();
    }

    /**
     * @param name a masked parameter
     * @param index row-major flat index into its shape
     * @return whether that weight is kept
     */
    public boolean isKept(String name, int index) {
        Matrix m = matrix(name);
        if (index < 0 || index >= m.size()) {
            throw new IndexOutOfBoundsException("flat index " + index + " is outside " + name + " " + m.shape());
        }
        return m.bits().get(index);
    }

    /**
     * Kept fraction per block and matrix kind, the heat map of Chang &amp; Bergen (2025).
     *
     * @return {@code [layers][6]}, columns {@link #BLOCK_KINDS} (q, k, v, o, mlp-in, mlp-out); NaN where the mask
     *     has no such matrix (e.g. attention-only models)
     * @throws IllegalStateException if the mask has no {@code blocks.<l>.} matrices
     */
    public double[][] keptFractionByBlock() {
        int layers = 1 + matrices.keySet().stream().mapToInt(ParamMask::layerOf).max().orElse(-1);
        if (layers == 0) {
            throw new IllegalStateException("the mask covers no transformer block matrices (blocks.<l>.*): "
                    + matrices.keySet());
        }
        double[][] out = new double[layers][BLOCK_KINDS.size()];
        for (double[] row : out) {
            Arrays.fill(row, Double.NaN);
        }
        for (String name : matrices.keySet()) {
            int kind = kindOf(name);
            if (kind >= 0) {
                out[layerOf(name)][kind] = keptFraction(name);
            }
        }
        return out;
    }

    /**
     * Kept fraction of each attention head's slice of {@code W_Q, W_K, W_V} ({@code [H, d, e]}) and {@code W_O}
     * ({@code [H, e, d]}): the head is the first axis.
     *
     * @return columns {@code layer}, {@code head}, {@code q}, {@code k}, {@code v}, {@code o}, one row per head
     */
    public Table keptFractionByHead() {
        IntColumn layerColumn = IntColumn.create("layer");
        IntColumn headColumn = IntColumn.create("head");
        List<DoubleColumn> kinds = new ArrayList<>();
        for (String kind : BLOCK_KINDS.subList(0, 4)) {
            kinds.add(DoubleColumn.create(kind));
        }
        int layers = 1 + matrices.keySet().stream().mapToInt(ParamMask::layerOf).max().orElse(-1);
        for (int l = 0; l < layers; l++) {
            Matrix q = matrices.get("blocks." + l + "." + SUFFIXES.get(0));
            if (q == null) {
                continue;
            }
            long heads = q.shape().get(0);
            for (int h = 0; h < heads; h++) {
                layerColumn.append(l);
                headColumn.append(h);
                for (int kind = 0; kind < 4; kind++) {
                    Matrix m = matrices.get("blocks." + l + "." + SUFFIXES.get(kind));
                    kinds.get(kind).append(m == null ? Double.NaN : headFraction(m, h));
                }
            }
        }
        Table table = Table.create("kept fraction per head", layerColumn, headColumn);
        kinds.forEach(table::addColumns);
        return table;
    }

    private static double headFraction(Matrix m, int head) {
        return (double) headSlice(m, head).cardinality() / (m.size() / m.shape().get(0));
    }

    /**
     * A structured edit: removes whole slices of one parameter along an axis. For a DJL {@code Linear.weight
     * [out, in]} axis 0 removes output neurons (their incoming weights) and axis 1 input features (a previous
     * neuron's outgoing weights); for a {@code Conv2d.weight [out, in, kh, kw]} axis 0 removes filters; for
     * TinyTransformerLM's {@code W_Q, W_K, W_V [H, d, e]} and {@code W_O [H, e, d]} axis 0 removes heads and for
     * {@code W_in [d, d_mlp]} axis 1 (with {@code W_out} axis 0) MLP neurons. A hidden neuron of an {@link
     * org.repro4j.models.Mlp} is gone from the function once its row of {@code layers.i.linear.weight} and its column
     * of the next weight are removed: its bias then reaches nothing.
     *
     * @param name a masked parameter
     * @param axis the axis whose indices name the slices
     * @param indices the slices to remove, each in {@code [0, shape[axis])}
     * @return a new mask with those slices removed and everything else as in this mask
     * @throws NoSuchElementException if the mask does not cover {@code name} (cover a bias with
     *     {@link #ones(Maskable, List)})
     * @throws IllegalArgumentException if the axis or an index is out of range
     */
    public ParamMask withSlicesRemoved(String name, int axis, int... indices) {
        Matrix m = matrix(name);
        long[] geometry = sliceGeometry(name, m.shape(), axis);
        BitSet bits = (BitSet) m.bits().clone();
        for (int index : indices) {
            if (index < 0 || index >= geometry[1]) {
                throw new IllegalArgumentException("slice " + index + " is outside axis " + axis + " of " + name + " "
                        + m.shape() + "; valid slices are 0.." + (geometry[1] - 1));
            }
            forEachInSlice(geometry, m.size(), index, bits::clear);
        }
        Map<String, Matrix> out = new LinkedHashMap<>(matrices);
        out.put(name, new Matrix(m.shape(), m.size(), bits));
        return new ParamMask(out);
    }

    /**
     * @param name a masked parameter
     * @param axis an axis of its shape
     * @return the kept fraction of each slice along {@code axis}, e.g. per filter or per head
     * @throws NoSuchElementException if the mask does not cover {@code name}
     * @throws IllegalArgumentException if the axis is out of range
     */
    public double[] keptFractionBySlice(String name, int axis) {
        Matrix m = matrix(name);
        long[] geometry = sliceGeometry(name, m.shape(), axis);
        double[] out = new double[(int) geometry[1]];
        long perSlice = m.size() / geometry[1];
        for (int index = 0; index < out.length; index++) {
            long[] kept = {0};
            forEachInSlice(geometry, m.size(), index, i -> kept[0] += m.bits().get(i) ? 1 : 0);
            out[index] = (double) kept[0] / perSlice;
        }
        return out;
    }

    /** @return {@code {stride of axis, size of axis}} in the row-major layout of {@code shape} */
    private static long[] sliceGeometry(String name, Shape shape, int axis) {
        if (axis < 0 || axis >= shape.dimension()) {
            throw new IllegalArgumentException("axis " + axis + " does not exist in " + name + " " + shape
                    + "; its axes are 0.." + (shape.dimension() - 1));
        }
        long stride = 1;
        for (int a = shape.dimension() - 1; a > axis; a--) {
            stride *= shape.get(a);
        }
        return new long[] {stride, shape.get(axis)};
    }

    /** Visits the flat indices whose index along the axis described by {@code geometry} is {@code index}. */
    private static void forEachInSlice(long[] geometry, int size, int index, IntConsumer visit) {
        long stride = geometry[0];
        long block = stride * geometry[1];
        for (long start = index * stride; start < size; start += block) {
            for (long i = start; i < start + stride; i++) {
                visit.accept((int) i);
            }
        }
    }

    /** @return the mask keeping exactly the weights this one removes (applied: the ablated model) */
    public ParamMask complement() {
        Map<String, Matrix> out = new LinkedHashMap<>();
        matrices.forEach((name, m) -> {
            BitSet bits = (BitSet) m.bits().clone();
            bits.flip(0, m.size());
            out.put(name, new Matrix(m.shape(), m.size(), bits));
        });
        return new ParamMask(out);
    }

    /**
     * A random mask of the same size per matrix: each matrix's bits in a uniformly random order (the random
     * baseline of Chang &amp; Bergen, 2025, which shuffles the mask inside each weight matrix).
     *
     * @param seed seed of the permutation
     * @return the shuffled mask; {@code kept(name)} is unchanged for every matrix
     */
    public ParamMask shuffled(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Matrix> out = new LinkedHashMap<>();
        matrices.forEach((name, m) -> {
            int[] positions = identity(m.size());
            BitSet bits = new BitSet(m.size());
            int kept = (int) m.kept();
            drawSubset(positions, kept, random);
            for (int i = 0; i < kept; i++) {
                bits.set(positions[i]);
            }
            out.put(name, new Matrix(m.shape(), m.size(), bits));
        });
        return new ParamMask(out);
    }

    /**
     * Drops kept weights that cannot change the masked model's output, given the rest of the mask; the result
     * computes exactly the same function with fewer weights. Three cases, per layer:
     * <ul>
     *   <li>a head whose {@code W_O[h]} is entirely removed writes nothing, so its {@code W_Q[h]}, {@code W_K[h]},
     *       {@code W_V[h]} are dead;</li>
     *   <li>a head whose {@code W_K[h]} is entirely removed has constant keys {@code b_K}, so every query scores all
     *       positions alike and its {@code W_Q[h]} is dead;</li>
     *   <li>an MLP unit whose row {@code W_out[j, :]} is entirely removed writes nothing, so its column
     *       {@code W_in[:, j]} is dead.</li>
     * </ul>
     * Continuous sparsification leaves such weights behind when the stop rule fires before the sparsity penalty,
     * their only gradient, has pushed their logits below 0; counting them would inflate the kept fraction of the
     * matrices they sit in.
     *
     * @return a new mask without the dead weights; matrices other than
     *     {@code blocks.<l>.attn.W_Q/K/V/O} and {@code blocks.<l>.mlp.W_in/out} are copied unchanged
     */
    public ParamMask withoutDeadWeights() {
        Map<String, Matrix> out = new LinkedHashMap<>();
        matrices.forEach((name, m) -> out.put(name, new Matrix(m.shape(), m.size(), (BitSet) m.bits().clone())));
        int layers = 1 + matrices.keySet().stream().mapToInt(ParamMask::layerOf).max().orElse(-1);
        for (int l = 0; l < layers; l++) {
            String p = "blocks." + l + ".";
            Matrix q = out.get(p + "attn.W_Q");
            Matrix k = out.get(p + "attn.W_K");
            Matrix v = out.get(p + "attn.W_V");
            Matrix o = out.get(p + "attn.W_O");
            if (q != null && k != null && v != null && o != null) {
                int heads = (int) o.shape().get(0);
                for (int h = 0; h < heads; h++) {
                    boolean silent = headSlice(o, h).isEmpty();
                    if (silent) {
                        clearHead(v, h);
                        clearHead(k, h);
                    }
                    if (silent || headSlice(k, h).isEmpty()) {
                        clearHead(q, h);
                    }
                }
            }
            Matrix in = out.get(p + "mlp.W_in");
            Matrix outProjection = out.get(p + "mlp.W_out");
            if (in != null && outProjection != null) {
                int units = (int) outProjection.shape().get(0);
                int width = (int) outProjection.shape().get(1);
                int rows = (int) in.shape().get(0);
                for (int j = 0; j < units; j++) {
                    if (outProjection.bits().get(j * width, (j + 1) * width).isEmpty()) {
                        for (int r = 0; r < rows; r++) {
                            in.bits().clear(r * units + j);
                        }
                    }
                }
            }
        }
        return new ParamMask(out);
    }

    private static BitSet headSlice(Matrix m, int head) {
        int perHead = Math.toIntExact(m.size() / m.shape().get(0));
        return m.bits().get(head * perHead, (head + 1) * perHead);
    }

    private static void clearHead(Matrix m, int head) {
        int perHead = Math.toIntExact(m.size() / m.shape().get(0));
        m.bits().clear(head * perHead, (head + 1) * perHead);
    }

    /**
     * @param other a mask over the same matrices
     * @return number of weights kept by both
     * @throws IllegalArgumentException if the masks cover different matrices or shapes
     */
    public long overlap(ParamMask other) {
        requireSameLayout(other);
        long both = 0;
        for (Map.Entry<String, Matrix> e : matrices.entrySet()) {
            BitSet and = (BitSet) e.getValue().bits().clone();
            and.and(other.matrices.get(e.getKey()).bits());
            both += and.cardinality();
        }
        return both;
    }

    /**
     * @param other a mask over the same matrices
     * @return Jaccard index |A ∩ B| / |A ∪ B| (1 for two empty masks)
     */
    public double jaccard(ParamMask other) {
        long both = overlap(other);
        long union = kept() + other.kept() - both;
        return union == 0 ? 1 : (double) both / union;
    }

    /**
     * The overlap statistics of Chang &amp; Bergen (2025, {@code compute_circuit_overlaps.py}) with a shuffle null.
     *
     * @param both weights kept by both masks
     * @param size weights covered, {@code N}
     * @param ov overlap {@code both / N}
     * @param chanceOv expected {@code ov} when both masks are shuffled inside each matrix,
     *     {@code Σ_m k_A(m)·k_B(m)/n(m) / N}
     * @param jaccard Jaccard index of the two masks
     * @param chanceJaccard mean Jaccard index over the null samples
     * @param shareOfFirstInSecond share of the first mask's weights that the second keeps, {@code both / k_A}
     * @param chanceShare its expectation under the null, {@code Σ_m k_A(m)·k_B(m)/n(m) / k_A}
     * @param pValue {@code (1 + #{null ≥ both}) / (1 + samples)} (one-sided; the +1 keeps a finite null from
     *     reporting p = 0, Phipson &amp; Smyth 2010)
     * @param nullOv {@code ov} of each null sample
     */
    public record Overlap(long both, long size, double ov, double chanceOv, double jaccard, double chanceJaccard,
            double shareOfFirstInSecond, double chanceShare, double pValue, double[] nullOv) {}

    /**
     * Tests whether two masks overlap more than chance. Each null sample shuffles both masks independently inside
     * every matrix; the overlap of two independently shuffled sets has the same distribution as that of one
     * shuffled set with the other held fixed, so each sample draws one random subset per matrix (of the smaller
     * mask's size) and counts how many of its weights the other mask keeps. With 1000 samples over 150k weights
     * this takes well under a second.
     *
     * @param first e.g. the bigram subnetwork
     * @param second e.g. the distillation ("optimal pruning") subnetwork, over the same matrices
     * @param samples number of null samples, ≥ 1 (notebook 11 uses 1000; the paper 10 000)
     * @param seed seed of the shuffles
     * @return the statistics
     * @throws IllegalArgumentException if the masks cover different matrices or {@code samples < 1}
     */
    public static Overlap overlapTest(ParamMask first, ParamMask second, int samples, long seed) {
        first.requireSameLayout(second);
        if (samples < 1) {
            throw new IllegalArgumentException("the shuffle null needs at least one sample; got " + samples);
        }
        long both = first.overlap(second);
        long size = first.size();
        long keptFirst = first.kept();
        long keptSecond = second.kept();
        double expectedBoth = 0;
        List<int[]> positions = new ArrayList<>();
        for (Map.Entry<String, Matrix> e : first.matrices.entrySet()) {
            Matrix a = e.getValue();
            Matrix b = second.matrices.get(e.getKey());
            expectedBoth += (double) a.kept() * b.kept() / a.size();
            positions.add(identity(a.size()));
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] nullOv = new double[samples];
        double jaccardSum = 0;
        long atLeast = 0;
        for (int s = 0; s < samples; s++) {
            long sampleBoth = 0;
            int m = 0;
            for (Map.Entry<String, Matrix> e : first.matrices.entrySet()) {
                Matrix a = e.getValue();
                Matrix b = second.matrices.get(e.getKey());
                Matrix drawn = a.kept() <= b.kept() ? a : b;
                BitSet fixed = drawn == a ? b.bits() : a.bits();
                int k = (int) drawn.kept();
                int[] order = positions.get(m++);
                // a partial Fisher–Yates on any permutation yields a uniform k-subset, so the array is never reset
                drawSubset(order, k, random);
                for (int i = 0; i < k; i++) {
                    if (fixed.get(order[i])) {
                        sampleBoth++;
                    }
                }
            }
            nullOv[s] = (double) sampleBoth / size;
            long union = keptFirst + keptSecond - sampleBoth;
            jaccardSum += union == 0 ? 1 : (double) sampleBoth / union;
            if (sampleBoth >= both) {
                atLeast++;
            }
        }
        return new Overlap(both, size, (double) both / size, expectedBoth / size, first.jaccard(second),
                jaccardSum / samples, keptFirst == 0 ? Double.NaN : (double) both / keptFirst,
                keptFirst == 0 ? Double.NaN : expectedBoth / keptFirst, (1.0 + atLeast) / (1.0 + samples), nullOv);
    }

    /** Moves a uniform random {@code k}-subset of {@code order}'s entries to its first {@code k} slots. */
    private static void drawSubset(int[] order, int k, SplittableRandom random) {
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(order.length - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private static int[] identity(int n) {
        int[] out = new int[n];
        Arrays.setAll(out, i -> i);
        return out;
    }

    /**
     * The handle of a mask applied to a model: closing it restores the model's previous weight transforms (the
     * stored weights stay as they are: zero where {@link #prune} set them to zero).
     */
    public static final class Applied implements AutoCloseable {
        private final Maskable model;
        private final Map<String, UnaryOperator<NDArray>> previous = new LinkedHashMap<>();
        private final Map<String, NDArray> masks = new LinkedHashMap<>();
        private final Map<String, BitSet> kept = new LinkedHashMap<>();
        private final NDManager manager;
        private boolean closed;

        private Applied(Maskable model, ParamMask mask) {
            this.model = model;
            // one 0/1 array per parameter for the handle's lifetime, instead of one host copy per forward pass
            this.manager = model.parameter(mask.names().get(0)).getManager().newSubManager();
            mask.matrices.forEach((name, m) -> {
                float[] flags = new float[m.size()];
                m.bits().stream().forEach(i -> flags[i] = 1f);
                kept.put(name, m.bits());
                NDArray array = manager.create(flags, m.shape());
                masks.put(name, array);
                UnaryOperator<NDArray> before = model.weightTransforms().get(name);
                previous.put(name, before);
                model.setWeightTransform(name, w -> (before == null ? w : before.apply(w)).mul(array));
            });
        }

        /** Sets the removed stored weights to 0 in place, {@code W ← W ⊙ M}. */
        void zeroRemoved() {
            if (closed) {
                throw new IllegalStateException("this mask was removed from the model; apply it again to prune");
            }
            // Copied in with set(), not multiplied in place: PyTorch refuses an in-place op on a weight that requires
            // gradients wherever its thread-local grad mode is on, which is every thread but the engine's first (a
            // notebook kernel runs cells on another). Writing +0 (never W·0 = −0) keeps pruned weights comparing as 0.
            kept.forEach((name, bits) -> {
                NDArray weight = model.parameter(name);
                float[] values = weight.toFloatArray();
                for (int i = bits.nextClearBit(0); i < values.length; i = bits.nextClearBit(i + 1)) {
                    values[i] = 0f;
                }
                weight.set(values);
            });
        }

        /** Restores the transforms the model had before {@link #applyTo}; idempotent. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            previous.forEach((name, transform) -> {
                if (transform == null) {
                    model.removeWeightTransform(name);
                } else {
                    model.setWeightTransform(name, transform);
                }
            });
            manager.close();
        }
    }

    /**
     * Runs {@code model} with {@code W ⊙ mask} for every masked parameter until the returned handle is closed. An
     * existing transform of a parameter is kept and masked after it ({@code W ↦ previous(W) ⊙ mask}).
     *
     * @param model the model; its parameter arrays are not changed
     * @return the handle; close it (try-with-resources) to restore the model
     * @throws IllegalArgumentException naming the parameter if the model lacks a masked parameter or its shape
     *     differs from the mask's
     */
    public Applied applyTo(Maskable model) {
        requireFits(model);
        return new Applied(model, this);
    }

    /**
     * Prunes {@code model}: sets the removed weights to exactly 0 in place and runs the model with {@code W ⊙ mask}
     * until the handle is closed, so that training keeps them at 0 (see the class comment). Closing the handle
     * removes the forward mask; the weights stay pruned.
     *
     * <pre>{@code
     * try (ParamMask.Applied pruned = MagnitudePruning.prune(mlp, 0.9, ComparisonGroup.LAYER).prune(mlp)) {
     *     Fit.of(mlp).data(x, y, 128).steps(500).run();   // removed weights stay exactly 0
     * }
     * }</pre>
     *
     * @param model the model, changed in place
     * @return the handle of the forward mask
     * @throws IllegalArgumentException as {@link #applyTo}
     */
    public Applied prune(Maskable model) {
        Applied applied = applyTo(model);
        applied.zeroRemoved();
        return applied;
    }

    /**
     * Runs code on the masked model, then restores it: {@code mask.runWith(lm, () -> Surprisal.bits(lm, eval))}.
     *
     * @param model the model
     * @param code what to compute while the mask is applied
     * @param <T> its result type
     * @return its result
     * @throws IllegalArgumentException as {@link #applyTo}
     */
    public <T> T runWith(Maskable model, Supplier<T> code) {
        try (Applied applied = applyTo(model)) {
            return code.get();
        }
    }

    /**
     * @param model a model
     * @throws IllegalArgumentException naming the first parameter the model lacks or whose shape differs
     */
    void requireFits(Maskable model) {
        for (Map.Entry<String, Matrix> e : matrices.entrySet()) {
            if (!model.parameterNames().contains(e.getKey())) {
                throw new IllegalArgumentException("the mask covers '" + e.getKey() + "' but the model has no such "
                        + "parameter (it has " + model.parameterNames() + "); was the mask made for another model?");
            }
            Shape actual = model.parameter(e.getKey()).getShape();
            if (!actual.equals(e.getValue().shape())) {
                throw new IllegalArgumentException("the mask of " + e.getKey() + " has shape " + e.getValue().shape()
                        + " but the model's parameter has shape " + actual + "; was the mask made for another model?");
            }
        }
    }

    private Matrix matrix(String name) {
        Matrix m = matrices.get(name);
        if (m == null) {
            throw new NoSuchElementException("the mask does not cover '" + name + "'; it covers " + matrices.keySet());
        }
        return m;
    }

    private void requireSameLayout(ParamMask other) {
        if (!matrices.keySet().equals(other.matrices.keySet())) {
            throw new IllegalArgumentException("the masks cover different matrices: " + matrices.keySet() + " vs "
                    + other.matrices.keySet());
        }
        matrices.forEach((name, m) -> {
            if (!m.shape().equals(other.matrices.get(name).shape())) {
                throw new IllegalArgumentException("the masks of " + name + " have shapes " + m.shape() + " and "
                        + other.matrices.get(name).shape());
            }
        });
    }

    private static int layerOf(String name) {
        Matcher matcher = BLOCK_NAME.matcher(name);
        return matcher.matches() ? Integer.parseInt(matcher.group(1)) : -1;
    }

    private static int kindOf(String name) {
        Matcher matcher = BLOCK_NAME.matcher(name);
        return matcher.matches() ? SUFFIXES.indexOf(matcher.group(2)) : -1;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "ParamMask[%d of %d weights kept (%.3f%%), %d matrices]", kept(),
                size(), 100 * keptFraction(), matrices.size());
    }
}
