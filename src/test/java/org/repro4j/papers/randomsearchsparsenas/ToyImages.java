package org.repro4j.papers.randomsearchsparsenas;

import java.util.List;
import java.util.Random;
import org.repro4j.data.LabeledImages;

/** Learnable 4×4 images of three classes for the tests: class c lights up row c, on pixel noise. */
final class ToyImages {

    private ToyImages() {}

    static LabeledImages of(int n, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[n * 16];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(3);
            for (int p = 0; p < 16; p++) {
                int value = random.nextInt(80) + (p / 4 == labels[i] ? 170 : 0);
                pixels[i * 16 + p] = (byte) value;
            }
        }
        return LabeledImages.of(pixels, labels, 4, 4, List.of("row 0", "row 1", "row 2"));
    }
}
