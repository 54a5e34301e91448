package org.repro4j.papers.bigramsubnetworks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;
import org.repro4j.analysis.Cka;
import org.repro4j.hooks.ActivationCache;
import org.repro4j.pruning.ParamMask;

class ResidualStreamTest {

    @Test
    void measuresEachLayerAgainstTheEmbeddingAndTheLastLayer() {
        try (TinyTransformerLM lm = TinyTransformerLM.create(
                TransformerConfig.builder(20).context(8).dModel(16).nHeads(2).nLayers(2).dMlp(32).build(), 5);
                NDManager manager = lm.manager().newSubManager()) {
            NDArray tokens = manager.create(new Random(1).ints(64 * 8, 0, 20).toArray(), new Shape(64, 8));
            ResidualStream stream = ResidualStream.measure(lm, tokens);
            assertEquals(3, stream.ckaToEmbedding().length);
            assertEquals(2, stream.updateNormRatio().length);
            assertEquals(1.0, stream.ckaToFinal()[2], 1e-9);
            NDArray h0;
            NDArray h1;
            try (ActivationCache cache = ActivationCache.record(() -> lm.logits(tokens))) {
                h0 = cache.get("blocks.0.hook_resid_pre").duplicate();
                h1 = cache.get("blocks.0.hook_resid_post").duplicate();
                h0.attach(manager);
                h1.attach(manager);
                assertEquals(Cka.linear(h0, cache.get("hook_embed")), stream.ckaToEmbedding()[0], 1e-9);
            }
            double ratio = h1.sub(h0).norm(new int[] {-1}).div(h0.norm(new int[] {-1})).mean().getFloat();
            assertEquals(ratio, stream.updateNormRatio()[0], 1e-6);
            // zeroing every block weight leaves the stream as it was: no update, CKA 1 with the input
            try (ParamMask.Applied applied = ParamMask.zeros(lm).applyTo(lm)) {
                ResidualStream frozen = ResidualStream.measure(lm, tokens);
                assertTrue(frozen.updateNormRatio()[0] < 1e-6, "ratio " + frozen.updateNormRatio()[0]);
                assertEquals(frozen.ckaToEmbedding()[0], frozen.ckaToEmbedding()[2], 1e-6);
            }
        }
    }
}
