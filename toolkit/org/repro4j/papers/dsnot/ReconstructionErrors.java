package org.repro4j.papers.dsnot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.repro4j.pruning.DSnoT;
import tech.tablesaw.api.Table;

/**
 * DSnoT's objective over its refinement cycles: the layer reconstruction error {@code ‖(W − Ŵ)·X‖²_F / N} (squared
 * output error of a weight summed over its outputs, averaged over the {@code N} calibration tokens; Zhang et al., ICLR
 * 2024, "Dynamic Sparse No Training", arXiv 2310.08915) of every weight after each cycle, read from
 * {@link DSnoT.Result#errors()} as one curve per weight.
 *
 * <p>Cycle 0 is the initial (Wanda) mask. A weight's later cycles are measured on the inputs it sees once the weights
 * before it are refined, so its cycle-0 value is Wanda's mask on those inputs.
 */
public final class ReconstructionErrors {

    private final Map<String, double[]> curves;

    private ReconstructionErrors(Map<String, double[]> curves) {
        this.curves = curves;
    }

    /**
     * @param result a DSnoT refinement
     * @return its errors, one curve per weight in forward order
     * @throws IllegalArgumentException if the table has no rows or a weight's cycles are not 0, 1, 2, … in order
     */
    public static ReconstructionErrors of(DSnoT.Result result) {
        Table errors = result.errors();
        if (errors.rowCount() == 0) {
            throw new IllegalArgumentException("the DSnoT result has no reconstruction errors");
        }
        Map<String, List<Double>> lists = new LinkedHashMap<>();
        for (int i = 0; i < errors.rowCount(); i++) {
            String name = errors.stringColumn("parameter").get(i);
            List<Double> curve = lists.computeIfAbsent(name, n -> new ArrayList<>());
            if (errors.intColumn("cycle").get(i) != curve.size()) {
                throw new IllegalArgumentException("cycles of " + name + " are not 0, 1, 2, … in order");
            }
            curve.add(errors.doubleColumn("error").get(i));
        }
        Map<String, double[]> curves = new LinkedHashMap<>();
        lists.forEach((name, curve) -> curves.put(name, curve.stream().mapToDouble(Double::doubleValue).toArray()));
        return new ReconstructionErrors(curves);
    }

    /** @return the refined weights' names, in forward order */
    public List<String> parameters() {
        return List.copyOf(curves.keySet());
    }

    /** @return the cycle numbers {@code 0, 1, …, maxCycles}, for a chart's x axis */
    public double[] cycles() {
        int n = curves.values().iterator().next().length;
        double[] out = new double[n];
        for (int c = 0; c < n; c++) {
            out[c] = c;
        }
        return out;
    }

    /**
     * @param parameter a refined weight
     * @return its reconstruction error after each cycle (squared output units per token)
     * @throws IllegalArgumentException if DSnoT did not refine that weight
     */
    public double[] curve(String parameter) {
        double[] curve = curves.get(parameter);
        if (curve == null) {
            throw new IllegalArgumentException("no errors for '" + parameter + "'; refined: " + curves.keySet());
        }
        return curve.clone();
    }

    /**
     * @param parameter a refined weight
     * @return its error after each cycle over its cycle-0 (Wanda) error: 1 at cycle 0, below 1 when the swaps help
     * @throws IllegalArgumentException if DSnoT did not refine that weight
     */
    public double[] relativeCurve(String parameter) {
        double[] curve = curve(parameter);
        double initial = curve[0];
        for (int c = 0; c < curve.length; c++) {
            curve[c] = initial == 0 ? 1 : curve[c] / initial;
        }
        return curve;
    }

    /** @return the errors summed over all weights, per cycle */
    public double[] total() {
        double[] out = new double[cycles().length];
        curves.values().forEach(curve -> {
            for (int c = 0; c < out.length; c++) {
                out[c] += curve[c];
            }
        });
        return out;
    }

    /**
     * @return how many (weight, cycle) pairs have a larger error than the cycle before: 0 when every layer's error is
     *     non-increasing over the cycles
     */
    public int increases() {
        int n = 0;
        for (double[] curve : curves.values()) {
            for (int c = 1; c < curve.length; c++) {
                n += curve[c] > curve[c - 1] ? 1 : 0;
            }
        }
        return n;
    }
}
