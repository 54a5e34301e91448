package org.repro4j.data;

/** A dataset is not installed where the loaders look; the message names the folders searched and the set-up command. */
public final class DatasetMissingException extends DatasetException {
    private static final long serialVersionUID = 1L;

    /** @param message the folders searched and how to install the dataset */
    public DatasetMissingException(String message) {
        super(message, null);
    }
}
