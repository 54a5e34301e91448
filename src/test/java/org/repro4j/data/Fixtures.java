package org.repro4j.data;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Test fixtures: locating them, writing IDX files and manifests, and (via {@link #main}) regenerating the fixture
 * files in {@code src/test/resources/org/repro4j/data} from the real datasets.
 *
 * <p>The fixtures are real data cut small: 3 images per class from the Fashion-MNIST training file and 2 per class
 * from the test file (first occurrences, file order; MIT licence), the first 20 sentences of six Brown texts
 * (redistribution permitted), a gzip IDX with a byte-swapped magic number and a gzip file cut in half.
 */
final class Fixtures {
    static final String ROOT = "/org/repro4j/data/";
    static final int TRAIN_PER_CLASS = 3;
    static final int TEST_PER_CLASS = 2;
    static final List<String> BROWN_TEXTS = List.of("ca01", "ca02", "ca03", "cj01", "cj02", "cn01");
    static final int BROWN_SENTENCES = 20;

    private Fixtures() {}

    /** @return the fixture resource folder or file with this name, as a path */
    static Path resource(String name) {
        URL url = Fixtures.class.getResource(ROOT + name);
        if (url == null) {
            throw new IllegalStateException("test fixture " + ROOT + name + " is missing; regenerate with Fixtures.main");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the manifest listing the fixture files' checksums */
    static DatasetManifest manifest() {
        return DatasetManifest.read(resource("fixtures-manifest.tsv"));
    }

    /** Writes a gzip IDX file of unsigned bytes with the given 4-byte magic number. */
    static void writeIdxGzip(Path file, int magic, int[] dims, byte[] data) {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(intBytes(magic));
            for (int d : dims) {
                out.write(intBytes(d));
            }
            out.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a gzip IDX file of unsigned bytes with the standard magic number. */
    static void writeIdxGzip(Path file, int[] dims, byte[] data) {
        writeIdxGzip(file, 0x0800 | dims.length, dims, data);
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** @return a manifest row for a file, with its current sha256 */
    static String manifestRow(String dataset, Path file) {
        try {
            return dataset + "\t" + file.getFileName() + "\ttest fixture\t" + DatasetManifest.sha256(file)
                    + "\tsee Fixtures";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a manifest file: the header, then the rows. */
    static Path writeManifest(Path tsv, List<String> rows) {
        List<String> lines = new ArrayList<>();
        lines.add("dataset\tfile\tsource\tsha256\tlicence");
        lines.addAll(rows);
        try {
            return Files.write(tsv, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Regenerates the fixture files from the installed datasets.
     *
     * @param args the resource folder to write, default {@code src/test/resources/org/repro4j/data}
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "src/test/resources" + ROOT);
        Path fashion = Files.createDirectories(out.resolve("fashion-mnist"));
        List<String> rows = new ArrayList<>();
        for (Path f : cutFashionMnist(FashionMnist.Split.TRAIN, TRAIN_PER_CLASS, fashion)) {
            rows.add(manifestRow(FashionMnist.DATASET, f));
        }
        for (Path f : cutFashionMnist(FashionMnist.Split.TEST, TEST_PER_CLASS, fashion)) {
            rows.add(manifestRow(FashionMnist.DATASET, f));
        }

        Path corrupt = Files.createDirectories(out.resolve("corrupt"));
        LabeledImages sample = FashionMnist.load(FashionMnist.Split.TEST).select(0, 1, 2);
        writeIdxGzip(corrupt.resolve("bad-magic-images-idx3-ubyte.gz"), Integer.reverseBytes(0x00000803),
                new int[] {3, 28, 28}, sample.rawPixels());
        byte[] whole = Files.readAllBytes(fashion.resolve(FashionMnist.Split.TRAIN.imagesFile()));
        Files.write(corrupt.resolve("truncated-images-idx3-ubyte.gz"), Arrays.copyOf(whole, whole.length / 2));

        Path brown = Files.createDirectories(out.resolve("brown"));
        Path source = org.repro4j.Repro.datasetsDir().resolve(BrownCorpus.DATASET);
        BrownCorpus corpus = BrownCorpus.load();
        List<String> cats = new ArrayList<>();
        for (String id : BROWN_TEXTS) {
            List<String> kept = new ArrayList<>();
            int sentences = 0;
            for (String line : Files.readAllLines(source.resolve(id), StandardCharsets.UTF_8)) {
                if (sentences == BROWN_SENTENCES) {
                    break;
                }
                kept.add(line);
                sentences += line.isBlank() ? 0 : 1;
            }
            Files.write(brown.resolve(id), kept, StandardCharsets.UTF_8);
            cats.add(id + " " + corpus.document(id).genre());
            rows.add(manifestRow(BrownCorpus.DATASET, brown.resolve(id)));
        }
        Files.write(brown.resolve(BrownCorpus.CATEGORIES_FILE), cats, StandardCharsets.UTF_8);
        rows.add(manifestRow(BrownCorpus.DATASET, brown.resolve(BrownCorpus.CATEGORIES_FILE)));
        writeManifest(out.resolve("fixtures-manifest.tsv"), rows);
    }

    private static List<Path> cutFashionMnist(FashionMnist.Split split, int perClass, Path dir) {
        LabeledImages all = FashionMnist.load(split);
        int[] taken = new int[FashionMnist.CLASS_NAMES.size()];
        int[] chosen = new int[perClass * taken.length];
        int k = 0;
        for (int i = 0; i < all.size() && k < chosen.length; i++) {
            if (taken[all.label(i)]++ < perClass) {
                chosen[k++] = i;
            }
        }
        LabeledImages cut = all.select(chosen);
        byte[] labels = new byte[cut.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) cut.label(i);
        }
        Path images = dir.resolve(split.imagesFile());
        Path labelFile = dir.resolve(split.labelsFile());
        writeIdxGzip(images, new int[] {cut.size(), 28, 28}, cut.rawPixels());
        writeIdxGzip(labelFile, new int[] {cut.size()}, labels);
        return List.of(images, labelFile);
    }
}
