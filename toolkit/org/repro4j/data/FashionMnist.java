package org.repro4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.repro4j.Repro;

/**
 * Fashion-MNIST: 70 000 grayscale 28×28 images of Zalando articles in 10 classes, 60 000 for training and 10 000
 * for testing, 6 000 / 1 000 per class (Xiao, Rasul &amp; Vollgraf 2017, "Fashion-MNIST: a Novel Image Dataset for
 * Benchmarking Machine Learning Algorithms", arXiv:1708.07747; MIT licence).
 *
 * <p>Reads the four gzip IDX files from {@code <Repro.datasetsDir()>/fashion-mnist} or, if they are not there,
 * from {@code /usr/share/datasets/fashion-mnist} (Debian package {@code dataset-fashion-mnist}, installed by
 * {@code ./repro setup}). Each file's sha256 is checked against the bundled {@link DatasetManifest} once per JVM.
 *
 * <pre>{@code
 * LabeledImages train = FashionMnist.train();               // [60000, 28, 28], labels 0..9
 * LabeledImages small = train.stratifiedSubset(100, seed);  // 1000 images, 100 per class
 * InMemoryBatches batches = train.toDataset(manager, Layout.CHANNELS_FIRST, 128, seed);  // [128, 1, 28, 28]
 * }</pre>
 */
public final class FashionMnist {
    /** Dataset name in the manifest and folder name under the datasets directory. */
    public static final String DATASET = "fashion-mnist";
    /** Folder where the Debian package {@code dataset-fashion-mnist} installs the files. */
    public static final Path SYSTEM_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Image height and width in pixels. */
    public static final int IMAGE_SIZE = 28;
    /** Class names indexed by label, as in the dataset's README. */
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final String SETUP_HINT = "Run ./repro setup, or install the Debian package with "
            + "'sudo apt-get install dataset-fashion-mnist'.";

    /** The two published splits. */
    public enum Split {
        /** 60 000 training images. */
        TRAIN("train"),
        /** 10 000 test images. */
        TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }

        /** @return the images file name, e.g. {@code train-images-idx3-ubyte.gz} */
        public String imagesFile() {
            return prefix + "-images-idx3-ubyte.gz";
        }

        /** @return the labels file name, e.g. {@code train-labels-idx1-ubyte.gz} */
        public String labelsFile() {
            return prefix + "-labels-idx1-ubyte.gz";
        }
    }

    private FashionMnist() {}

    /**
     * @return the 60 000 training images, {@code [60000, 28, 28]}, labels 0–9
     * @throws DatasetMissingException if the dataset is not installed (message names {@code ./repro setup})
     * @throws DatasetCorruptException if a file fails its checksum or does not parse (message names the file)
     */
    public static LabeledImages train() {
        return load(Split.TRAIN);
    }

    /**
     * @return the 10 000 test images, {@code [10000, 28, 28]}, labels 0–9
     * @throws DatasetMissingException if the dataset is not installed (message names {@code ./repro setup})
     * @throws DatasetCorruptException if a file fails its checksum or does not parse (message names the file)
     */
    public static LabeledImages test() {
        return load(Split.TEST);
    }

    /**
     * @param split which split
     * @return its images and labels, verified against the bundled manifest
     * @throws DatasetMissingException if the dataset is not installed (message names {@code ./repro setup})
     * @throws DatasetCorruptException if a file fails its checksum or does not parse (message names the file)
     */
    public static LabeledImages load(Split split) {
        return load(split, locate(split), DatasetManifest.bundled());
    }

    /**
     * Loads a split from a given folder, verifying against a given manifest (for fixtures and private copies).
     *
     * @param split which split
     * @param dir folder holding {@link Split#imagesFile()} and {@link Split#labelsFile()}
     * @param manifest manifest with rows for those files under dataset {@value #DATASET}
     * @return the images, {@code [n, 28, 28]}, and labels 0–9
     * @throws DatasetMissingException if a file is absent
     * @throws DatasetCorruptException if a file fails its checksum, does not parse, or the two files disagree
     */
    public static LabeledImages load(Split split, Path dir, DatasetManifest manifest) {
        Path imagesFile = dir.resolve(split.imagesFile());
        Path labelsFile = dir.resolve(split.labelsFile());
        for (Path file : List.of(imagesFile, labelsFile)) {
            if (!Files.isRegularFile(file)) {
                throw new DatasetMissingException("Fashion-MNIST file " + file + " does not exist. " + SETUP_HINT);
            }
            manifest.verify(DATASET, file);
        }
        IdxArray images = IdxReader.readGzip(imagesFile);
        IdxArray labels = IdxReader.readGzip(labelsFile);
        int[] d = images.dims();
        if (d.length != 3 || d[1] != IMAGE_SIZE || d[2] != IMAGE_SIZE) {
            throw new DatasetCorruptException(imagesFile + ": expected images [n, 28, 28], found "
                    + images.shapeText(), null);
        }
        if (labels.dims().length != 1 || labels.dims()[0] != d[0]) {
            throw new DatasetCorruptException(labelsFile + ": expected labels [" + d[0] + "] to match "
                    + imagesFile.getFileName() + ", found " + labels.shapeText(), null);
        }
        int[] classes = new int[d[0]];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = labels.data()[i] & 0xFF;
            if (classes[i] >= CLASS_NAMES.size()) {
                throw new DatasetCorruptException(labelsFile + ": label " + classes[i] + " at index " + i
                        + " is not a class 0-9", null);
            }
        }
        return LabeledImages.create(images.data(), classes, IMAGE_SIZE, IMAGE_SIZE, CLASS_NAMES);
    }

    /**
     * @param split which split
     * @return the first folder of {@link #searchPath()} holding both files of the split
     * @throws DatasetMissingException naming the folders searched and the set-up command, if none does
     */
    public static Path locate(Split split) {
        return locate(split, searchPath());
    }

    static Path locate(Split split, List<Path> searched) {
        for (Path dir : searched) {
            if (Files.isRegularFile(dir.resolve(split.imagesFile()))
                    && Files.isRegularFile(dir.resolve(split.labelsFile()))) {
                return dir;
            }
        }
        throw new DatasetMissingException("Fashion-MNIST is not installed: " + split.imagesFile() + " and "
                + split.labelsFile() + " were not found in "
                + searched.stream().map(Path::toString).collect(Collectors.joining(" or ")) + ". " + SETUP_HINT);
    }

    /** @return folders searched in order: {@code <Repro.datasetsDir()>/fashion-mnist}, then {@link #SYSTEM_DIR} */
    public static List<Path> searchPath() {
        return List.of(Repro.datasetsDir().resolve(DATASET), SYSTEM_DIR);
    }
}
