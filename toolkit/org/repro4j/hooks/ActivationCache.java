package org.repro4j.hooks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Named intermediate activations of one forward pass, as TransformerLens's {@code run_with_cache}: every
 * {@link HookPoint} the pass goes through stores a detached copy of its activation under its hook name.
 *
 * <pre>{@code
 * try (ActivationCache cache = ActivationCache.record(() -> model.logits(tokens))) {
 *     NDArray resid = cache.get("blocks.0.hook_resid_post");   // [batch, seq, d_model]
 * }
 * }</pre>
 *
 * The cache owns its arrays (in its own {@link NDManager}) and frees them on {@link #close()}.
 */
public final class ActivationCache implements AutoCloseable {

    private final NDManager manager;
    private final Map<String, NDArray> activations = new LinkedHashMap<>();

    private ActivationCache(NDManager manager) {
        this.manager = manager;
    }

    /**
     * Runs a forward pass and caches every hook point's activation.
     *
     * @param forward the forward pass, e.g. {@code () -> model.logits(tokens)}; its own result is not kept
     * @return the cache, in forward order
     */
    public static ActivationCache record(Supplier<?> forward) {
        return record(name -> true, forward);
    }

    /**
     * Runs a forward pass and caches the activations whose hook names pass {@code names}.
     *
     * @param names which hook names to keep, e.g. {@code n -> n.endsWith("hook_resid_post")}
     * @param forward the forward pass
     * @return the cache, in forward order
     */
    public static ActivationCache record(Predicate<String> names, Supplier<?> forward) {
        ActivationCache cache = new ActivationCache(NDManager.newBaseManager());
        try (Hooks hooks = Hooks.open()) {
            hooks.read((name, x) -> {
                if (names.test(name)) {
                    cache.put(name, x);
                }
            });
            forward.get();
        } catch (RuntimeException e) {
            cache.close();
            throw e;
        }
        return cache;
    }

    private void put(String name, NDArray x) {
        NDArray copy = x.stopGradient().duplicate();
        copy.attach(manager);
        NDArray previous = activations.put(name, copy);
        if (previous != null) {
            previous.close();
        }
    }

    /**
     * @param hookName full hook name, e.g. {@code blocks.0.hook_resid_pre}
     * @return the cached activation, shaped as at the hook point
     * @throws NoSuchElementException naming the cached hooks if {@code hookName} was not recorded
     */
    public NDArray get(String hookName) {
        NDArray x = activations.get(hookName);
        if (x == null) {
            throw new NoSuchElementException("no activation cached for '" + hookName + "'; cached hooks: " + names());
        }
        return x;
    }

    /** @return the cached hook names in forward order */
    public List<String> names() {
        return List.copyOf(activations.keySet());
    }

    /**
     * @param names which hook names to return
     * @return an unmodifiable view of the matching activations, in forward order
     */
    public Map<String, NDArray> filter(Predicate<String> names) {
        return Collections.unmodifiableMap(activations.entrySet().stream()
                .filter(e -> names.test(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new)));
    }

    /** Frees every cached array. */
    @Override
    public void close() {
        manager.close();
        activations.clear();
    }

    @Override
    public String toString() {
        return "ActivationCache" + activations.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue().getShape())
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
