package org.repro4j.papers.shortcutlearning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShortcutPatchTest {

    /** Synthetic stand-ins for Fashion-MNIST: dim random pixels in [0, 0.5), labels cycling through 0..9. */
    private static float[][] images(int n, long seed) {
        Random random = new Random(seed);
        float[][] images = new float[n][ShortcutPatch.PIXELS];
        for (float[] image : images) {
            for (int p = 0; p < image.length; p++) {
                image[p] = 0.5f * random.nextFloat();
            }
        }
        return images;
    }

    private static int[] cyclingLabels(int n) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
        }
        return labels;
    }

    @Test
    void keepsTheEightGarmentClassesAndGroupsUpperBodyAgainstTheRest() {
        ShortcutPatch patch = ShortcutPatch.create(4, 0.7, 0.8, 1);
        ShortcutPatch.Images set = patch.conflict(images(10, 0), cyclingLabels(10));
        assertArrayEquals(new int[] {0, 1, 2, 4, 5, 6, 7, 9}, set.source());
        assertArrayEquals(new int[] {1, -1, 1, 1, -1, 1, -1, -1}, set.garment());
    }

    @Test
    void realisedPredictivitiesMatchPcAndPsWithinFourStandardErrors() {
        int n = 25_000;
        float[][] blank = new float[n][];
        Arrays.fill(blank, new float[ShortcutPatch.PIXELS]);
        ShortcutPatch.Images train = ShortcutPatch.create(2, 0.7, 0.8, 3).training(blank, cyclingLabels(n));
        int m = train.size();
        assertEquals(20_000, m);
        int garmentAgrees = 0;
        int squareAgrees = 0;
        for (int i = 0; i < m; i++) {
            garmentAgrees += train.garment()[i] == train.y()[i] ? 1 : 0;
            squareAgrees += train.square()[i] == train.y()[i] ? 1 : 0;
        }
        assertEquals(0.8, (double) garmentAgrees / m, 4 * Math.sqrt(0.8 * 0.2 / m));
        assertEquals(0.7, (double) squareAgrees / m, 4 * Math.sqrt(0.7 * 0.3 / m));
    }

    @Test
    void squareIsPaintedInTheCornerOfItsSignAndNothingElseChanges() {
        int k = 8;
        float[][] images = images(20, 5);
        float[][] original = Arrays.stream(images).map(float[]::clone).toArray(float[][]::new);
        ShortcutPatch.Images set = ShortcutPatch.create(k, 0.7, 0.8, 2).training(images, cyclingLabels(20));
        assertArrayEquals(original, images, "inputs must not be modified");
        for (int i = 0; i < set.size(); i++) {
            int left = set.square()[i] > 0 ? 0 : ShortcutPatch.SIDE - k;
            float[] in = images[set.source()[i]];
            int painted = 0;
            for (int p = 0; p < ShortcutPatch.PIXELS; p++) {
                int row = p / ShortcutPatch.SIDE;
                int col = p % ShortcutPatch.SIDE;
                boolean inSquare = row < k && col >= left && col < left + k;
                assertEquals(inSquare ? 1f : in[p], set.x()[i][p], 0, "image " + i + " pixel " + p);
                painted += set.x()[i][p] == 1f ? 1 : 0;
            }
            assertEquals(k * k, painted, "the footprint is k^2 pixels");
        }
    }

    @Test
    void conflictSetPutsTheSquareAgainstTheGarmentWithTrueLabels() {
        ShortcutPatch.Images conflict = ShortcutPatch.create(4, 0.7, 0.8, 9).conflict(images(100, 1),
                cyclingLabels(100));
        assertEquals(80, conflict.size());
        for (int i = 0; i < conflict.size(); i++) {
            assertEquals(conflict.garment()[i], conflict.y()[i], 0);
            assertEquals(-conflict.garment()[i], conflict.square()[i]);
        }
    }

    @Test
    void sameSeedGivesSameFlipsAndAnotherSeedOthers() {
        float[][] images = images(200, 4);
        int[] labels = cyclingLabels(200);
        ShortcutPatch.Images a = ShortcutPatch.create(4, 0.7, 0.8, 11).training(images, labels);
        ShortcutPatch.Images b = ShortcutPatch.create(4, 0.7, 0.8, 11).training(images, labels);
        ShortcutPatch.Images c = ShortcutPatch.create(4, 0.7, 0.8, 12).training(images, labels);
        assertArrayEquals(a.y(), b.y());
        assertArrayEquals(a.square(), b.square());
        assertArrayEquals(a.x(), b.x());
        assertFalse(Arrays.equals(a.square(), c.square()));
    }

    @Test
    void badInputsAreRejectedWithAFix() {
        assertMessage(() -> ShortcutPatch.create(0, 0.7, 0.8, 0), "k = 0", "2, 4 and 8");
        assertMessage(() -> ShortcutPatch.create(15, 0.7, 0.8, 0), "k = 15", "between 1 and 14");
        assertMessage(() -> ShortcutPatch.create(4, 0.5, 0.8, 0), "shortcut predictivity p_s = 0.5", "(0.5, 1]");
        assertMessage(() -> ShortcutPatch.create(4, 0.7, 1.1, 0), "core predictivity p_c = 1.1");
        ShortcutPatch patch = ShortcutPatch.create(4, 0.7, 0.8, 0);
        assertMessage(() -> patch.training(images(3, 0), new int[2]), "3 images but 2 labels");
        assertMessage(() -> patch.training(new float[][] {new float[100]}, new int[1]), "100 pixels", "784");
        float[][] bytes = images(1, 0);
        bytes[0][7] = 255f;
        assertMessage(() -> patch.training(bytes, new int[1]), "pixel value 255.0", "divide bytes by 255");
        assertMessage(() -> patch.training(images(1, 0), new int[] {10}), "label 0 is 10", "0..9");
        assertMessage(() -> patch.conflict(images(2, 0), new int[] {3, 8}), "none of the 2 images");
    }

    private static void assertMessage(Runnable action, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
        }
    }
}
