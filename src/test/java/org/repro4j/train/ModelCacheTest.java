package org.repro4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;

class ModelCacheTest {

    private static final TransformerConfig TINY =
            TransformerConfig.builder(11).context(4).dModel(8).nHeads(2).nLayers(1).dMlp(16).build();
    private static final String HASH = ModelCache.sha256(new int[] {1, 2, 3});

    @TempDir
    Path build;

    private String previousBuild;
    private final AtomicInteger trainings = new AtomicInteger();
    /** "Training" = a fresh model whose seed counts the calls, so each training gives different weights. */
    private final Function<TransformerConfig, TinyTransformerLM> train =
            config -> TinyTransformerLM.create(config, trainings.incrementAndGet());

    @BeforeEach
    void useTemporaryBuildDir() {
        previousBuild = System.setProperty("repro.build", build.toString());
    }

    @AfterEach
    void restoreBuildDir() {
        if (previousBuild == null) {
            System.clearProperty("repro.build");
        } else {
            System.setProperty("repro.build", previousBuild);
        }
    }

    private static float[] logits(TinyTransformerLM lm) {
        try (NDManager m = lm.manager().newSubManager()) {
            return lm.logits(m.create(new int[] {3, 1, 4, 1}, new Shape(1, 4))).toFloatArray();
        }
    }

    /** Runs getOrTrain and returns what it printed. */
    private String getOrTrain(TransformerConfig config, String hash, float[][] logitsOut) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try (TinyTransformerLM lm = ModelCache.getOrTrain("tiny-lm", config, hash, train)) {
            logitsOut[0] = logits(lm);
        } finally {
            System.setOut(stdout);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aMissTrainsAndCachesAndAHitLoadsTheSameModel() {
        float[][] first = new float[1][];
        float[][] second = new float[1][];
        assertTrue(getOrTrain(TINY, HASH, first).contains("no cached 'tiny-lm'"));
        Path entry = build.resolve("cache/models/tiny-lm");
        assertEquals(entry, ModelCache.entryDir("tiny-lm"));
        assertTrue(Files.isRegularFile(entry.resolve(ModelCache.COMPLETE_MARKER)));
        assertTrue(Files.isRegularFile(entry.resolve(TinyTransformerLM.CONFIG_FILE)));
        assertTrue(Files.isRegularFile(entry.resolve("lm-0000.params")));

        assertTrue(getOrTrain(TINY, HASH, second).contains("loaded 'tiny-lm'"));
        assertEquals(1, trainings.get());
        assertArrayEquals(first[0], second[0]);
    }

    @Test
    void changedTrainingDataRetrainsWithAMessage() {
        float[][] first = new float[1][];
        float[][] second = new float[1][];
        getOrTrain(TINY, HASH, first);
        String printed = getOrTrain(TINY, ModelCache.sha256(new int[] {1, 2, 4}), second);
        assertTrue(printed.contains("retraining 'tiny-lm': the training data or training code changed"), printed);
        assertEquals(2, trainings.get());
        assertNotEquals(first[0][0], second[0][0]);
    }

    @Test
    void anEntryFromOlderTrainingCodeIsRetrained() throws Exception {
        float[][] out = new float[1][];
        getOrTrain(TINY, HASH, out);
        Path stamp = build.resolve("cache/models/tiny-lm").resolve(ModelCache.DATA_HASH_FILE);
        assertEquals(HASH + " (training code v" + ModelCache.TRAINING_CODE_VERSION + ")", Files.readString(stamp));
        Files.writeString(stamp, HASH); // what entries written before the version existed hold
        String printed = getOrTrain(TINY, HASH, out);
        assertTrue(printed.contains("the training data or training code changed"), printed);
        assertEquals(2, trainings.get());
    }

    @Test
    void changedConfigRetrainsWithAMessage() {
        float[][] out = new float[1][];
        getOrTrain(TINY, HASH, out);
        String printed = getOrTrain(TINY.toBuilder().tiedEmbeddings(true).build(), HASH, out);
        assertTrue(printed.contains("the config changed"), printed);
        assertEquals(2, trainings.get());
    }

    @Test
    void corruptParametersRetrainWithAMessage() throws Exception {
        float[][] out = new float[1][];
        getOrTrain(TINY, HASH, out);
        Path params = build.resolve("cache/models/tiny-lm/lm-0000.params");
        byte[] bytes = Files.readAllBytes(params);
        Files.write(params, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        String printed = getOrTrain(TINY, HASH, out);
        assertTrue(printed.contains("the cached files are unreadable"), printed);
        assertEquals(2, trainings.get());
        assertTrue(getOrTrain(TINY, HASH, out).contains("loaded"), "the retrained entry is cached again");
    }

    @Test
    void anEntryWithoutItsCompletionMarkerIsRetrained() throws Exception {
        float[][] out = new float[1][];
        getOrTrain(TINY, HASH, out);
        Files.delete(build.resolve("cache/models/tiny-lm").resolve(ModelCache.COMPLETE_MARKER));
        String printed = getOrTrain(TINY, HASH, out);
        assertTrue(printed.contains("no COMPLETE marker"), printed);
        assertEquals(2, trainings.get());
    }

    @Test
    void badKeysHashesAndTrainingFunctionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ModelCache.entryDir("../escape"));
        assertThrows(IllegalArgumentException.class, () -> ModelCache.entryDir(".."));
        assertThrows(IllegalArgumentException.class, () -> ModelCache.getOrTrain("k", TINY, " ", train));
        assertThrows(IllegalStateException.class, () -> ModelCache.getOrTrain("k", TINY, HASH,
                config -> TinyTransformerLM.create(config.toBuilder().nLayers(2).build(), 0)));
        assertEquals(64, HASH.length());
        assertNotEquals(HASH, ModelCache.sha256(new int[] {1, 2}));
    }

    @Test
    void aRequestWhileAnotherProcessHoldsTheEntryWaitsForItThenLoads() throws Exception {
        getOrTrain(TINY, HASH, new float[1][]);
        assertEquals(1, trainings.get());
        Path lockFile = ModelCache.entryDir("tiny-lm").resolveSibling("tiny-lm.lock");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), lockFile.toString(), "1500")
                .redirectErrorStream(true).start();
        assertEquals("locked", new String(holder.getInputStream().readNBytes(6)), "the other process holds the lock");
        long start = System.nanoTime();
        String printed = getOrTrain(TINY, HASH, new float[1][]);
        assertTrue(System.nanoTime() - start > 500_000_000L, "waited for the other process");
        assertTrue(printed.contains("another process is training 'tiny-lm'; waiting"), printed);
        assertTrue(printed.contains("loaded 'tiny-lm'"), printed);
        assertEquals(1, trainings.get(), "loaded, not trained again");
        assertEquals(0, holder.waitFor());
    }

    /** A second process that holds a cache entry's lock for a while, as a notebook training that entry would. */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(Path.of(args[0]),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                    java.nio.channels.FileLock lock = channel.lock()) {
                System.out.print("locked");
                System.out.flush();
                Thread.sleep(Long.parseLong(args[1]));
            }
        }
    }
}
