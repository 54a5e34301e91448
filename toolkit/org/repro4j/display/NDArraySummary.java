package org.repro4j.display;

import java.util.Locale;

import ai.djl.ndarray.NDArray;

/**
 * A one-line description of a DJL {@link NDArray} for the notebook, e.g.
 * {@code NDArray float32 (2, 3) on cpu(): [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]}. Only the first
 * {@value #MAX_VALUES} values are read, so showing a large array is cheap. A closed array, or one whose values
 * cannot be read, is described without values instead of failing the cell.
 */
public final class NDArraySummary {

    /** Most values listed. */
    public static final int MAX_VALUES = 8;

    private NDArraySummary() {
    }

    /**
     * @param array any array, possibly closed
     * @return the summary line
     */
    public static String of(NDArray array) {
        if (array.isReleased()) {
            return "NDArray (closed: its memory was freed; values are no longer available)";
        }
        String head;
        try {
            head = "NDArray " + array.getDataType().toString().toLowerCase(Locale.ROOT) + " " + array.getShape()
                    + " on " + array.getDevice();
        } catch (RuntimeException e) {
            return "NDArray (cannot be described: " + e.getMessage() + ")";
        }
        long size = array.size();
        if (size == 0 || !(array.getDataType().isFloating() || array.getDataType().isInteger())) {
            return head;
        }
        // Read only the first values; the temporaries are closed at once so showing an array leaks nothing.
        try (NDArray flat = array.flatten(); NDArray first = flat.get("0:" + Math.min(size, MAX_VALUES))) {
            String more = size > MAX_VALUES ? ", … " + (size - MAX_VALUES) + " more" : "";
            return head + ": [" + numbers(first.toArray()) + more + "]";
        } catch (RuntimeException e) {
            return head + " (values unavailable: " + e.getMessage() + ")";
        }
    }

    /** Four significant digits without trailing zeros: 3.25, 0.1235, 1.5e-05, 0. */
    private static String decimal(double value) {
        String text = String.format(Locale.ROOT, "%.4g", value);
        int exponent = text.indexOf('e');
        String mantissa = exponent < 0 ? text : text.substring(0, exponent);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return exponent < 0 ? mantissa : mantissa + text.substring(exponent);
    }

    private static String numbers(Number[] values) {
        StringBuilder text = new StringBuilder();
        for (Number value : values) {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append(value instanceof Float || value instanceof Double ? decimal(value.doubleValue())
                    : value.toString());
        }
        return text.toString();
    }
}
