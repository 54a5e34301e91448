package org.repro4j.papers.talkingheads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.repro4j.testing.LinearAlgebraFixtures.gaussian;
import static org.repro4j.testing.LinearAlgebraFixtures.maxAbsDiff;
import static org.repro4j.testing.LinearAlgebraFixtures.multiply;
import static org.repro4j.testing.LinearAlgebraFixtures.outer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.repro4j.analysis.Matrices;
import org.repro4j.circuits.FactoredMatrix;

class ChannelEditTest {

    private static final int D_MODEL = 12;
    private static final int D_HEAD = 4;

    private final Random rng = new Random(21);
    private final double[][] wV = gaussian(rng, D_MODEL, D_HEAD);
    private final double[][] wO = gaussian(rng, D_HEAD, D_MODEL);
    private final FactoredMatrix ov = FactoredMatrix.ov(wV, wO);
    private final double[] sigma = ov.singularValues();

    /** W_OV after editing W_O only, as the model would compute it. */
    private FactoredMatrix editedOv(ChannelEdit edit) {
        return FactoredMatrix.ov(wV, edit.editWO(wO));
    }

    private double[][] componentTerm(int i, double scale) {
        double[][] term = outer(ov.readDirection(i), ov.writeDirection(i));
        for (double[] row : term) {
            for (int c = 0; c < row.length; c++) {
                row[c] *= scale * sigma[i];
            }
        }
        return term;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] out = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                out[i][j] = a[i][j] + b[i][j];
            }
        }
        return out;
    }

    @Test
    void ablatingOneComponentZeroesExactlyThatSingularValue() {
        FactoredMatrix edited = editedOv(ChannelEdit.components(ov, 0, 1));

        assertArrayEquals(new double[] {sigma[0], sigma[2], sigma[3], 0}, edited.singularValues(), 1e-9);
        assertTrue(maxAbsDiff(add(ov.toArray(), componentTerm(1, -1)), edited.toArray()) < 1e-9,
                "W_OV' must be W_OV minus σ_1 u_1 v_1ᵀ and nothing else");
        assertTrue(maxAbsDiff(edited.toArray(), ChannelEdit.components(ov, 0, 1).editOV(ov).toArray()) < 1e-12);
    }

    @Test
    void gammaOneIsTheIdentityAndGammaTwoDoublesTheComponent() {
        assertTrue(Arrays.deepEquals(wO, ChannelEdit.components(ov, 1, 0, 2).editWO(wO)));

        FactoredMatrix doubled = editedOv(ChannelEdit.components(ov, 2, 2));
        double[] expected = {sigma[0], sigma[1], 2 * sigma[2], sigma[3]};
        Arrays.sort(expected);
        double[] actual = doubled.singularValues();
        Arrays.sort(actual);
        assertArrayEquals(expected, actual, 1e-9);
        assertTrue(maxAbsDiff(add(ov.toArray(), componentTerm(2, 1)), doubled.toArray()) < 1e-9);
    }

    @Test
    void activationFormAgreesWithWeightForm() {
        ChannelEdit edit = ChannelEdit.components(ov, 0.3, 0, 3);
        double[][] x = gaussian(rng, 5, D_MODEL);
        double[][] viaWeights = multiply(x, editedOv(edit).toArray());
        double[][] out = multiply(x, ov.toArray());
        for (int i = 0; i < out.length; i++) {
            assertArrayEquals(viaWeights[i], edit.apply(out[i]), 1e-9);
        }
        assertTrue(maxAbsDiff(viaWeights, multiply(out, edit.residualMap())) < 1e-9);
    }

    @Test
    void ndArrayOverridesEditOnlyTheNamedHead() {
        ChannelEdit edit = ChannelEdit.components(ov, 0, 0);
        double[][] other = gaussian(rng, D_HEAD, D_MODEL);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray layer = manager.create(new Shape(3, D_HEAD, D_MODEL)); // heads 0, 1, 2; head 1 is ours
            layer.set(new NDIndex(0), Matrices.toNDArray(manager, other));
            layer.set(new NDIndex(1), Matrices.toNDArray(manager, wO));
            layer.set(new NDIndex(2), Matrices.toNDArray(manager, other));
            double[][][] before = Matrices.toHeadArrays(layer);

            double[][][] overridden = Matrices.toHeadArrays(edit.weightOverride(1).apply(layer));
            assertTrue(maxAbsDiff(edit.editWO(before[1]), overridden[1]) < 1e-5);
            assertTrue(maxAbsDiff(before[0], overridden[0]) < 1e-6 && maxAbsDiff(before[2], overridden[2]) < 1e-6);

            double[][][] replaced = Matrices.toHeadArrays(ChannelEdit.replaceHead(1, edit.editWO(wO)).apply(layer));
            assertTrue(maxAbsDiff(overridden[1], replaced[1]) < 1e-5);
            assertTrue(maxAbsDiff(before[2], replaced[2]) == 0);

            double[][][] ablated = Matrices.toHeadArrays(ChannelEdit.zeroHead(1).apply(layer));
            assertTrue(maxAbsDiff(new double[D_HEAD][D_MODEL], ablated[1]) == 0);
            assertTrue(maxAbsDiff(before[0], ablated[0]) == 0);

            assertThrows(IllegalArgumentException.class, () -> ChannelEdit.zeroHead(3).apply(layer));
            assertThrows(IllegalArgumentException.class, () -> edit.weightOverride(0).apply(layer.get(0)));
        }
    }

    @Test
    void resultHookEditsOnlyTheNamedHeadsOutput() {
        ChannelEdit edit = ChannelEdit.components(ov, 2.5, 1);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray result = manager.randomNormal(new Shape(2, 3, 4, D_MODEL)); // [batch, pos, head, d_model]
            float[] before = result.toFloatArray();
            float[] after = edit.resultHook(2).apply(result).toFloatArray();
            for (int row = 0; row < 2 * 3 * 4; row++) {
                double[] o = new double[D_MODEL];
                double[] edited = new double[D_MODEL];
                for (int c = 0; c < D_MODEL; c++) {
                    o[c] = before[row * D_MODEL + c];
                    edited[c] = after[row * D_MODEL + c];
                }
                double[] expected = row % 4 == 2 ? edit.apply(o) : o;
                assertArrayEquals(expected, edited, 1e-5, "row " + row);
            }
        }
    }

    @Test
    void invalidEditsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ChannelEdit.components(ov, 0));
        assertThrows(IllegalArgumentException.class, () -> ChannelEdit.components(ov, 0, 1, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> ChannelEdit.components(ov, 0, D_HEAD));
        assertThrows(IllegalArgumentException.class, () -> ChannelEdit.components(ov, Double.NaN, 0));
        IllegalArgumentException notOrthonormal = assertThrows(IllegalArgumentException.class,
                () -> ChannelEdit.directions(new double[][] {{1, 0}, {1, 1}}, 0));
        assertTrue(notOrthonormal.getMessage().contains("orthonormal"));
        assertThrows(IllegalArgumentException.class,
                () -> ChannelEdit.components(ov, 0, 0).editWO(new double[D_HEAD][D_MODEL + 1]));
        assertEquals(D_MODEL, ChannelEdit.components(ov, 0, 0).dModel());
    }
}
