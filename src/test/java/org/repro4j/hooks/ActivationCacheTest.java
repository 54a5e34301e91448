package org.repro4j.hooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class ActivationCacheTest {

    private static SequentialBlock reluWithHooks() {
        return new SequentialBlock()
                .add(new HookPoint("hook_pre"))
                .add(Activation::relu)
                .add(new HookPoint("hook_post"));
    }

    @Test
    void cachesEveryHookPointInForwardOrderAndOutlivesTheForwardManager() {
        SequentialBlock model = reluWithHooks();
        ActivationCache cache;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {-1f, 2f, -3f, 4f});
            model.initialize(manager, DataType.FLOAT32, new Shape(4));
            cache = ActivationCache.record(() -> model.forward(new ParameterStore(manager, false), new NDList(x), false));
        }
        try (cache) {
            assertEquals(List.of("hook_pre", "hook_post"), cache.names());
            assertArrayEquals(new float[] {-1f, 2f, -3f, 4f}, cache.get("hook_pre").toFloatArray());
            assertArrayEquals(new float[] {0f, 2f, 0f, 4f}, cache.get("hook_post").toFloatArray());
            assertEquals(List.of("hook_post"), List.copyOf(cache.filter(n -> n.endsWith("post")).keySet()));
            assertThrows(NoSuchElementException.class, () -> cache.get("hook_mid"));
        }
    }

    @Test
    void hookEditsReplaceTheActivationOnlyInsideTheSession() {
        SequentialBlock model = reluWithHooks();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {-1f, 2f});
            model.initialize(manager, DataType.FLOAT32, new Shape(2));
            ParameterStore store = new ParameterStore(manager, false);
            try (Hooks hooks = Hooks.open().add("hook_pre", NDArray::neg)) {
                assertArrayEquals(new float[] {1f, 0f}, model.forward(store, new NDList(x), false).head().toFloatArray());
            }
            assertArrayEquals(new float[] {0f, 2f}, model.forward(store, new NDList(x), false).head().toFloatArray());
            assertEquals(List.of("hook_pre", "hook_post"), HookPoint.namesIn(model));
        }
    }

    @Test
    void aHookThatChangesTheShapeIsRejectedWithItsName() {
        SequentialBlock model = reluWithHooks();
        try (NDManager manager = NDManager.newBaseManager(); Hooks hooks = Hooks.open().add("hook_post", a -> a.sum())) {
            NDArray x = manager.create(new float[] {1f, 2f});
            model.initialize(manager, DataType.FLOAT32, new Shape(2));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> model.forward(new ParameterStore(manager, false), new NDList(x), false));
            assertEquals(true, e.getMessage().contains("hook_post"));
        }
    }
}
