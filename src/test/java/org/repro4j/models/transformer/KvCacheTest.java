package org.repro4j.models.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.repro4j.models.transformer.TestModels.array;
import static org.repro4j.models.transformer.TestModels.maxAbsDiff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.repro4j.engine.NativeThreads;

class KvCacheTest {

    @BeforeAll
    static void oneNativeThread() {
        NativeThreads.applyDefault(); // two OpenMP threads on a shared machine make each small op many times slower
    }

    @Test
    void cachedLogitsEqualTheUncachedForwardAtEveryPosition() {
        try (TinyTransformerLM lm = TestModels.lm(1); NDManager m = lm.manager().newSubManager()) {
            int[][] rows = TestModels.randomTokens(2, 3, 12);
            NDArray full = lm.logits(array(m, rows));                                     // [3, 12, V]
            assertTrue(full.abs().mean().getFloat() > 0.5f, "the test model must have non-trivial logits");
            try (KvCache cache = KvCache.create(lm, 3)) {
                int[] chunks = {5, 1, 2, 1, 1, 1, 1}; // a prompt, single tokens and a chunk of two
                int from = 0;
                for (int chunk : chunks) {
                    int[][] part = new int[3][];
                    for (int r = 0; r < 3; r++) {
                        part[r] = Arrays.copyOfRange(rows[r], from, from + chunk);
                    }
                    NDArray cached = lm.logits(array(m, part), cache);                   // [3, chunk, V]
                    NDArray expected = full.get(new NDIndex(":, {}:{}", from, from + chunk));
                    assertEquals(0f, maxAbsDiff(cached, expected), 1e-5f, "positions " + from + ".." + chunk);
                    from += chunk;
                    assertEquals(from, cache.position());
                    for (int l = 0; l < 4; l++) {
                        assertEquals(from, cache.length(l), "every layer holds every position without a plan");
                    }
                }
            }
        }
    }

    @Test
    void batchDecodingWithTheCacheGivesTheTokensOfUncachedDecoding() {
        try (TinyTransformerLM lm = TestModels.lm(3)) {
            int[][] prompts = TestModels.randomTokens(4, 3, 3);
            int[][] cached = Decoding.generate(lm, prompts, 9, Sampling.greedy());
            for (int r = 0; r < 3; r++) {
                assertArrayEquals(Decoding.greedy(lm, prompts[r], 9), cached[r], "row " + r);
            }
            int[][] one = {prompts[0]};
            assertArrayEquals(Decoding.sample(lm, prompts[0], 9, 1.0, 77),
                    Decoding.generate(lm, one, 9, Sampling.temperature(1.0, 77))[0]);
            assertArrayEquals(cached[1], Decoding.generate(lm, new int[][] {prompts[1]}, 9, Sampling.greedy())[0],
                    "a row decodes the same alone as in a batch");
        }
    }

    @Test
    void topKSamplingDrawsOnlyTheKMostLikelyTokens() {
        float[] logits = {0.5f, 3f, -1f, 2.9f, 0f};
        Random rng = new Random(0);
        Set<Integer> drawn = new HashSet<>();
        Sampling top2 = Sampling.temperature(5.0, 0).withTopK(2);
        for (int i = 0; i < 2000; i++) {
            drawn.add(top2.pick(logits, rng));
        }
        assertEquals(Set.of(1, 3), drawn);
        Set<Integer> all = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            all.add(Sampling.temperature(5.0, 0).pick(logits, rng));
        }
        assertEquals(Set.of(0, 1, 2, 3, 4), all);
        assertEquals(1, Sampling.greedy().pick(logits, rng));
        assertThrows(IllegalArgumentException.class, () -> Sampling.temperature(1, 0).withTopK(0));
        assertThrows(IllegalArgumentException.class, () -> new Sampling(-1, 0, 0));
    }

    @Test
    void aCacheUsedPastItsContextFailsSayingHowToStayInside() {
        try (TinyTransformerLM lm = TestModels.lm(5); NDManager m = lm.manager().newSubManager();
                KvCache cache = KvCache.create(lm, 1)) {
            lm.logits(array(m, TestModels.randomTokens(6, 1, 12)), cache);
            IllegalStateException full = assertThrows(IllegalStateException.class,
                    () -> lm.logits(array(m, new int[][] {{1}}), cache));
            assertTrue(full.getMessage().contains("at most 12 positions (the model's context)")
                    && full.getMessage().contains("Decoding.greedy"), full.getMessage());
            IllegalStateException generate = assertThrows(IllegalStateException.class,
                    () -> Decoding.generate(lm, TestModels.randomTokens(7, 2, 10), 5, Sampling.greedy()));
            assertTrue(generate.getMessage().contains("Decode at most 12 more tokens"), generate.getMessage());
            assertEquals(12, Decoding.generate(lm, TestModels.randomTokens(7, 2, 10), 2, Sampling.greedy())[0].length);
        }
    }

    @Test
    void aCacheServesOneModelAndOneBatch() {
        try (TinyTransformerLM lm = TestModels.lm(8); TinyTransformerLM other = TestModels.lm(9);
                NDManager m = lm.manager().newSubManager(); KvCache cache = KvCache.create(lm, 2)) {
            NDArray two = array(m, TestModels.randomTokens(1, 2, 3));
            assertThrows(IllegalArgumentException.class, () -> other.logits(two, cache));
            assertThrows(IllegalArgumentException.class,
                    () -> lm.logits(array(m, TestModels.randomTokens(1, 3, 3)), cache));
            assertThrows(IllegalArgumentException.class, () -> KvCache.create(lm, 0));
            assertThrows(IllegalArgumentException.class, () -> Decoding.generate(lm, new int[][] {{1, 2}, {3}}, 2,
                    Sampling.greedy()));
        }
    }
}
