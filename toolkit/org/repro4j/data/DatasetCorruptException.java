package org.repro4j.data;

/**
 * A dataset file exists but cannot be trusted: checksum mismatch, bad gzip stream, wrong IDX magic number,
 * inconsistent sizes or malformed text. The message names the file and what was wrong.
 */
public final class DatasetCorruptException extends DatasetException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the file and what was wrong with it
     * @param cause the underlying I/O error, or {@code null}
     */
    public DatasetCorruptException(String message, Throwable cause) {
        super(message, cause);
    }
}
