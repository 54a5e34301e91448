package org.repro4j.testing;

import java.util.Random;
import org.repro4j.circuits.FactoredMatrix;

/** Random and constructed matrices shared by the weight-analysis tests. */
public final class LinearAlgebraFixtures {

    private LinearAlgebraFixtures() {}

    public static double[][] gaussian(Random rng, int rows, int cols) {
        double[][] out = new double[rows][cols];
        for (double[] row : out) {
            for (int j = 0; j < cols; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        return out;
    }

    /** Columns of a random matrix orthonormalised by Gram–Schmidt: {@code [rows, cols]} with orthonormal columns. */
    public static double[][] orthonormalColumns(Random rng, int rows, int cols) {
        double[][] q = new double[cols][];
        for (int c = 0; c < cols; c++) {
            double[] v = gaussian(rng, 1, rows)[0];
            for (int p = 0; p < c; p++) {
                double dot = dot(v, q[p]);
                for (int i = 0; i < rows; i++) {
                    v[i] -= dot * q[p][i];
                }
            }
            double n = Math.sqrt(dot(v, v));
            for (int i = 0; i < rows; i++) {
                v[i] /= n;
            }
            q[c] = v;
        }
        return transpose(q);
    }

    public static double[][] multiply(double[][] a, double[][] b) {
        double[][] out = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < b.length; k++) {
                for (int j = 0; j < b[0].length; j++) {
                    out[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return out;
    }

    public static double[][] transpose(double[][] a) {
        double[][] out = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                out[j][i] = a[i][j];
            }
        }
        return out;
    }

    public static double[][] outer(double[] u, double[] v) {
        double[][] out = new double[u.length][v.length];
        for (int i = 0; i < u.length; i++) {
            for (int j = 0; j < v.length; j++) {
                out[i][j] = u[i] * v[j];
            }
        }
        return out;
    }

    public static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    public static double maxAbsDiff(double[][] a, double[][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return max;
    }

    public static double[] unit(int d, int i) {
        double[] e = new double[d];
        e[i] = 1;
        return e;
    }

    /** A rank-1 "head" W_V·W_O = read ⊗ write with d_head = 2 (second head dimension unused). */
    public static FactoredMatrix rankOneOv(double[] read, double[] write) {
        double[][] wV = new double[read.length][2];
        for (int i = 0; i < read.length; i++) {
            wV[i][0] = read[i];
        }
        double[][] wO = new double[2][];
        wO[0] = write.clone();
        wO[1] = new double[write.length];
        return FactoredMatrix.ov(wV, wO);
    }
}
