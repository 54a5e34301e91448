package org.repro4j.hooks;

import ai.djl.ndarray.NDArray;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * A session of forward hooks on the current thread: functions that read or replace the activation at named
 * {@link HookPoint}s during the forward passes run inside the session.
 *
 * <pre>{@code
 * try (Hooks hooks = Hooks.open().add("blocks.0.hook_mlp_out", x -> x.zerosLike())) {
 *     NDArray logits = model.logits(tokens);   // runs with the MLP of block 0 ablated
 * }
 * }</pre>
 *
 * Sessions nest; the innermost one is applied first. Hooks see arrays of the forward pass's own shape, e.g.
 * {@code [batch, seq, d_model]} on the residual stream.
 */
public final class Hooks implements AutoCloseable {

    private static final ThreadLocal<Deque<Hooks>> ACTIVE = ThreadLocal.withInitial(ArrayDeque::new);

    private final Map<String, List<UnaryOperator<NDArray>>> edits = new LinkedHashMap<>();
    private final List<BiConsumer<String, NDArray>> readers = new ArrayList<>();

    private Hooks() {}

    /** @return a new session, active on this thread until {@link #close()} */
    public static Hooks open() {
        Hooks hooks = new Hooks();
        ACTIVE.get().push(hooks);
        return hooks;
    }

    /**
     * Replaces the activation at one hook point.
     *
     * @param hookName full hook name, e.g. {@code blocks.1.attn.hook_z}
     * @param edit maps the activation to its replacement; must keep the shape
     * @return this session
     */
    public Hooks add(String hookName, UnaryOperator<NDArray> edit) {
        edits.computeIfAbsent(hookName, k -> new ArrayList<>()).add(edit);
        return this;
    }

    /**
     * Observes every activation that passes a hook point (after edits of this session).
     *
     * @param reader receives the hook name and the activation; must not close the array
     * @return this session
     */
    public Hooks read(BiConsumer<String, NDArray> reader) {
        readers.add(reader);
        return this;
    }

    static NDArray apply(String hookName, NDArray activation) {
        NDArray x = activation;
        for (Hooks hooks : ACTIVE.get()) {
            for (UnaryOperator<NDArray> edit : hooks.edits.getOrDefault(hookName, List.of())) {
                NDArray edited = edit.apply(x);
                if (!edited.getShape().equals(x.getShape())) {
                    throw new IllegalStateException("hook on '" + hookName + "' changed the shape from "
                            + x.getShape() + " to " + edited.getShape() + "; a hook must keep the shape");
                }
                x = edited;
            }
            for (BiConsumer<String, NDArray> reader : hooks.readers) {
                reader.accept(hookName, x);
            }
        }
        return x;
    }

    /** Ends the session; forward passes after this run without its hooks. */
    @Override
    public void close() {
        Deque<Hooks> stack = ACTIVE.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("hook sessions must be closed in reverse order of opening");
        }
        stack.pop();
    }
}
