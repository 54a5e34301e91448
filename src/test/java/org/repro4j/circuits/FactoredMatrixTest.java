package org.repro4j.circuits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.repro4j.testing.LinearAlgebraFixtures.gaussian;
import static org.repro4j.testing.LinearAlgebraFixtures.maxAbsDiff;
import static org.repro4j.testing.LinearAlgebraFixtures.multiply;
import static org.repro4j.testing.LinearAlgebraFixtures.orthonormalColumns;
import static org.repro4j.testing.LinearAlgebraFixtures.outer;
import static org.repro4j.testing.LinearAlgebraFixtures.transpose;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;
import org.repro4j.analysis.Matrices;

class FactoredMatrixTest {

    private static final double[] SIGMA = {5.0, 3.0, 2.0, 0.5};

    /** M = U·diag(σ)·Vᵀ hidden behind non-orthogonal factors A = U·diag(σ)·R, B = R⁻¹·Vᵀ. */
    private static FactoredMatrix knownSpectrum(Random rng, double[][] u, double[][] v) {
        int k = SIGMA.length;
        double[][] scaled = new double[u.length][k];
        for (int i = 0; i < u.length; i++) {
            for (int j = 0; j < k; j++) {
                scaled[i][j] = u[i][j] * SIGMA[j];
            }
        }
        DMatrixRMaj r = Matrices.toDMatrix(gaussian(rng, k, k));
        DMatrixRMaj rInverse = r.copy();
        assertTrue(CommonOps_DDRM.invert(rInverse));
        double[][] a = multiply(scaled, Matrices.toArray(r));
        double[][] b = multiply(Matrices.toArray(rInverse), transpose(v));
        return FactoredMatrix.of(a, b);
    }

    private static void assertOrthonormalColumns(DMatrixRMaj m) {
        DMatrixRMaj gram = CommonOps_DDRM.multTransA(m, m, null);
        assertTrue(maxAbsDiff(Matrices.toArray(gram), Matrices.toArray(CommonOps_DDRM.identity(m.numCols))) < 1e-9,
                "columns are not orthonormal: " + gram);
    }

    private static double[][] reconstruct(FactoredMatrix m) {
        DMatrixRMaj us = m.u();
        double[] s = m.singularValues();
        for (int i = 0; i < us.numRows; i++) {
            for (int j = 0; j < s.length; j++) {
                us.set(i, j, us.get(i, j) * s[j]);
            }
        }
        return Matrices.toArray(CommonOps_DDRM.multTransB(us, m.v(), null));
    }

    @Test
    void svdRecoversAKnownSpectrumFromNonOrthogonalFactors() {
        Random rng = new Random(1);
        double[][] u = orthonormalColumns(rng, 10, 4);
        double[][] v = orthonormalColumns(rng, 12, 4);
        FactoredMatrix m = knownSpectrum(rng, u, v);

        assertArrayEquals(SIGMA, m.singularValues(), 1e-9);
        assertTrue(maxAbsDiff(reconstruct(m), m.toArray()) < 1e-9);
        assertOrthonormalColumns(m.u());
        assertOrthonormalColumns(m.v());
        for (int i = 0; i < SIGMA.length; i++) {
            double[] ui = new double[10];
            double[] vi = new double[12];
            for (int r = 0; r < 10; r++) {
                ui[r] = u[r][i];
            }
            for (int r = 0; r < 12; r++) {
                vi[r] = v[r][i];
            }
            // each planted pair comes back up to a shared sign, so the rank-1 term is exact
            assertTrue(maxAbsDiff(outer(ui, vi), outer(m.readDirection(i), m.writeDirection(i))) < 1e-9);
        }
    }

    @Test
    void handWorkedExampleReadsAndWritesTheExpectedAxes() {
        // rows of A·B: e0 -> 3·e0, e1 -> 4·e2 (row vectors), so the top component reads e1 and writes e2
        double[][] a = {{3, 0}, {0, 4}, {0, 0}};
        double[][] b = {{1, 0, 0}, {0, 0, -1}};
        FactoredMatrix m = FactoredMatrix.of(a, b);

        assertArrayEquals(new double[] {4, 3}, m.singularValues(), 1e-12);
        assertArrayEquals(new double[] {0, 0, 1}, m.writeDirection(0), 1e-12);
        assertArrayEquals(new double[] {0, -1, 0}, m.readDirection(0), 1e-12);
        assertArrayEquals(new double[] {1, 0, 0}, m.writeDirection(1), 1e-12);
        assertArrayEquals(new double[] {0, 0, -4}, m.leftMultiply(new double[] {0, 1, 0}), 1e-12);
        assertEquals(5.0, m.frobeniusNorm(), 1e-12);
        assertEquals(2, m.rank());
    }

