package org.repro4j.data;

import java.util.Random;

/**
 * Seeded random permutations, the one source of shuffling in this package so every split, subset and sampler is
 * reproducible from its seed on any JVM ({@link Random}'s generator is fully specified).
 */
final class Permutation {
    private Permutation() {}

    /**
     * @param n length
     * @param random generator to draw from (advanced by {@code n - 1} draws)
     * @return a uniformly random permutation of {@code 0 .. n-1} (Fisher–Yates)
     */
    static int[] random(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
