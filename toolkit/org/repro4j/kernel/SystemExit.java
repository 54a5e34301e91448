package org.repro4j.kernel;

/**
 * Thrown in place of ending the JVM when a cell calls {@code System.exit(status)}: the kernel shares its JVM with
 * the cells, so exiting would lose every variable. The cell fails with this error and the kernel keeps running;
 * restart the kernel from Jupyter's menu to start over. See {@link SystemExitRedirect}.
 */
public final class SystemExit extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    private SystemExit(int status) {
        super("System.exit(" + status + ") was called in a cell. The kernel intercepted it and keeps running, with "
                + "your variables intact; use Kernel > Restart to start a fresh JVM.");
        this.status = status;
    }

    /**
     * Stands in for {@code System.exit} in cell code.
     *
     * @param status the exit status the cell asked for
     * @throws SystemExit always
     */
    public static void exit(int status) {
        throw new SystemExit(status);
    }

    /** @return the exit status the cell passed to {@code System.exit} */
    public int status() {
        return status;
    }
}
