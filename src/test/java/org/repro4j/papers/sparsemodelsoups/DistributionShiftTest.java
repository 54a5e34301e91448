package org.repro4j.papers.sparsemodelsoups;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.repro4j.data.LabeledImages;

class DistributionShiftTest {

    private static final List<String> CLASSES = List.of("a", "b");

    /** n images of h × w, every pixel the same grey level. */
    private static LabeledImages flat(int n, int h, int w, int level) {
        byte[] pixels = new byte[n * h * w];
        Arrays.fill(pixels, (byte) level);
        return LabeledImages.of(pixels, new int[n], h, w, CLASSES);
    }

    @Test
    void zeroNoiseLeavesTheImagesUnchanged() {
        LabeledImages images = flat(3, 4, 4, 77);
        assertArrayEquals(images.rawPixels(), DistributionShift.gaussianNoise(images, 0, 1).rawPixels());
    }

    @Test
    void noiseHasTheRequestedStandardDeviationAndDependsOnlyOnTheSeed() {
        LabeledImages grey = flat(50, 28, 28, 128);            // 0.502, far from both clipping ends
        LabeledImages noisy = DistributionShift.gaussianNoise(grey, 0.1, 3);
        float[][] x = noisy.flatImages();
        double sum = 0;
        double sumSq = 0;
        int count = 0;
        for (float[] image : x) {
            for (float v : image) {
                sum += v;
                sumSq += v * (double) v;
                count++;
            }
        }
        double mean = sum / count;
        assertEquals(128 / 255.0, mean, 0.002);
        assertEquals(0.1, Math.sqrt(sumSq / count - mean * mean), 0.002);
        assertArrayEquals(noisy.rawPixels(), DistributionShift.gaussianNoise(grey, 0.1, 3).rawPixels());
        assertFalse(Arrays.equals(noisy.rawPixels(), DistributionShift.gaussianNoise(grey, 0.1, 4).rawPixels()));
        assertArrayEquals(grey.labels(), noisy.labels());
    }

    @Test
    void noisyPixelsStayInTheGreyRange() {
        LabeledImages white = flat(2, 28, 28, 255);
        float[][] x = DistributionShift.gaussianNoise(white, 0.5, 1).flatImages();
        for (float[] image : x) {
            for (float v : image) {
                assertEquals(0.5, v, 0.5 + 1e-6);
            }
        }
    }

    @Test
    void aNegativeNoiseLevelIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> DistributionShift.gaussianNoise(flat(1, 2, 2, 0), -0.1, 1));
    }

    @Test
    void rotatingByZeroOrAFullTurnIsTheIdentity() {
        byte[] pixels = new byte[2 * 5 * 5];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        LabeledImages images = LabeledImages.of(pixels, new int[] {0, 1}, 5, 5, CLASSES);
        assertArrayEquals(pixels, DistributionShift.rotated(images, 0).rawPixels());
        assertArrayEquals(pixels, DistributionShift.rotated(images, 360).rawPixels());
    }

    @Test
    void aQuarterTurnCounterClockwiseMovesTheTopRowToTheLeftColumn() {
        // 3 × 3, top row 10 20 30: counter-clockwise the top-right corner goes to the top-left
        byte[] pixels = {10, 20, 30, 0, 0, 0, 0, 0, 0};
        LabeledImages images = LabeledImages.of(pixels, new int[] {0}, 3, 3, CLASSES);
        byte[] expected = {30, 0, 0, 20, 0, 0, 10, 0, 0};
        assertArrayEquals(expected, DistributionShift.rotated(images, 90).rawPixels());
    }
}
