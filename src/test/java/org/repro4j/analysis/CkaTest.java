package org.repro4j.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.junit.jupiter.api.Test;

class CkaTest {

    private static double[][] gaussian(int n, int p, long seed) {
        Random random = new Random(seed);
        double[][] x = new double[n][p];
        for (double[] row : x) {
            for (int j = 0; j < p; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return x;
    }

    /** A random orthogonal matrix: the Q of a Gaussian matrix's QR decomposition. */
    private static DMatrixRMaj orthogonal(int p, long seed) {
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(p, p);
        qr.decompose(Matrices.toDMatrix(gaussian(p, p, seed)));
        return qr.getQ(null, false);
    }

    private static double[][] times(double[][] x, DMatrixRMaj m, double scale) {
        DMatrixRMaj out = new DMatrixRMaj(x.length, m.numCols);
        CommonOps_DDRM.mult(scale, Matrices.toDMatrix(x), m, out);
        return Matrices.toArray(out);
    }

    @Test
    void identicalRepresentationsHaveCkaOne() {
        double[][] x = gaussian(300, 7, 1);
        assertEquals(1.0, Cka.linear(x, x), 1e-12);
    }

    @Test
    void invariantToOrthogonalTransformsAndIsotropicScalingButNotToStretching() {
        // correlated x and y: y mixes x with noise, so the reference value is well inside (0, 1)
        double[][] x = gaussian(500, 6, 2);
        double[][] noise = gaussian(500, 6, 3);
        double[][] y = new double[500][6];
        for (int i = 0; i < 500; i++) {
            for (int j = 0; j < 6; j++) {
                y[i][j] = x[i][j] * (j + 1) + 2 * noise[i][j];
            }
        }
        double reference = Cka.linear(x, y);
        assertTrue(reference > 0.2 && reference < 0.9, "reference " + reference);
        assertEquals(reference, Cka.linear(times(x, orthogonal(6, 4), 3.5), y), 1e-10);
        assertEquals(reference, Cka.linear(x, times(y, orthogonal(6, 5), 0.01)), 1e-10);
        DMatrixRMaj stretch = CommonOps_DDRM.diag(10, 1, 1, 1, 1, 1);
        assertTrue(Math.abs(Cka.linear(times(x, stretch, 1), y) - reference) > 0.05,
                "a non-isotropic scaling changes CKA");
    }

    @Test
    void independentRepresentationsHaveSmallCka() {
        // E[CKA] of independent isotropic data is about √(p·q)/n
        double cka = Cka.linear(gaussian(4000, 8, 6), gaussian(4000, 5, 7));
        assertTrue(cka < 0.01, "independent: " + cka);
    }

    @Test
    void arraysFlattenLeadingAxesIntoExamples() {
        double[][] x = gaussian(24, 4, 8);
        double[][] y = gaussian(24, 3, 9);
        float[] xf = new float[24 * 4];
        float[] yf = new float[24 * 3];
        for (int i = 0; i < 24; i++) {
            for (int j = 0; j < 4; j++) {
                xf[i * 4 + j] = (float) x[i][j];
            }
            for (int j = 0; j < 3; j++) {
                yf[i * 3 + j] = (float) y[i][j];
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            double fromArrays = Cka.linear(manager.create(xf, new Shape(2, 12, 4)), manager.create(yf, new Shape(2, 12, 3)));
            assertEquals(Cka.linear(x, y), fromArrays, 1e-6);
            assertThrows(IllegalArgumentException.class,
                    () -> Cka.linear(manager.create(xf, new Shape(2, 12, 4)), manager.create(yf, new Shape(3, 8, 3))));
        }
        assertThrows(IllegalArgumentException.class, () -> Cka.linear(x, gaussian(23, 3, 1)));
    }
}
