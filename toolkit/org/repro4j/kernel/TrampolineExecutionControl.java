package org.repro4j.kernel;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.UUID;

import jdk.jshell.execution.LocalExecutionControl;

/**
 * Runs JShell snippets in the kernel's own JVM, keeps each snippet's real result object, and can be stopped.
 *
 * <p>JShell's stock {@link LocalExecutionControl} can stop a running snippet ({@code JShell.stop()}): on Java 17
 * it stops the snippet's thread group, on Java 21+ it weaves stop checks into snippet bytecode and interrupts the
 * thread. But it only hands back {@code String.valueOf(result)}, and a notebook needs the object itself to render
 * a chart or a table. So {@link #invoke(Method)} does not run the snippet's {@code do_it$} method directly: it
 * parks it in {@link #pending} and lets the stock machinery run {@link #trampoline()}, which calls the parked
 * method, keeps its result, and rethrows the snippet's own exception. Stopping keeps working because the
 * trampoline runs on the thread that {@code stop()} targets. The value JShell reports for the snippet is then a
 * key that {@link #takeResult(String)} exchanges for the object.
 *
 * <p>While a snippet runs, the thread's context class loader is the snippet class loader, so jars added with
 * {@code %classpath} are visible to {@link java.util.ServiceLoader}, JDBC and similar lookups.
 *
 * <p>Snippet classes are rewritten by {@link SystemExitRedirect} before they are loaded, so {@code System.exit}
 * in a cell fails the cell instead of ending the kernel.
 */
public final class TrampolineExecutionControl extends LocalExecutionControl {

    private static final Method TRAMPOLINE;

    static {
        try {
            TRAMPOLINE = TrampolineExecutionControl.class.getMethod("trampoline");
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The snippet method the next {@link #trampoline()} call runs, and where it leaves its outcome. */
    private static volatile Handoff pending;

    private String resultKey;
    private Object result;
    private volatile boolean stopRequested;

    private static final class Handoff {
        final Method doit;
        Object result;

        Handoff(Method doit) {
            this.doit = doit;
        }
    }

    TrampolineExecutionControl() {
    }

    /**
     * Runs the parked snippet method. Public only because JShell's execution control invokes it reflectively;
     * calling it from anywhere else does nothing.
     *
     * @throws Throwable whatever the snippet threw, unwrapped
     */
    public static void trampoline() throws Throwable {
        Handoff handoff = pending;
        if (handoff == null) {
            return;
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(handoff.doit.getDeclaringClass().getClassLoader());
        try {
            handoff.result = handoff.doit.invoke(null);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        if (stopRequested) {
            // The stop came while JShell was still compiling this snippet: do not start it at all.
            throw new StoppedException();
        }
        Handoff handoff = new Handoff(doitMethod);
        pending = handoff;
        try {
            super.invoke(TRAMPOLINE);
        } finally {
            pending = null;
        }
        resultKey = "repro4j-result-" + UUID.randomUUID();
        result = handoff.result;
        return resultKey;
    }

    /**
     * Exchanges the value JShell reported for the last snippet for the snippet's real result object. The object
     * is handed out once and then forgotten, so results do not pile up in memory.
     *
     * @param key the snippet's {@code SnippetEvent.value()}
     * @return the result object (possibly null) if {@code key} is the last snippet's key, else null
     */
    Object takeResult(String key) {
        Object taken = key != null && key.equals(resultKey) ? result : null;
        resultKey = null;
        result = null;
        return taken;
    }

    /**
     * Stops the running snippet, and makes every snippet started after this fail as stopped too, until
     * {@link #allowRuns()}. A stop that arrives between snippets (while JShell compiles) must not be lost.
     */
    @Override
    public void stop() throws EngineTerminationException, InternalException {
        stopRequested = true;
        super.stop();
    }

    /** Lets snippets run again after a {@link #stop()}; called when a new cell starts. */
    void allowRuns() {
        stopRequested = false;
    }

    @Override
    public void load(ClassBytecodes[] cbcs)
            throws ClassInstallException, NotImplementedException, EngineTerminationException {
        super.load(redirectExits(cbcs));
    }

    @Override
    public void redefine(ClassBytecodes[] cbcs)
            throws ClassInstallException, NotImplementedException, EngineTerminationException {
        super.redefine(redirectExits(cbcs));
    }

    private static ClassBytecodes[] redirectExits(ClassBytecodes[] cbcs) {
        return Arrays.stream(cbcs)
                .map(c -> new ClassBytecodes(c.name(), SystemExitRedirect.apply(c.bytecodes())))
                .toArray(ClassBytecodes[]::new);
    }
}
