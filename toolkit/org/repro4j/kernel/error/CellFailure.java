package org.repro4j.kernel.error;

import java.util.List;

/**
 * A cell that failed: compile error, exception thrown by the cell, interrupt, timeout or bad magic.
 *
 * <p>Jupyter shows an error's name ({@code ename}) as the class name of the exception the kernel throws, so each
 * failure is an instance of a subclass named after what went wrong (for example {@code ArithmeticException} or
 * {@code CompilationError}); {@link #named(String, String, List, StackTraceElement[])} creates them.
 */
public class CellFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> traceback;

    /**
     * @param message one-line summary, shown by Jupyter as {@code evalue}
     * @param traceback the lines shown under the error in the notebook
     */
    protected CellFailure(String message, List<String> traceback) {
        super(message, null, false, true);
        this.traceback = List.copyOf(traceback);
    }

    /**
     * Creates a failure whose class simple name is {@code name}.
     *
     * @param name the error name Jupyter shows, a Java identifier such as {@code NullPointerException}; anything
     *     else falls back to {@code CellFailure}
     * @param message one-line summary ({@code evalue})
     * @param traceback the lines shown in the notebook
     * @param frames frames reported as this exception's stack trace (in the {@code execute_reply}); may be empty
     * @return the failure, ready to throw
     */
    public static CellFailure named(String name, String message, List<String> traceback, StackTraceElement[] frames) {
        CellFailure failure = NamedFailures.create(name, message, traceback);
        failure.setStackTrace(frames);
        return failure;
    }

    /** @return the lines shown under the error in the notebook */
    public List<String> traceback() {
        return traceback;
    }
}
