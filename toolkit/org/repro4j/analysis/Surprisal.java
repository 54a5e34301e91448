package org.repro4j.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.repro4j.data.BigramTable;
import org.repro4j.data.LmBatch;
import org.repro4j.models.transformer.TinyTransformerLM;

/**
 * Next-token surprisal of a language model over evaluation batches, the measure of Chang &amp; Bergen (2025,
 * "Bigram Subnetworks", arXiv 2504.15471, §3): {@code −log₂ p(w_{t+1} | w_≤t)} in bits per position, compared
 * position by position with a bigram model's ({@link BigramTable#surprisalBits(List)}, same order) by Pearson
 * correlation ({@link Correlation#pearson}).
 */
public final class Surprisal {

    private Surprisal() {}

    /**
     * @param lm the model, with whatever masks are applied
     * @param batches evaluation batches, e.g. {@code new LmBatches(evalIds, 32, 32).sequential()}
     * @return surprisal in bits of every target, batch by batch, window by window, position by position
     */
    public static double[] bits(TinyTransformerLM lm, List<LmBatch> batches) {
        int n = batches.stream().mapToInt(b -> b.inputs().length).sum();
        double[] out = new double[n];
        int k = 0;
        for (LmBatch batch : batches) {
            try (NDManager scope = lm.manager().newSubManager()) {
                NDList arrays = batch.toNDList(scope);
                for (float bits : lm.surprisalBits(arrays.get(0), arrays.get(1)).toFloatArray()) {
                    out[k++] = bits;
                }
            }
        }
        return out;
    }

    /**
     * Mean cross-entropy from the bigram distribution to the model's, {@code −Σ_w P_bigram(w | w_t) log p(w | w_≤t)},
     * averaged over positions: the quantity a bigram subnetwork minimises.
     *
     * @param lm the model, with whatever masks are applied
     * @param batches evaluation batches
     * @param bigrams the bigram model
     * @return mean cross-entropy, nats
     */
    public static double crossEntropyToBigramsNats(TinyTransformerLM lm, List<LmBatch> batches, BigramTable bigrams) {
        double sum = 0;
        long positions = 0;
        for (LmBatch batch : batches) {
            try (NDManager scope = lm.manager().newSubManager()) {
                NDArray inputs = batch.toNDList(scope).get(0);
                NDArray logProbs = lm.logits(inputs).logSoftmax(-1);
                sum += logProbs.mul(bigrams.nextTokenDistributions(inputs)).sum().getFloat();
                positions += batch.inputs().length;
            }
        }
        return -sum / positions;
    }

    /**
     * @param bits surprisals
     * @return their mean
     * @throws IllegalArgumentException if there are none
     */
    public static double mean(double[] bits) {
        if (bits.length == 0) {
            throw new IllegalArgumentException("no surprisals to average");
        }
        double sum = 0;
        for (double b : bits) {
            sum += b;
        }
        return sum / bits.length;
    }
}
