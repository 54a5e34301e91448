package org.repro4j.train;

import ai.djl.ndarray.NDArray;

/**
 * One training batch.
 *
 * @param inputs model input, e.g. {@code [batch, 784]}, {@code [batch, 1, 28, 28]} or tokens {@code [batch, seq]}
 * @param targets what the loss compares the output with, e.g. labels {@code [batch]} or next tokens
 *     {@code [batch, seq]}
 */
public record Batch(NDArray inputs, NDArray targets) {}
