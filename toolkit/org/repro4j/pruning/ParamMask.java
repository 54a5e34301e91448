package org.repro4j.pruning;

import ai.djl.ndarray.NDArray;
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
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.repro4j.analysis.Surprisal;
import org.repro4j.models.transformer.TinyTransformerLM;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * A binary mask over weight matrices, one bit per weight: which weights a subnetwork keeps. Immutable; stored as
 * one {@link BitSet} per matrix in row-major order, so overlaps and shuffle nulls run in plain Java.
 *
 * <p>Masks of {@link TinyTransformerLM} cover its {@link TinyTransformerLM#maskableParameterNames() maskable}
 * matrices (Chang &amp; Bergen, 2025, "Bigram Subnetworks", arXiv 2504.15471: attention Q, K, V, O and MLP in,
 * out; embeddings, unembedding, LayerNorms and biases are always kept). {@link #applyTo} runs the model with
 * {@code W ⊙ mask}; applying the {@link #complement()} is the paper's ablation ("remove the subnetwork");
 * {@link #shuffled(long)} is its random baseline of equal size (the mask permuted inside each matrix);
 * {@link #overlapTest} is its overlap statistic with a shuffle null.
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
     * @param lm a model
     * @return the mask that keeps every maskable weight of {@code lm} (the full model)
     */
    public static ParamMask ones(TinyTransformerLM lm) {
        return filled(lm, true);
    }

    /**
     * @param lm a model
     * @return the mask that keeps no maskable weight (only embeddings, unembedding, LayerNorms and biases remain)
     */
    public static ParamMask zeros(TinyTransformerLM lm) {
        return filled(lm, false);
    }

    private static ParamMask filled(TinyTransformerLM lm, boolean keep) {
        Map<String, Matrix> out = new LinkedHashMap<>();
        for (String name : lm.maskableParameterNames()) {
            Shape shape = lm.parameter(name).getShape();
            int size = Math.toIntExact(shape.size());
            BitSet bits = new BitSet(size);
            bits.set(0, size, keep);
            out.put(name, new Matrix(shape, size, bits));
        }
        return new ParamMask(out);
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

    /** The handle of a mask applied to a model: closing it restores the model's previous weight transforms. */
    public static final class Applied implements AutoCloseable {
        private final TinyTransformerLM lm;
        private final Map<String, UnaryOperator<NDArray>> previous;
        private boolean closed;

        private Applied(TinyTransformerLM lm, Map<String, UnaryOperator<NDArray>> previous) {
            this.lm = lm;
            this.previous = previous;
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
                    lm.removeWeightTransform(name);
                } else {
                    lm.setWeightTransform(name, transform);
                }
            });
        }
    }

    /**
     * Runs {@code lm} with {@code W ⊙ mask} for every masked matrix until the returned handle is closed. An existing
     * transform of a matrix is kept and masked after it ({@code W ↦ previous(W) ⊙ mask}).
     *
     * @param lm the model; its parameter arrays are not changed
     * @return the handle; close it (try-with-resources) to restore the model
     * @throws IllegalArgumentException if the model lacks a masked parameter or its shape differs
     */
    public Applied applyTo(TinyTransformerLM lm) {
        for (Map.Entry<String, Matrix> e : matrices.entrySet()) {
            Shape actual = lm.parameter(e.getKey()).getShape();
            if (!actual.equals(e.getValue().shape())) {
                throw new IllegalArgumentException("the mask of " + e.getKey() + " has shape " + e.getValue().shape()
                        + " but the model's parameter has shape " + actual + "; was the mask made for another model?");
            }
        }
        Map<String, UnaryOperator<NDArray>> previous = new LinkedHashMap<>();
        matrices.forEach((name, m) -> {
            UnaryOperator<NDArray> before = lm.weightTransforms().get(name);
            previous.put(name, before);
            float[] flags = new float[m.size()];
            m.bits().stream().forEach(i -> flags[i] = 1f);
            Shape shape = m.shape();
            lm.setWeightTransform(name, w -> {
                NDArray base = before == null ? w : before.apply(w);
                // created per pass in the pass's manager: 0.6 MB for the toy, and nothing outlives the pass
                return base.mul(w.getManager().create(flags, shape));
            });
        });
        return new Applied(lm, previous);
    }

    /**
     * Runs code on the masked model, then restores it: {@code mask.runWith(lm, () -> Surprisal.bits(lm, eval))}.
     *
     * @param lm the model
     * @param code what to compute while the mask is applied
     * @param <T> its result type
     * @return its result
     * @throws IllegalArgumentException as {@link #applyTo}
     */
    public <T> T runWith(TinyTransformerLM lm, Supplier<T> code) {
        try (Applied applied = applyTo(lm)) {
            return code.get();
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
