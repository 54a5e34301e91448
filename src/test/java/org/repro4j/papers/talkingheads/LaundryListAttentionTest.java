package org.repro4j.papers.talkingheads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;
import org.repro4j.hooks.ActivationCache;

class LaundryListAttentionTest {

    @Test
    void attentionFromEndIsSplitByTokenRole() {
        LaundryList task = new LaundryList(4, 3, 8, 2, 3);
        LaundryList.Batch batch = task.batch(5, 2);
        try (TinyTransformerLM lm = TinyTransformerLM.create(TransformerConfig.builder(task.vocabSize()).context(12)
                .dModel(16).nHeads(2).dHead(4).nLayers(2).attentionOnly(true).build(), 3);
                NDManager m = NDManager.newBaseManager()) {
            // sharper patterns than at initialisation, so the roles get unequal shares
            lm.parameter("blocks.1.attn.W_Q").muli(40);
            double[][] byRole = LaundryListAttention.atEnd(lm, task, batch, 1);
            float[] pattern;
            try (ActivationCache cache = ActivationCache.record(n -> n.equals("blocks.1.attn.hook_pattern"),
                    () -> lm.logits(batch.tokens(m)))) {
                pattern = cache.get("blocks.1.attn.hook_pattern").get(new NDIndex(":, 1, {}, :", task.endPosition()))
                        .toFloatArray(); // head 1, [batch, key]
            }
            int seq = task.seqLength();
            double target = 0;
            double bos = 0;
            for (int b = 0; b < batch.size(); b++) {
                target += pattern[b * seq + batch.targetPositions()[b]] / batch.size();
                bos += pattern[b * seq] / batch.size();
            }
            assertEquals(target, byRole[1][LaundryListAttention.Role.TARGET.ordinal()], 1e-6);
            assertEquals(bos, byRole[1][LaundryListAttention.Role.BOS.ordinal()], 1e-6);
            for (double[] head : byRole) {
                assertEquals(1, java.util.Arrays.stream(head).sum(), 1e-5);
            }
            assertEquals(List.of("bos", "target", "repeated", "filler", "end"), LaundryListAttention.roleNames());
            assertThrows(IndexOutOfBoundsException.class, () -> LaundryListAttention.atEnd(lm, task, batch, 2));
        }
    }
}
