package org.repro4j.papers.shortcutlearning;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntToDoubleFunction;

/**
 * A model's logit over a grid in latent space (z_s, z_c), next to the Bayes (LDA) decision line: the inset of
 * Fig. 2 in Hermann et al., "On the Foundations of Shortcut Learning", ICLR 2024 (arXiv 2310.16228).
 *
 * <p>The model sees inputs, not latents, so every grid point is mapped through the generator's own nesting and
 * embedding ({@link ShortcutData#embed}) before the model is called once on the whole grid.
 *
 * @param zShortcut the horizontal axis, z_s values, shape [columns]
 * @param zCore the vertical axis, z_c values, shape [rows]
 * @param logits the model's logit at (z_s = zShortcut[j], z_c = zCore[i]) in {@code logits[i][j]}, shape
 *     [rows, columns] (rows follow the vertical axis, as a heat map is drawn)
 * @param bayesBoundary the z_c of the Bayes line 2(μ_s z_s + μ_c z_c) = 0 at each zShortcut[j], shape [columns]
 */
public record DecisionSurface(double[] zShortcut, double[] zCore, double[][] logits, double[] bayesBoundary) {

    /**
     * Evaluates a model on a latent grid.
     *
     * @param data the generator whose embedding the model was trained on
     * @param model the model: inputs [m, d] to logits [m]
     * @param zShortcut z_s axis, shape [columns], e.g. {@code axis(-4, 4, 61)}
     * @param zCore z_c axis, shape [rows]
     * @return the surface
     * @throws IllegalArgumentException if an axis is empty or the model returns the wrong number of logits
     */
    public static DecisionSurface evaluate(
            ShortcutData data, Function<float[][], double[]> model, double[] zShortcut, double[] zCore) {
        if (zShortcut.length == 0 || zCore.length == 0) {
            throw new IllegalArgumentException("both axes need at least one value, e.g. DecisionSurface.axis(-4, 4,"
                    + " 61)");
        }
        int columns = zShortcut.length;
        double[] gridS = new double[zCore.length * columns];
        double[] gridC = new double[gridS.length];
        for (int i = 0; i < zCore.length; i++) {
            for (int j = 0; j < columns; j++) {
                gridS[i * columns + j] = zShortcut[j];
                gridC[i * columns + j] = zCore[i];
            }
        }
        double[] flat = model.apply(data.embed(gridS, gridC));
        if (flat.length != gridS.length) {
            throw new IllegalArgumentException("the model returned " + flat.length + " logits for " + gridS.length
                    + " grid inputs; it must return one logit per input row");
        }
        double[][] logits = new double[zCore.length][columns];
        for (int i = 0; i < zCore.length; i++) {
            System.arraycopy(flat, i * columns, logits[i], 0, columns);
        }
        double[] boundary = new double[columns];
        for (int j = 0; j < columns; j++) {
            boundary[j] = data.bayesBoundary(zShortcut[j]);
        }
        return new DecisionSurface(zShortcut.clone(), zCore.clone(), logits, boundary);
    }

    /**
     * Evaluates a trained one-logit model (e.g. an {@code Mlp} from {@link ShortcutSweep}) on a latent grid.
     *
     * @param data the generator whose embedding the model was trained on
     * @param model inputs [m, d] to logits [m, 1], run in evaluation mode
     * @param zShortcut z_s axis, shape [columns]
     * @param zCore z_c axis, shape [rows]
     * @return the surface
     * @throws IllegalArgumentException if an axis is empty
     */
    public static DecisionSurface evaluate(ShortcutData data, Block model, double[] zShortcut, double[] zCore) {
        return evaluate(data, x -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                return Checkpoints.logits(model, manager.create(x));
            }
        }, zShortcut, zCore);
    }

    /**
     * The model's decision boundary f = 0 as one ordered curve. Along each grid line the first sign change of the
     * logit is located by linear interpolation between the two grid points around it (exact for a logit linear
     * along that line). The grid lines are the columns (giving z_c as a function of z_s) or the rows (z_s as a
     * function of z_c), whichever meets the boundary more often — so a shallow boundary such as the Bayes line
     * and a steep one such as a shortcut-reading net's are both drawn whole.
     *
     * @return {z_s values, z_c values}, shape [2, m], ordered along the axis that was scanned; grid lines the
     *     boundary does not cross are left out (m = 0 if the logit keeps one sign on the whole grid)
     */
    public double[][] boundary() {
        List<double[]> alongCore = new ArrayList<>();
        for (int j = 0; j < zShortcut.length; j++) {
            int column = j;
            double zc = firstCrossing(zCore, i -> logits[i][column]);
            if (!Double.isNaN(zc)) {
                alongCore.add(new double[] {zShortcut[j], zc});
            }
        }
        List<double[]> alongShortcut = new ArrayList<>();
        for (int i = 0; i < zCore.length; i++) {
            double[] row = logits[i];
            double zs = firstCrossing(zShortcut, j -> row[j]);
            if (!Double.isNaN(zs)) {
                alongShortcut.add(new double[] {zs, zCore[i]});
            }
        }
        List<double[]> points = alongCore.size() >= alongShortcut.size() ? alongCore : alongShortcut;
        double[][] curve = new double[2][points.size()];
        for (int k = 0; k < points.size(); k++) {
            curve[0][k] = points.get(k)[0];
            curve[1][k] = points.get(k)[1];
        }
        return curve;
    }

    /** The first position on {@code axis} where {@code f} changes sign, interpolated; NaN if it never does. */
    private static double firstCrossing(double[] axis, IntToDoubleFunction f) {
        for (int k = 0; k + 1 < axis.length; k++) {
            double before = f.applyAsDouble(k);
            double after = f.applyAsDouble(k + 1);
            if (before == 0 || (before < 0) != (after < 0)) {
                double t = before == 0 ? 0 : before / (before - after);
                return axis[k] + t * (axis[k + 1] - axis[k]);
            }
        }
        return Double.NaN;
    }

    /**
     * @param from first value
     * @param to last value
     * @param points number of values ≥ 2
     * @return {@code points} evenly spaced values from {@code from} to {@code to} inclusive
     * @throws IllegalArgumentException if points &lt; 2
     */
    public static double[] axis(double from, double to, int points) {
        if (points < 2) {
            throw new IllegalArgumentException("an axis needs at least 2 points, got " + points);
        }
        double[] values = new double[points];
        for (int k = 0; k < points; k++) {
            values[k] = from + (to - from) * k / (points - 1);
        }
        return values;
    }
}
