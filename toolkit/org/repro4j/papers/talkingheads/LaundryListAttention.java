package org.repro4j.papers.talkingheads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.repro4j.hooks.ActivationCache;
import org.repro4j.models.transformer.TinyTransformerLM;

/**
 * Where a layer's heads look from END on the odd-one-out laundry list ({@link LaundryList}): the
 * attention paid to each role of token, averaged over sequences. A head that solves the task attends from END to
 * the item that appears once ({@link Role#TARGET}) rather than to the repeated ones: the "inhibition" of the paper's
 * IOI circuit (Merullo, Eickhoff, Pavlick 2024, arXiv 2406.09519) generalised to N names.
 */
public final class LaundryListAttention {

    /** The roles a token can have in a laundry-list sequence. */
    public enum Role {
        /** The BOS token at position 0. */
        BOS,
        /** The item that appears once: the answer. */
        TARGET,
        /** The items that appear twice. */
        REPEATED,
        /** Filler tokens. */
        FILLER,
        /** END itself. */
        END
    }

    private LaundryListAttention() {}

    /** @return the role names, in {@link Role} order, for chart labels */
    public static List<String> roleNames() {
        return Arrays.stream(Role.values()).map(r -> r.name().toLowerCase(Locale.ROOT)).toList();
    }

    /**
     * @param lm the model, run once on the batch (with any weight transforms it has set)
     * @param task the task the batch came from (for token roles)
     * @param batch the sequences
     * @param layer the layer whose pattern ({@code blocks.{layer}.attn.hook_pattern}) is read
     * @return {@code [n_heads][Role]}: mean over sequences of the total attention from END to tokens of each role;
     *     each row sums to 1
     * @throws IndexOutOfBoundsException if the model has no such layer
     */
    public static double[][] atEnd(TinyTransformerLM lm, LaundryList task, LaundryList.Batch batch, int layer) {
        if (layer < 0 || layer >= lm.config().nLayers()) {
            throw new IndexOutOfBoundsException("layer " + layer + " does not exist; the model has layers 0.."
                    + (lm.config().nLayers() - 1));
        }
        String hook = "blocks." + layer + ".attn.hook_pattern";
        int heads = lm.config().nHeads();
        int end = task.endPosition();
        int seq = task.seqLength();
        float[] pattern;
        try (NDManager scope = NDManager.newBaseManager();
                ActivationCache cache = ActivationCache.record(hook::equals, () -> lm.logits(batch.tokens(scope)))) {
            // [batch, heads, query, key] -> the END query row, [batch, heads, key]
            pattern = cache.get(hook).get(new NDIndex(":, :, {}, :", end)).toType(DataType.FLOAT32, false)
                    .toFloatArray();
        }
        double[][] out = new double[heads][Role.values().length];
        for (int b = 0; b < batch.size(); b++) {
            int[] tokens = batch.tokens()[b];
            for (int h = 0; h < heads; h++) {
                for (int k = 0; k < seq; k++) {
                    out[h][role(task, tokens, k, batch.targets()[b]).ordinal()] += pattern[(b * heads + h) * seq + k];
                }
            }
        }
        for (double[] row : out) {
            for (int r = 0; r < row.length; r++) {
                row[r] /= batch.size();
            }
        }
        return out;
    }

    private static Role role(LaundryList task, int[] tokens, int position, int target) {
        int token = tokens[position];
        if (token == task.bos()) {
            return Role.BOS;
        }
        if (token == task.end()) {
            return Role.END;
        }
        if (!task.isItem(token)) {
            return Role.FILLER;
        }
        return token == target ? Role.TARGET : Role.REPEATED;
    }
}