    @Test
    void factoredSvdEqualsTheSvdOfTheFormedProduct() {
        Random rng = new Random(2);
        FactoredMatrix m = FactoredMatrix.of(gaussian(rng, 64, 16), gaussian(rng, 16, 64));
        SingularValueDecomposition_F64<DMatrixRMaj> dense = DecompositionFactory_DDRM.svd(64, 64, true, true, true);
        assertTrue(dense.decompose(m.product()));
        DMatrixRMaj u = dense.getU(null, false);
        DMatrixRMaj w = dense.getW(null);
        DMatrixRMaj v = dense.getV(null, false);
        SingularOps_DDRM.descendingOrder(u, false, w, v, false);

        double[] s = m.singularValues();
        assertEquals(16, s.length);
        for (int i = 0; i < 16; i++) {
            assertEquals(w.get(i, i), s[i], 1e-9 * s[0]);
            double[] du = new double[64];
            double[] dv = new double[64];
            for (int r = 0; r < 64; r++) {
                du[r] = u.get(r, i);
                dv[r] = v.get(r, i);
            }
            assertTrue(maxAbsDiff(outer(du, dv), outer(m.readDirection(i), m.writeDirection(i))) < 1e-9,
                    "component " + i + " differs between the factored and the dense SVD");
        }
        assertTrue(w.get(16, 16) < 1e-9 * s[0], "a rank-16 product has no 17th singular value");
        for (int i = 1; i < s.length; i++) {
            assertTrue(s[i - 1] >= s[i]);
        }
    }

    @Test
    void normTransposeAndProductsAgreeWithTheFormedMatrices() {
        Random rng = new Random(3);
        FactoredMatrix m = FactoredMatrix.of(gaussian(rng, 8, 3), gaussian(rng, 3, 6));
        FactoredMatrix n = FactoredMatrix.of(gaussian(rng, 6, 2), gaussian(rng, 2, 5));
        double[][] dense = m.toArray();

        assertEquals(CommonOps_DDRM.elementSum(CommonOps_DDRM.elementPower(m.product(), 2, null)),
                Math.pow(m.frobeniusNorm(), 2), 1e-9);
        assertTrue(maxAbsDiff(transpose(dense), m.transpose().toArray()) < 1e-12);
        assertTrue(maxAbsDiff(multiply(dense, n.toArray()), m.times(n).toArray()) < 1e-9);
        double[] x = gaussian(rng, 1, 8)[0];
        assertArrayEquals(multiply(new double[][] {x}, dense)[0], m.leftMultiply(x), 1e-9);
        assertEquals(3, m.components());
        assertEquals(6, m.transpose().rows());
    }

    @Test
    void qkCircuitIsQueryTimesKeyTransposed() {
        Random rng = new Random(4);
        double[][] wQ = gaussian(rng, 6, 2);
        double[][] wK = gaussian(rng, 6, 2);
        assertTrue(maxAbsDiff(multiply(wQ, transpose(wK)), FactoredMatrix.qk(wQ, wK).toArray()) < 1e-12);
        assertThrows(IllegalArgumentException.class, () -> FactoredMatrix.qk(wQ, gaussian(rng, 6, 3)));
    }

    @Test
    void rankCountsOnlyNonZeroComponents() {
        Random rng = new Random(5);
        double[][] a = gaussian(rng, 8, 4);
        double[][] b = gaussian(rng, 4, 8);
        b[3] = b[2].clone(); // two equal rows: rank 3 through a 4-wide factorisation
        FactoredMatrix m = FactoredMatrix.of(a, b);
        assertEquals(4, m.components());
        assertEquals(3, m.rank());
        assertEquals(0, FactoredMatrix.of(new double[4][2], new double[2][4]).rank());
    }

    @Test
    void badInputIsRejectedWithTheReason() {
        IllegalArgumentException chain = assertThrows(IllegalArgumentException.class,
                () -> FactoredMatrix.of(new double[4][2], new double[3][4]));
        assertTrue(chain.getMessage().contains("do not chain"), chain.getMessage());
        double[][] nan = new double[2][2];
        nan[1][1] = Double.NaN;
        assertThrows(IllegalArgumentException.class, () -> FactoredMatrix.of(nan, new double[2][2]));
        assertThrows(IllegalArgumentException.class, () -> FactoredMatrix.of(new double[][] {{1, 2}, {3}}, nan));
        FactoredMatrix m = FactoredMatrix.of(new double[4][2], new double[2][4]);
        assertThrows(IndexOutOfBoundsException.class, () -> m.writeDirection(2));
        assertThrows(IllegalArgumentException.class, () -> m.leftMultiply(new double[3]));
    }
}
