package org.repro4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabeledImagesTest {
    private static final LabeledImages TRAIN = FashionMnist.load(FashionMnist.Split.TRAIN,
            Fixtures.resource("fashion-mnist"), Fixtures.manifest());

    @Test
    void selectKeepsImagesWithTheirLabelsInTheGivenOrder() {
        LabeledImages picked = TRAIN.select(5, 0, 5);
        assertEquals(3, picked.size());
        assertArrayEquals(TRAIN.image(5), picked.image(0));
        assertArrayEquals(TRAIN.image(0), picked.image(1));
        assertArrayEquals(new int[] {TRAIN.label(5), TRAIN.label(0), TRAIN.label(5)}, picked.labels());
    }

    @Test
    void subsetIsDeterministicInItsSeedAndWithoutRepeats() {
        LabeledImages a = TRAIN.subset(12, 7);
        LabeledImages b = TRAIN.subset(12, 7);
        LabeledImages c = TRAIN.subset(12, 8);
        assertArrayEquals(a.rawPixels(), b.rawPixels());
        assertArrayEquals(a.labels(), b.labels());
        assertFalse(Arrays.equals(a.rawPixels(), c.rawPixels()));
        assertEquals(12, originalIndices(a).stream().distinct().count());
    }

    @Test
    void randomSplitGivesDisjointPartsOfTheRequestedSizes() {
        List<LabeledImages> parts = TRAIN.randomSplit(4, 20, 7);
        assertEquals(List.of(20, 7), parts.stream().map(LabeledImages::size).toList());
        List<Integer> first = originalIndices(parts.get(0));
        List<Integer> second = originalIndices(parts.get(1));
        assertEquals(20, first.stream().distinct().count());
        assertTrue(second.stream().noneMatch(first::contains));
        assertArrayEquals(parts.get(1).rawPixels(), TRAIN.randomSplit(4, 20, 7).get(1).rawPixels());
        assertThrows(IllegalArgumentException.class, () -> TRAIN.randomSplit(4, 20, 11));
    }

    @Test
    void stratifiedSubsetHasEqualClassCountsOfOriginalImages() {
        LabeledImages s = TRAIN.stratifiedSubset(2, 3);
        assertArrayEquals(new int[] {2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, s.classCounts());
        List<Integer> from = originalIndices(s);
        assertEquals(20, from.stream().distinct().count());
        for (int k = 0; k < s.size(); k++) {
            assertEquals(TRAIN.label(from.get(k)), s.label(k));
        }
        assertThrows(IllegalArgumentException.class, () -> TRAIN.stratifiedSubset(4, 3));
    }

    @Test
    void keepClassesRenumbersInTheGivenOrder() {
        LabeledImages shirts = TRAIN.keepClasses(6, 0);
        assertEquals(List.of("Shirt", "T-shirt/top"), shirts.classNames());
        assertEquals(6, shirts.size());
        assertArrayEquals(new int[] {3, 3}, shirts.classCounts());
        for (int k = 0; k < shirts.size(); k++) {
            int original = originalIndices(shirts).get(k);
            assertEquals(TRAIN.label(original) == 6 ? 0 : 1, shirts.label(k));
        }
        assertThrows(IllegalArgumentException.class, () -> TRAIN.keepClasses(1, 1));
        assertThrows(IllegalArgumentException.class, () -> TRAIN.keepClasses(10));
    }

    @Test
    void remapLabelsMergesClasses() {
        // tops (T-shirt, pullover, coat, shirt) vs. shoes (sandal, sneaker, ankle boot) vs. the rest
        int[] mapping = {0, 2, 0, 2, 0, 1, 0, 1, 2, 1};
        LabeledImages merged = TRAIN.remapLabels(mapping, List.of("top", "shoe", "other"));
        assertArrayEquals(new int[] {12, 9, 9}, merged.classCounts());
        assertThrows(IllegalArgumentException.class,
                () -> TRAIN.remapLabels(mapping, List.of("top", "shoe")));
    }

    @Test
    void ofCopiesAndValidatesItsInputs() {
        byte[] pixels = new byte[2 * 2 * 3];
        pixels[0] = (byte) 255;
        LabeledImages tiny = LabeledImages.of(pixels, new int[] {1, 0}, 2, 3, List.of("a", "b"));
        pixels[0] = 0;
        assertEquals(1f, tiny.image(0)[0]);
        assertThrows(IllegalArgumentException.class,
                () -> LabeledImages.of(new byte[11], new int[] {1, 0}, 2, 3, List.of("a", "b")));
        assertThrows(IllegalArgumentException.class,
                () -> LabeledImages.of(pixels, new int[] {2, 0}, 2, 3, List.of("a", "b")));
    }

    @Test
    void arraysHaveTheLayoutsShapesAndValues() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray flat = TRAIN.imagesArray(manager, LabeledImages.Layout.FLAT);
            NDArray nchw = TRAIN.imagesArray(manager, LabeledImages.Layout.CHANNELS_FIRST);
            NDArray labels = TRAIN.labelsArray(manager);
            assertEquals(new Shape(30, 784), flat.getShape());
            assertEquals(new Shape(30, 1, 28, 28), nchw.getShape());
            assertEquals(DataType.FLOAT32, flat.getDataType());
            assertArrayEquals(TRAIN.image(11), flat.get(11).toFloatArray(), 1e-7f);
            assertArrayEquals(TRAIN.image(11), nchw.get(11).toFloatArray(), 1e-7f);
            assertEquals(DataType.INT64, labels.getDataType());
            assertArrayEquals(Arrays.stream(TRAIN.labels()).asLongStream().toArray(), labels.toLongArray());
        }
    }

    @Test
    void shuffledDatasetVisitsEveryImageOncePerEpochInASeededOrder() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<Long> first = epochLabels(TRAIN.toDataset(manager, LabeledImages.Layout.CHANNELS_FIRST, 8, 5),
                    manager, new Shape(8, 1, 28, 28));
            List<Long> again = epochLabels(TRAIN.toDataset(manager, LabeledImages.Layout.CHANNELS_FIRST, 8, 5),
                    manager, new Shape(8, 1, 28, 28));
            assertEquals(first, again);
            List<Long> sorted = new ArrayList<>(first);
            sorted.sort(null);
            List<Long> expected = new ArrayList<>(Arrays.stream(TRAIN.labels()).asLongStream().boxed().toList());
            expected.sort(null);
            assertEquals(expected, sorted);
            List<Long> inOrder = epochLabels(TRAIN.toDataset(manager, LabeledImages.Layout.FLAT, 8), manager,
                    new Shape(8, 784));
            assertEquals(Arrays.stream(TRAIN.labels()).asLongStream().boxed().toList(), inOrder);
            assertFalse(first.equals(inOrder));
        }
    }

    private static List<Long> epochLabels(InMemoryBatches dataset, NDManager manager, Shape fullBatch)
            throws Exception {
        List<Long> labels = new ArrayList<>();
        for (Batch batch : dataset.getData(manager)) {
            try (batch) {
                Shape shape = batch.getData().head().getShape();
                assertTrue(shape.equals(fullBatch) || shape.get(0) == 30 % 8, "batch shape " + shape);
                for (long l : batch.getLabels().head().toLongArray()) {
                    labels.add(l);
                }
            }
        }
        return labels;
    }

    /** Finds each image of a derived set in TRAIN by its pixels (the fixture images are distinct). */
    private static List<Integer> originalIndices(LabeledImages derived) {
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < derived.size(); k++) {
            float[] image = derived.image(k);
            int found = -1;
            for (int i = 0; i < TRAIN.size() && found < 0; i++) {
                if (Arrays.equals(image, TRAIN.image(i))) {
                    found = i;
                }
            }
            assertTrue(found >= 0, "image " + k + " is not in the original set");
            out.add(found);
        }
        return out;
    }
}
