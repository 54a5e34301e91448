package org.repro4j.circuits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.repro4j.testing.LinearAlgebraFixtures.gaussian;
import static org.repro4j.testing.LinearAlgebraFixtures.rankOneOv;
import static org.repro4j.testing.LinearAlgebraFixtures.unit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.repro4j.circuits.CompositionScore.Baseline;
import org.repro4j.circuits.CompositionScore.Kind;

class CompositionScoreTest {

    private static final int D = 8;

    /** A head whose query reads {@code query}, key reads {@code key}, value reads {@code read} and writes {@code write}. */
    private static HeadCircuit head(double[] query, double[] key, double[] read, double[] write) {
        return new HeadCircuit(rankOneOv(read, write), rankOneOv(query, key));
    }

    private static HeadCircuit randomHead(Random rng, int dModel, int dHead) {
        return HeadCircuit.of(gaussian(rng, dModel, dHead), gaussian(rng, dModel, dHead),
                gaussian(rng, dModel, dHead), gaussian(rng, dHead, dModel));
    }

    @Test
    void aReaderAlignedWithTheWriterScoresOneAndAnOrthogonalOneZero() {
        HeadCircuit writer = head(unit(D, 0), unit(D, 0), unit(D, 1), unit(D, 2)); // writes e2
        HeadCircuit valueReader = head(unit(D, 3), unit(D, 3), unit(D, 2), unit(D, 4));
        HeadCircuit otherReader = head(unit(D, 3), unit(D, 3), unit(D, 5), unit(D, 4));

        assertEquals(1.0, CompositionScore.score(Kind.V, writer, valueReader), 1e-12);
        assertEquals(0.0, CompositionScore.score(Kind.V, writer, otherReader), 1e-12);
        assertArrayEquals(new double[] {1.0}, CompositionScore.perComponent(Kind.V, writer, valueReader), 1e-12);
        assertArrayEquals(new double[] {0.0}, CompositionScore.perComponent(Kind.V, writer, otherReader), 1e-12);
    }

    @Test
    void queryAndKeyCompositionReadDifferentSidesOfQk() {
        HeadCircuit writer = head(unit(D, 0), unit(D, 0), unit(D, 1), unit(D, 2)); // writes e2
        HeadCircuit queryReader = head(unit(D, 2), unit(D, 6), unit(D, 7), unit(D, 7)); // query reads e2
        HeadCircuit keyReader = head(unit(D, 6), unit(D, 2), unit(D, 7), unit(D, 7)); // key reads e2

        assertEquals(1.0, CompositionScore.score(Kind.Q, writer, queryReader), 1e-12);
        assertEquals(0.0, CompositionScore.score(Kind.K, writer, queryReader), 1e-12);
        assertEquals(0.0, CompositionScore.score(Kind.Q, writer, keyReader), 1e-12);
        assertEquals(1.0, CompositionScore.score(Kind.K, writer, keyReader), 1e-12);
        assertEquals(0.0, CompositionScore.score(Kind.V, writer, queryReader), 1e-12);
    }

    @Test
    void wholeScoreIsTheSigmaWeightedMeanOfComponentScoresSoTheBestComponentBoundsIt() {
        Random rng = new Random(7);
        for (int trial = 0; trial < 5; trial++) {
            HeadCircuit up = randomHead(rng, 32, 8);
            HeadCircuit down = randomHead(rng, 32, 8);
            for (Kind kind : Kind.values()) {
                double whole = CompositionScore.score(kind, up, down);
                double[] cs = CompositionScore.perComponent(kind, up, down);
                double[] sigma = up.ov().singularValues();
                double weighted = 0;
                double total = 0;
                for (int i = 0; i < cs.length; i++) {
                    weighted += sigma[i] * sigma[i] * cs[i] * cs[i];
                    total += sigma[i] * sigma[i];
                }
                // ‖AB‖² = Σ σ_i² ‖v_iᵀB‖², so CS² is the σ²-weighted mean of CS_i²
                assertEquals(whole * whole, weighted / total, 1e-12);
                assertTrue(whole > 0 && whole <= 1);
                double best = Arrays.stream(cs).max().orElseThrow();
                assertTrue(best >= whole && best <= 1, kind + ": best " + best + " whole " + whole);
            }
        }
    }

    @Test
    void gridsScoreEveryHeadPairInLayerOrder() {
        Random rng = new Random(8);
        List<HeadCircuit> up = new ArrayList<>();
        List<HeadCircuit> down = new ArrayList<>();
        for (int h = 0; h < 3; h++) {
            up.add(randomHead(rng, 16, 4));
        }
        for (int h = 0; h < 2; h++) {
            down.add(randomHead(rng, 16, 4));
        }
        double[][] whole = CompositionScore.grid(Kind.K, up, down);
        double[][] best = CompositionScore.bestComponentGrid(Kind.K, up, down);
        assertEquals(3, whole.length);
        assertEquals(2, whole[0].length);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) {
                assertEquals(CompositionScore.score(Kind.K, up.get(i), down.get(j)), whole[i][j], 0);
                assertEquals(Arrays.stream(CompositionScore.perComponent(Kind.K, up.get(i), down.get(j)))
                        .max().orElseThrow(), best[i][j], 0);
            }
        }
    }

    @Test
    void randomBaselinesSitAtOneOverRootDModel() {
        double chance = CompositionScore.chanceLevel(64);
        assertEquals(0.125, chance, 1e-15);
        Baseline matrices = CompositionScore.randomMatrixBaseline(64, 16, 200, 11);
        assertEquals(chance, matrices.mean(), 0.1 * chance, "random-matrix mean " + matrices.mean());
        assertTrue(matrices.lower() < matrices.mean() && matrices.mean() < matrices.upper());

        FactoredMatrix reader = randomHead(new Random(12), 64, 16).qk();
        Baseline directions = CompositionScore.randomDirectionBaseline(reader, 2000, 13);
        assertEquals(chance, directions.mean(), 0.1 * chance, "random-direction mean " + directions.mean());
        assertTrue(directions.lower() < chance && chance < directions.upper());

        assertEquals(matrices, CompositionScore.randomMatrixBaseline(64, 16, 200, 11), "same seed, same baseline");
    }

    @Test
    void zeroReaderGivesNaNAndBadSettingsAreRejected() {
        HeadCircuit writer = head(unit(D, 0), unit(D, 0), unit(D, 1), unit(D, 2));
        HeadCircuit dead = HeadCircuit.of(new double[D][2], new double[D][2], new double[D][2], new double[2][D]);
        assertTrue(Double.isNaN(CompositionScore.score(Kind.V, writer, dead)));
        assertEquals(0, CompositionScore.perComponent(Kind.V, dead, writer).length);
        assertThrows(IllegalArgumentException.class,
                () -> CompositionScore.randomMatrixBaseline(64, 16, 1, 0));
        assertThrows(IllegalArgumentException.class,
                () -> CompositionScore.directionScore(new double[] {1, 1, 0, 0, 0, 0, 0, 0}, writer.ov()));
    }
}
