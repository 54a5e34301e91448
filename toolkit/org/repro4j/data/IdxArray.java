package org.repro4j.data;

import java.util.Arrays;

/**
 * An unsigned-byte array parsed from an IDX file (the MNIST file format): its dimensions and its data in row-major
 * order. The arrays are shared, not copied; {@link IdxReader} hands over fresh ones.
 *
 * @param dims dimensions in file order, e.g. {@code [60000, 28, 28]} for images, {@code [60000]} for labels
 * @param data {@code product(dims)} bytes, each an unsigned value 0–255 (read with {@code b & 0xFF})
 */
public record IdxArray(int[] dims, byte[] data) {

    /** @return the dimensions as text, e.g. {@code [60000, 28, 28]} */
    public String shapeText() {
        return Arrays.toString(dims);
    }

    @Override
    public String toString() {
        return "IdxArray" + shapeText();
    }
}
