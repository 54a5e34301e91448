package org.repro4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FashionMnist on the fixtures: 30 training images (3 per class) and 20 test images (2 per class). */
class FashionMnistTest {
    @TempDir
    Path tmp;

    private static LabeledImages fixture(FashionMnist.Split split) {
        return FashionMnist.load(split, Fixtures.resource("fashion-mnist"), Fixtures.manifest());
    }

    @Test
    void fixtureSplitsHaveTheirSizesShapesAndBalancedClasses() {
        LabeledImages train = fixture(FashionMnist.Split.TRAIN);
        LabeledImages test = fixture(FashionMnist.Split.TEST);
        assertEquals(30, train.size());
        assertEquals(20, test.size());
        assertEquals(28, train.height());
        assertEquals(28, train.width());
        assertArrayEquals(new int[] {3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, train.classCounts());
        assertArrayEquals(new int[] {2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, test.classCounts());
        assertEquals("Ankle boot", train.className(9));
        assertEquals(FashionMnist.CLASS_NAMES, train.classNames());
    }

    @Test
    void labelsAndPixelsMatchTheRawIdxFiles() {
        LabeledImages train = fixture(FashionMnist.Split.TRAIN);
        Path dir = Fixtures.resource("fashion-mnist");
        byte[] labels = IdxReader.readGzip(dir.resolve("train-labels-idx1-ubyte.gz")).data();
        byte[] pixels = IdxReader.readGzip(dir.resolve("train-images-idx3-ubyte.gz")).data();
        for (int i = 0; i < train.size(); i++) {
            assertEquals(labels[i], train.label(i));
        }
        float[][][] images = train.images();
        float[][] flat = train.flatImages();
        int i = 17;
        int r = 14;
        int c = 9;
        float expected = (pixels[i * 784 + r * 28 + c] & 0xFF) / 255f;
        assertEquals(expected, images[i][r][c]);
        assertEquals(expected, flat[i][r * 28 + c]);
        assertEquals(expected, train.image(i)[r * 28 + c]);
    }

    @Test
    void pixelsAreScaledIntoUnitInterval() {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float[] image : fixture(FashionMnist.Split.TRAIN).flatImages()) {
            for (float p : image) {
                min = Math.min(min, p);
                max = Math.max(max, p);
            }
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
    }

    @Test
    void missingDatasetNamesTheFoldersAndTheSetupCommand() throws IOException {
        Path a = Files.createDirectories(tmp.resolve("cache/fashion-mnist"));
        Path b = tmp.resolve("usr/share/datasets/fashion-mnist");
        DatasetMissingException e = assertThrows(DatasetMissingException.class,
                () -> FashionMnist.locate(FashionMnist.Split.TRAIN, List.of(a, b)));
        assertTrue(e.getMessage().contains("./repro setup"), e.getMessage());
        assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains(a.toString()) && e.getMessage().contains(b.toString()), e.getMessage());
    }

    @Test
    void locateTakesTheFirstFolderHoldingTheSplit() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path fixtures = Fixtures.resource("fashion-mnist");
        assertEquals(fixtures, FashionMnist.locate(FashionMnist.Split.TEST, List.of(empty, fixtures)));
    }

    @Test
    void missingLabelsFileIsReportedAsMissing() throws IOException {
        Path dir = copyFixtures();
        Files.delete(dir.resolve("train-labels-idx1-ubyte.gz"));
        DatasetMissingException e = assertThrows(DatasetMissingException.class,
                () -> FashionMnist.load(FashionMnist.Split.TRAIN, dir, Fixtures.manifest()));
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte.gz does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("./repro setup"), e.getMessage());
    }

    @Test
    void checksumMismatchNamesFileExpectedAndActual() throws IOException {
        Path dir = copyFixtures();
        Path images = dir.resolve("train-images-idx3-ubyte.gz");
        byte[] bytes = Files.readAllBytes(images);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(images, bytes);
        String expected = Fixtures.manifest().find(FashionMnist.DATASET, images.getFileName().toString())
                .orElseThrow().sha256();
        DatasetCorruptException e = assertThrows(DatasetCorruptException.class,
                () -> FashionMnist.load(FashionMnist.Split.TRAIN, dir, Fixtures.manifest()));
        assertTrue(e.getMessage().startsWith(images.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("sha256 mismatch (expected " + expected + ", actual "
                + DatasetManifest.sha256(images) + ")"), e.getMessage());
    }

    @Test
    void fileChangedAfterVerificationIsCheckedAgain() throws IOException {
        Path dir = copyFixtures();
        DatasetManifest manifest = Fixtures.manifest();
        FashionMnist.load(FashionMnist.Split.TEST, dir, manifest);
        Path labels = dir.resolve("t10k-labels-idx1-ubyte.gz");
        Files.copy(dir.resolve("train-labels-idx1-ubyte.gz"), labels, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(labels, FileTime.fromMillis(Files.getLastModifiedTime(labels).toMillis() + 5000));
        DatasetCorruptException e = assertThrows(DatasetCorruptException.class,
                () -> FashionMnist.load(FashionMnist.Split.TEST, dir, manifest));
        assertTrue(e.getMessage().contains("sha256 mismatch"), e.getMessage());
    }

    @Test
    void badMagicNumberInAnInstalledFileIsNamed() throws IOException {
        Path dir = copyFixtures();
        Path images = dir.resolve("train-images-idx3-ubyte.gz");
        Files.copy(Fixtures.resource("corrupt/bad-magic-images-idx3-ubyte.gz"), images,
                StandardCopyOption.REPLACE_EXISTING);
        DatasetManifest manifest = manifestOf(dir, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
        DatasetCorruptException e = assertThrows(DatasetCorruptException.class,
                () -> FashionMnist.load(FashionMnist.Split.TRAIN, dir, manifest));
        assertTrue(e.getMessage().startsWith(images + ": bad IDX magic number"), e.getMessage());
    }

    @Test
    void imageAndLabelCountsMustAgree() throws IOException {
        Path dir = copyFixtures();
        Fixtures.writeIdxGzip(dir.resolve("train-labels-idx1-ubyte.gz"), new int[] {29}, new byte[29]);
        DatasetManifest manifest = manifestOf(dir, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
        DatasetCorruptException e = assertThrows(DatasetCorruptException.class,
                () -> FashionMnist.load(FashionMnist.Split.TRAIN, dir, manifest));
        assertTrue(e.getMessage().contains("expected labels [30]"), e.getMessage());
        assertTrue(e.getMessage().contains("found [29]"), e.getMessage());
    }

    @Test
    void labelOutsideTheTenClassesIsNamed() throws IOException {
        Path dir = copyFixtures();
        byte[] labels = new byte[30];
        labels[4] = 10;
        Fixtures.writeIdxGzip(dir.resolve("train-labels-idx1-ubyte.gz"), new int[] {30}, labels);
        DatasetManifest manifest = manifestOf(dir, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
        DatasetCorruptException e = assertThrows(DatasetCorruptException.class,
                () -> FashionMnist.load(FashionMnist.Split.TRAIN, dir, manifest));
        assertTrue(e.getMessage().contains("label 10 at index 4"), e.getMessage());
    }

    private Path copyFixtures() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("fashion-mnist"));
        try (var files = Files.list(Fixtures.resource("fashion-mnist"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    private DatasetManifest manifestOf(Path dir, String... files) {
        List<String> rows = java.util.Arrays.stream(files)
                .map(f -> Fixtures.manifestRow(FashionMnist.DATASET, dir.resolve(f))).toList();
        return DatasetManifest.read(Fixtures.writeManifest(tmp.resolve("manifest.tsv"), rows));
    }
}
