package org.repro4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.repro4j.data.BrownCorpus;
import org.repro4j.data.FashionMnist;
import org.repro4j.data.LabeledImages;
import org.repro4j.data.Vocab;

/**
 * The data both sides of the benchmark train on, read once through the toolkit's own loaders and written as raw
 * little-endian files so the PyTorch peer reads exactly the same numbers:
 * {@code fmnist_x.f32} ({@code [IMAGES, 784]} float32 in [0, 1]), {@code fmnist_y.i64} ({@code [IMAGES]}) and
 * {@code brown.i32} (the word-level Brown training stream as token ids, vocabulary of {@value #VOCAB}).
 */
final class BenchData {

    /** Fashion-MNIST training images used (the first ones of the training split): 80 batches of 128. */
    static final int IMAGES = 10_240;
    /** Width of {@link #middleRow}: pixels 4..23 of image row 14. */
    static final int MIDDLE_PIXELS = 20;

    /** Vocabulary size of the language-model cases, {@code <unk>} and {@code <s>} included. */
    static final int VOCAB = 4000;

    final NDArray images;
    final NDArray labels;
    final int[] tokens;

    private BenchData(NDArray images, NDArray labels, int[] tokens) {
        this.images = images;
        this.labels = labels;
        this.tokens = tokens;
    }

    /** Loads Fashion-MNIST and Brown with the toolkit's loaders into {@code manager}. */
    static BenchData load(NDManager manager) {
        int[] first = new int[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            first[i] = i;
        }
        LabeledImages train = FashionMnist.train().select(first);
        NDArray images = train.imagesArray(manager, LabeledImages.Layout.FLAT);
        NDArray labels = train.labelsArray(manager);
        List<String> words = BrownCorpus.lmTokens(BrownCorpus.load().documents(), true);
        Vocab vocab = Vocab.build(words, VOCAB, Vocab.SENTENCE_START);
        int[] tokens = words.stream().mapToInt(vocab::id).toArray();
        return new BenchData(images, labels, tokens);
    }

    /** @return pixels 4..23 of row 14 of every image, {@code [IMAGES, 20]}: input of the overhead-bound MLP */
    NDArray middleRow() {
        int first = 14 * 28 + 4;
        return images.get(new NDIndex(":, {}:{}", first, first + MIDDLE_PIXELS));
    }

    /** Writes the three files into {@code dir} for the peer. */
    void export(Path dir) throws IOException {
        Files.createDirectories(dir);
        write(dir.resolve("fmnist_x.f32"), images.toByteBuffer());
        write(dir.resolve("fmnist_y.i64"), labels.toByteBuffer());
        ByteBuffer stream = ByteBuffer.allocate(tokens.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        stream.asIntBuffer().put(tokens);
        write(dir.resolve("brown.i32"), stream);
    }

    private static void write(Path file, ByteBuffer bytes) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) {
                out.write(b);
            }
        }
    }
}
