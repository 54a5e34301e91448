package org.repro4j.papers.randomsearchsparsenas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;

/** Random Search draws independent masks at one sparsity, scores each by a short training and keeps the lowest. */
class RandomSearchTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void theBestCandidateIsTheLowestScoringOfIndependentDraws() {
        Mlp parent = new Mlp(16, 2, 12, 3, Nonlinearity.RELU).initialize(manager, 1);
        SubnetworkTrainer trainer = new SubnetworkTrainer(parent, ToyImages.of(512, 1), ToyImages.of(200, 2),
                ToyImages.of(200, 3), manager, 5);
        RandomSearch.Result result = RandomSearch.search(trainer, 0.75, 5, 6, new SplittableRandom(9));
        List<RandomSearch.Candidate> candidates = result.candidates();
        assertEquals(5, candidates.size());
        double lowest = candidates.stream().mapToDouble(RandomSearch.Candidate::score).min().orElseThrow();
        assertEquals(lowest, result.best().score(), 0.0);
        double[] sorted = candidates.stream().mapToDouble(RandomSearch.Candidate::score).sorted().toArray();
        assertArrayEquals(sorted, result.sortedScores(), 0.0);
        SplittableRandom same = new SplittableRandom(9);
        for (RandomSearch.Candidate c : candidates) {
            assertEquals(0.75, c.mask().sparsity(), 1e-12);
            assertArrayEquals(NodeMask.random(parent, 0.75, same).kept(1), c.mask().kept(1), "drawn in order");
            assertEquals(c.score(), trainer.shortTrainingScore(c.mask(), 6), 0.0, "a score can be recomputed");
        }
        assertEquals(5, Arrays.stream(sorted).distinct().count(), "the masks' scores differ");
        assertSame(candidates.stream().filter(c -> c.score() == lowest).findFirst().orElseThrow(), result.best());
    }

    @Test
    void anEmptySearchIsRejected() {
        Mlp parent = new Mlp(16, 1, 4, 3, Nonlinearity.RELU).initialize(manager, 1);
        SubnetworkTrainer trainer = new SubnetworkTrainer(parent, ToyImages.of(64, 1), ToyImages.of(20, 2),
                ToyImages.of(20, 3), manager, 5);
        assertThrows(IllegalArgumentException.class,
                () -> RandomSearch.search(trainer, 0.5, 0, 6, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class,
                () -> RandomSearch.search(trainer, 0.5, 3, 0, new SplittableRandom(1)));
    }
}
