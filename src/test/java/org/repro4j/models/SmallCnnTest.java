package org.repro4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.repro4j.hooks.ActivationCache;

class SmallCnnTest {

    @Test
    void everyStageExposesPrePostAndPooledMapsWithTheirShapes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SmallCnn cnn = new SmallCnn(10, false, 8, 16).initialize(manager, 5);
            NDArray x = manager.randomUniform(0f, 1f, new Shape(3, 784));
            try (ActivationCache cache = ActivationCache.record(() -> cnn.logits(x))) {
                assertEquals(List.of("hook_input", "layers.0.hook_pre", "layers.0.hook_post", "layers.0.hook_pool",
                        "layers.1.hook_pre", "layers.1.hook_post", "layers.1.hook_pool", "hook_logits"), cache.names());
                assertEquals(new Shape(3, 1, 28, 28), cache.get("hook_input").getShape());
                assertEquals(new Shape(3, 8, 28, 28), cache.get("layers.0.hook_post").getShape());
                assertEquals(new Shape(3, 16, 7, 7), cache.get("layers.1.hook_pool").getShape());
                assertEquals(new Shape(3, 10), cache.get("hook_logits").getShape());
                // post = relu(pre); pool = 2×2 max of post
                assertArrayEquals(cache.get("layers.0.hook_pre").maximum(0f).toFloatArray(),
                        cache.get("layers.0.hook_post").toFloatArray(), 1e-6f);
                NDArray post = cache.get("layers.1.hook_post");
                float topLeft = post.get("0, 0, 0:2, 0:2").max().getFloat();
                assertEquals(topLeft, cache.get("layers.1.hook_pool").getFloat(0, 0, 0, 0), 1e-6f);
            }
        }
    }

    @Test
    void batchNormStagesUseRunningStatisticsAtEvaluation() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SmallCnn cnn = new SmallCnn(4, true, 4).initialize(manager, 5);
            NDArray x = manager.randomUniform(0f, 1f, new Shape(2, 1, 28, 28));
            // fresh running stats are mean 0, var 1, so evaluation-mode BN is (nearly) the identity on the conv output
            NDArray a = cnn.logits(x);
            NDArray b = cnn.logits(x.get("0:1"));
            assertArrayEquals(a.get("0:1").toFloatArray(), b.toFloatArray(), 1e-5f);
            assertTrue(cnn.getParameters().keys().stream().anyMatch(k -> k.contains("runningMean")));
        }
    }

    @Test
    void tooManyStagesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SmallCnn(10, false, 1, 2, 3, 4, 5));
    }
}
