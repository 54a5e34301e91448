package org.repro4j.papers.talkingheads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.repro4j.analysis.Matrices;
import org.repro4j.circuits.CompositionScore.Kind;
import org.repro4j.circuits.CompositionScore;
import org.repro4j.circuits.HeadCircuit;
import org.repro4j.models.transformer.TinyTransformerLM;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The analysis of Merullo, Eickhoff, Pavlick 2024 ("Talking Heads: Understanding Inter-layer Communication in
 * Transformer Language Models", NeurIPS, arXiv 2406.09519) on a trained {@link TinyTransformerLM}: which heads of
 * one layer write to which heads of a later one, through which rank-1 components of the writer's OV circuit (the
 * low-rank <i>communication channel</i>), and what happens to task accuracy when that channel is ablated or
 * scaled.
 *
 * <p><b>Circuits.</b> Per layer, one {@link HeadCircuit} per head, from the model's W_Q, W_K, W_V, W_O. A head reads
 * the residual stream through its block's LayerNorm, whose gain w acts on the input side, so it is folded into the
 * reading weights (W_Q, W_K, W_V ← diag(w)·W, TransformerLens's {@code fold_ln}); biases are left out, as in the
 * composition scores of Elhage et al. (2021). A head's W_OV = diag(w)·W_V·W_O and W_QK = diag(w)·W_Q·(diag(w)·W_K)ᵀ,
 * both {@code [d_model, d_model]}.
 *
 * <p><b>Writer/reader pairs</b> ({@link #channels}): for every upstream head, downstream head and composition kind,
 * the whole-matrix score and the best per-component score ({@link CompositionScore}); the paper's finding is that
 * the best component scores far above both the whole matrix and the random baseline 1/√d_model.
 *
 * <p><b>Interventions</b> ({@link Intervention}) are weight transforms on {@code blocks.{l}.attn.W_O}, applied only
 * while an evaluation runs ({@link Intervention#during}): scaling components of one head's W_OV by γ
 * ({@link #scaleComponents}, the paper's channel edit W_O ← W_O + (γ−1)·W_O·P_S, see {@link ChannelEdit}), ablating
 * them (γ = 0) or zeroing the whole head ({@link #ablateHead}).
 *
 * <pre>{@code
 * TalkingHeads heads = TalkingHeads.of(lm);
 * List<Channel> pairs = heads.channels(0, 1, Kind.V);                  // strongest channel first
 * int[] ranked = heads.componentsByComposition(0, 2, 1, Kind.values());  // components of L0H2, best first
 * double[] acc = heads.ablateComponents(0, 2, 0, 1, 2).during(lm, () -> eval.byN(lm::logits));
 * }</pre>
 */
public final class TalkingHeads {

    private final List<List<HeadCircuit>> layers;

    private TalkingHeads(List<List<HeadCircuit>> layers) {
        this.layers = layers;
    }

    /**
     * Reads every head's circuits from the model's current raw weights (weight transforms are ignored).
     *
     * @param lm a trained model with at least two layers
     * @return the analysis of its heads
     * @throws IllegalArgumentException if the model has a single layer (no heads can compose)
     */
    public static TalkingHeads of(TinyTransformerLM lm) {
        int n = lm.config().nLayers();
        if (n < 2) {
            throw new IllegalArgumentException("the model has 1 layer; heads compose only across layers, so use a model"
                    + " with nLayers >= 2");
        }
        List<List<HeadCircuit>> layers = new ArrayList<>();
        for (int l = 0; l < n; l++) {
            double[] gain;
            try (NDArray g = lm.parameter("blocks." + l + ".ln1.w").toType(DataType.FLOAT64, true)) {
                gain = g.toDoubleArray();
            }
            layers.add(HeadCircuit.layer(foldGain(gain, Matrices.toHeadArrays(lm.W_Q(l))),
                    foldGain(gain, Matrices.toHeadArrays(lm.W_K(l))), foldGain(gain, Matrices.toHeadArrays(lm.W_V(l))),
                    Matrices.toHeadArrays(lm.W_O(l))));
        }
        return new TalkingHeads(List.copyOf(layers));
    }

    /** diag(gain)·W for each head's {@code [d_model, d_head]} reading weight. */
    private static double[][][] foldGain(double[] gain, double[][][] perHead) {
        for (double[][] w : perHead) {
            for (int r = 0; r < w.length; r++) {
                for (int c = 0; c < w[r].length; c++) {
                    w[r][c] *= gain[r];
                }
            }
        }
        return perHead;
    }

    /** @return the number of layers */
    public int nLayers() {
        return layers.size();
    }

    /** @return heads per layer */
    public int nHeads() {
        return layers.get(0).size();
    }

    /**
     * @param layer block index
     * @return its heads' circuits, in head order
     * @throws IndexOutOfBoundsException if there is no such layer
     */
    public List<HeadCircuit> layer(int layer) {
        return layers.get(checkLayer(layer));
    }

    /**
     * @param layer block index
     * @param head head index
     * @return that head's circuits (W_OV with its LayerNorm gain folded in)
     * @throws IndexOutOfBoundsException if there is no such layer or head
     */
    public HeadCircuit head(int layer, int head) {
        return layer(layer).get(checkHead(head));
    }

    /**
     * One writer/reader head pair and how strongly they compose.
     *
     * @param kind which input of the reader the writer's output feeds
     * @param upLayer the writer's layer
     * @param upHead the writer's head
     * @param downLayer the reader's layer
     * @param downHead the reader's head
     * @param wholeScore whole-matrix composition score CS(OV_up, B)
     * @param bestComponent index of the writer's component with the highest score (0 = largest σ)
     * @param bestComponentScore that component's score CS_i
     */
    public record Channel(Kind kind, int upLayer, int upHead, int downLayer, int downHead, double wholeScore,
            int bestComponent, double bestComponentScore) {

        /** @return the best component's score over the whole matrix's, the paper's "low-rank" signature */
        public double ratio() {
            return bestComponentScore / wholeScore;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s-composition L%dH%d -> L%dH%d: whole %.3f, component %d %.3f",
                    kind, upLayer, upHead, downLayer, downHead, wholeScore, bestComponent, bestComponentScore);
        }
    }

    /**
     * Every writer/reader pair between two layers, for each kind asked for.
     *
     * @param upLayer the writing layer
     * @param downLayer a later, reading layer
     * @param kinds composition kinds to score, at least one
     * @return pairs sorted by best per-component score, strongest first
     * @throws IllegalArgumentException if {@code downLayer <= upLayer} or no kind is given
     */
    public List<Channel> channels(int upLayer, int downLayer, Kind... kinds) {
        checkPair(upLayer, downLayer, kinds);
        List<Channel> out = new ArrayList<>();
        for (Kind kind : kinds) {
            for (int u = 0; u < nHeads(); u++) {
                for (int d = 0; d < nHeads(); d++) {
                    HeadCircuit up = head(upLayer, u);
                    HeadCircuit down = head(downLayer, d);
                    double[] perComponent = CompositionScore.perComponent(kind, up, down);
                    int best = argMax(perComponent);
                    out.add(new Channel(kind, upLayer, u, downLayer, d, CompositionScore.score(kind, up, down), best,
                            best < 0 ? Double.NaN : perComponent[best]));
                }
            }
        }
        out.sort(Comparator.comparingDouble(Channel::bestComponentScore).reversed());
        return List.copyOf(out);
    }

    /**
     * @param channels pairs, e.g. the first few of {@link #channels}
     * @return one row per pair: {@code kind}, {@code writer} (e.g. {@code L0H2}), {@code reader}, {@code whole CS},
     *     {@code best component}, {@code component CS}, {@code component / whole}; scores keep their full value
     *     (the notebook shows them with 4 significant digits)
     */
    public static Table table(List<Channel> channels) {
        Table table = Table.create("writer/reader channels", StringColumn.create("kind"), StringColumn.create("writer"),
                StringColumn.create("reader"), DoubleColumn.create("whole CS"), IntColumn.create("best component"),
                DoubleColumn.create("component CS"), DoubleColumn.create("component / whole"));
        for (Channel c : channels) {
            table.stringColumn("kind").append(c.kind().name());
            table.stringColumn("writer").append("L" + c.upLayer() + "H" + c.upHead());
            table.stringColumn("reader").append("L" + c.downLayer() + "H" + c.downHead());
            table.doubleColumn("whole CS").append(c.wholeScore());
            table.intColumn("best component").append(c.bestComponent());
            table.doubleColumn("component CS").append(c.bestComponentScore());
            table.doubleColumn("component / whole").append(c.ratio());
        }
        return table;
    }

    /**
     * How well each component of a writer is aligned with what is read downstream: for component i, the maximum of
     * CS_i over the reading layer's heads and the given kinds. CS_i ignores σ_i, so a component the head barely
     * writes can still score high; {@link #carriedComposition} weighs it by σ_i.
     *
     * @param upLayer the writer's layer
     * @param upHead the writer's head
     * @param downLayer a later, reading layer
     * @param kinds composition kinds to take the maximum over, at least one
     * @return one score per non-zero component of the writer's W_OV, largest σ first
     * @throws IllegalArgumentException if {@code downLayer <= upLayer} or no kind is given
     */
    public double[] componentScores(int upLayer, int upHead, int downLayer, Kind... kinds) {
        checkPair(upLayer, downLayer, kinds);
        HeadCircuit up = head(upLayer, upHead);
        double[] best = new double[up.ov().rank()];
        Arrays.fill(best, Double.NEGATIVE_INFINITY);
        for (Kind kind : kinds) {
            for (HeadCircuit down : layer(downLayer)) {
                double[] cs = CompositionScore.perComponent(kind, up, down);
                for (int i = 0; i < best.length; i++) {
                    best[i] = Math.max(best[i], cs[i]);
                }
            }
        }
        return best;
    }

    /**
     * How much composition each component of a writer carries: σ_i·CS_i, maximised over the reading layer's heads
     * and the given kinds. For one reader B this is ‖σ_i u_i v_iᵀ·B‖_F / ‖B‖_F, and because the u_i are orthonormal
     * the squares add up to the whole matrix's: Σ_i (σ_i·CS_i)² = (CS(OV_up, B)·‖OV_up‖_F)². It is the ranking the
     * ablations use. The prototype behind this toy (package documentation) ranked by CS_i alone; on the laundry-list toy that
     * ranking put weakly written components into the top 3 on some training runs, whose top-3 ablation then removed
     * less than ablating the top 3 by σ_i·CS_i (notebook 12).
     *
     * @param upLayer the writer's layer
     * @param upHead the writer's head
     * @param downLayer a later, reading layer
     * @param kinds composition kinds to take the maximum over, at least one
     * @return one value per non-zero component of the writer's W_OV, largest σ first; same units as σ (the scale of
     *     W_OV), not comparable across writers of different norm
     * @throws IllegalArgumentException if {@code downLayer <= upLayer} or no kind is given
     */
    public double[] carriedComposition(int upLayer, int upHead, int downLayer, Kind... kinds) {
        double[] scores = componentScores(upLayer, upHead, downLayer, kinds);
        double[] sigma = head(upLayer, upHead).ov().singularValues();
        return IntStream.range(0, scores.length).mapToDouble(i -> sigma[i] * scores[i]).toArray();
    }

    /**
     * @param upLayer the writer's layer
     * @param upHead the writer's head
     * @param downLayer a later, reading layer
     * @param kinds composition kinds, at least one
     * @return the writer's component indices sorted by {@link #carriedComposition}, most carried first
     * @throws IllegalArgumentException if {@code downLayer <= upLayer} or no kind is given
     */
    public int[] componentsByComposition(int upLayer, int upHead, int downLayer, Kind... kinds) {
        double[] carried = carriedComposition(upLayer, upHead, downLayer, kinds);
        return IntStream.range(0, carried.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> carried[i]).reversed())
                .mapToInt(Integer::intValue).toArray();
    }

    /**
     * The channel edit on one head: its W_OV components in {@code components} are multiplied by γ.
     *
     * @param layer the head's layer
     * @param head the head
     * @param gamma 0 ablates, 1 is the identity, above 1 boosts
     * @param components distinct component indices, 0 for the largest σ
     * @return the intervention, a transform of {@code blocks.{layer}.attn.W_O}
     * @throws IllegalArgumentException if no component is named or one repeats
     * @throws IndexOutOfBoundsException if an index is not a component of the head
     */
    public Intervention scaleComponents(int layer, int head, double gamma, int... components) {
        ChannelEdit edit = ChannelEdit.components(head(layer, head).ov(), gamma, components);
        return new Intervention(String.format(Locale.ROOT, "L%dH%d components %s × %s", layer, head,
                Arrays.toString(components), gamma), wO(layer), edit.weightOverride(head));
    }

    /**
     * @param layer the head's layer
     * @param head the head
     * @param components distinct component indices to remove from its W_OV
     * @return {@link #scaleComponents} with γ = 0
     */
    public Intervention ablateComponents(int layer, int head, int... components) {
        return scaleComponents(layer, head, 0, components);
    }

    /**
     * @param layer the head's layer
     * @param head the head
     * @return an intervention zeroing the head's W_O, so it writes nothing
     */
    public Intervention ablateHead(int layer, int head) {
        checkLayer(layer);
        checkHead(head);
        return new Intervention("L" + layer + "H" + head + " ablated", wO(layer), ChannelEdit.zeroHead(head));
    }

    /**
     * {@code k} distinct components of a head drawn uniformly from those not in {@code excluded}: the random
     * control of a top-k ablation.
     *
     * @param layer the head's layer
     * @param head the head
     * @param k how many, ≥ 1
     * @param excluded component indices never drawn, e.g. the top-k
     * @param rng random source, advanced by the call
     * @return the drawn indices
     * @throws IllegalArgumentException if fewer than {@code k} components remain
     */
    public int[] randomComponents(int layer, int head, int k, int[] excluded, Random rng) {
        int rank = head(layer, head).ov().rank();
        int[] pool = IntStream.range(0, rank).filter(i -> Arrays.stream(excluded).noneMatch(e -> e == i)).toArray();
        if (k < 1 || k > pool.length) {
            throw new IllegalArgumentException("cannot draw " + k + " components: L" + layer + "H" + head + " has "
                    + pool.length + " components outside the " + excluded.length + " excluded");
        }
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(pool.length - i);
            int tmp = pool[i];
            pool[i] = pool[j];
            pool[j] = tmp;
        }
        return Arrays.copyOf(pool, k);
    }

    /**
     * Accuracy at one N after ablating a head's top-k components and, as control, k random other ones, for
     * k = 1 … maxK: the paper's evidence that the channel is low-rank.
     *
     * @param lm the model the circuits were read from
     * @param eval the evaluation lists
     * @param n the list size to score
     * @param layer the writer's layer
     * @param head the writer's head
     * @param ranking its components, most important first (e.g. {@link #componentsByComposition})
     * @param maxK largest k, ≤ half the ranking's length so random components stay outside the top-k
     * @param draws random subsets per k, ≥ 1
     * @param seed seed of the random subsets
     * @return the curves
     * @throws IllegalArgumentException if {@code maxK} or {@code draws} is out of range
     */
    public AblationCurve topVsRandomAblation(TinyTransformerLM lm, LaundryListAccuracy eval, int n, int layer,
            int head, int[] ranking, int maxK, int draws, long seed) {
        if (maxK < 1 || 2 * maxK > ranking.length || draws < 1) {
            throw new IllegalArgumentException("need 1 <= maxK <= " + ranking.length / 2 + " and draws >= 1; got maxK = "
                    + maxK + ", draws = " + draws);
        }
        Random rng = new Random(seed);
        double clean = eval.at(n, lm::logits);
        double whole = ablateHead(layer, head).during(lm, () -> eval.at(n, lm::logits));
        double[] top = new double[maxK];
        double[] random = new double[maxK];
        for (int k = 1; k <= maxK; k++) {
            int[] topK = Arrays.copyOf(ranking, k);
            top[k - 1] = ablateComponents(layer, head, topK).during(lm, () -> eval.at(n, lm::logits));
            double sum = 0;
            for (int r = 0; r < draws; r++) {
                int[] other = randomComponents(layer, head, k, topK, rng);
                sum += ablateComponents(layer, head, other).during(lm, () -> eval.at(n, lm::logits));
            }
            random[k - 1] = sum / draws;
        }
        return new AblationCurve(n, clean, whole, top, random);
    }

    /**
     * Accuracy after ablating the top-k and random-k components of one head.
     *
     * @param n the list size scored
     * @param clean accuracy without intervention
     * @param wholeHead accuracy with the head zeroed
     * @param topK accuracy with components ranking[0..k) ablated, at index k−1
     * @param randomK mean accuracy with k random other components ablated, at index k−1
     */
    public record AblationCurve(int n, double clean, double wholeHead, double[] topK, double[] randomK) {

        /**
         * @param k number of ablated components, 1 … topK.length
         * @return clean − topK accuracy
         */
        public double topDrop(int k) {
            return clean - topK[k - 1];
        }

        /**
         * @param k number of ablated components
         * @return clean − mean random-k accuracy
         */
        public double randomDrop(int k) {
            return clean - randomK[k - 1];
        }

        /** @return clean − accuracy with the whole head zeroed */
        public double wholeHeadDrop() {
            return clean - wholeHead;
        }
    }

    /**
     * A temporary change of one weight of a {@link TinyTransformerLM}, applied through
     * {@link TinyTransformerLM#setWeightTransform} on top of any transform already set there.
     *
     * @param description what it does, e.g. {@code L0H2 components [0, 1] × 0.0}
     * @param parameter the parameter it transforms, e.g. {@code blocks.0.attn.W_O}; null for no intervention
     * @param transform the weight transform, same shape in and out; null for no intervention
     */
    public record Intervention(String description, String parameter, UnaryOperator<NDArray> transform) {

        /** @return the unmodified model */
        public static Intervention none() {
            return new Intervention("none", null, null);
        }

        /**
         * Runs {@code body} with the intervention applied, then restores the model's previous transform of the
         * parameter (even if {@code body} throws).
         *
         * @param lm the model
         * @param body e.g. {@code () -> eval.byN(lm::logits)}
         * @param <T> the result type
         * @return what {@code body} returned
         */
        public <T> T during(TinyTransformerLM lm, Supplier<T> body) {
            if (parameter == null) {
                return body.get();
            }
            UnaryOperator<NDArray> previous = lm.weightTransforms().get(parameter);
            lm.setWeightTransform(parameter, previous == null ? transform : w -> transform.apply(previous.apply(w)));
            try {
                return body.get();
            } finally {
                if (previous == null) {
                    lm.removeWeightTransform(parameter);
                } else {
                    lm.setWeightTransform(parameter, previous);
                }
            }
        }
    }

    private static String wO(int layer) {
        return "blocks." + layer + ".attn.W_O";
    }

    private void checkPair(int upLayer, int downLayer, Kind[] kinds) {
        checkLayer(upLayer);
        checkLayer(downLayer);
        if (downLayer <= upLayer) {
            throw new IllegalArgumentException("layer " + downLayer + " cannot read layer " + upLayer
                    + "; the reading layer must come after the writing one");
        }
        if (kinds.length == 0) {
            throw new IllegalArgumentException("no composition kind given; pass e.g. Kind.V or Kind.values()");
        }
    }

    private int checkLayer(int layer) {
        if (layer < 0 || layer >= layers.size()) {
            throw new IndexOutOfBoundsException("layer " + layer + " does not exist; the model has layers 0.."
                    + (layers.size() - 1));
        }
        return layer;
    }

    private int checkHead(int head) {
        if (head < 0 || head >= nHeads()) {
            throw new IndexOutOfBoundsException("head " + head + " does not exist; each layer has heads 0.."
                    + (nHeads() - 1));
        }
        return head;
    }

    private static int argMax(double[] x) {
        int best = -1;
        for (int i = 0; i < x.length; i++) {
            if (best < 0 || x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }
}
