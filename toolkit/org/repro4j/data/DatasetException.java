package org.repro4j.data;

/**
 * A dataset could not be used. The message says which dataset or file and what to do about it.
 *
 * <p>Unchecked so that notebook cells stay short; the two subclasses tell the cases apart:
 * {@link DatasetMissingException} (not installed) and {@link DatasetCorruptException} (installed but damaged).
 */
public class DatasetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was wrong and how to fix it
     * @param cause the underlying error, or {@code null}
     */
    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
