package org.repro4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;
import org.repro4j.Repro;
import org.repro4j.engine.AutogradConstants;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;

/**
 * Trained base models kept between notebook runs: a notebook asks for a model by key, config and a hash of its
 * training data, and gets the cached one if nothing changed, or a freshly trained one (then cached).
 *
 * <p>An entry lives in {@code Repro.buildDir()/cache/models/<key>/}: the model's own files (for
 * {@link TinyTransformerLM}: {@code config.json} and the DJL parameter file {@code lm-0000.params}), the training
 * data hash in {@value #DATA_HASH_FILE}, and the marker {@value #COMPLETE_MARKER}, written last so an interrupted
 * save is never mistaken for a model. An entry is retrained, with a printed message saying why, when its marker is
 * missing, its data hash, {@link #TRAINING_CODE_VERSION} or config differs from the request, or its files cannot be
 * read.
 *
 * <pre>{@code
 * TinyTransformerLM lm = ModelCache.getOrTrain("brown-lm", config, ModelCache.sha256(trainTokens),
 *         cfg -> trainBrownLm(cfg, trainTokens));
 * }</pre>
 */
public final class ModelCache {

    /** Marker file written after everything else of an entry. */
    public static final String COMPLETE_MARKER = "COMPLETE";
    /** File holding the hash of the training data the entry was trained on, and the training-code version. */
    public static final String DATA_HASH_FILE = "training-data.hash";
    /**
     * Raised when a fix changes what training computes, so entries trained before it are retrained. 2: attention's
     * scale no longer reads freed memory in backward ({@link AutogradConstants}).
     */
    public static final int TRAINING_CODE_VERSION = 2;

    /**
     * How one kind of model is written to and read from an entry folder.
     *
     * @param <C> the config type; {@link Object#equals} decides whether a cached config matches the request
     * @param <M> the model type
     */
    public interface Format<C, M> {
        /**
         * @param model model to write
         * @param dir existing, empty entry folder
         * @throws IOException if writing fails
         */
        void save(M model, Path dir) throws IOException;

        /**
         * @param dir entry folder written by {@link #save}
         * @return the config stored there, read without loading the parameters
         * @throws IOException if it is missing or unreadable
         */
        C readConfig(Path dir) throws IOException;

        /**
         * @param dir entry folder written by {@link #save}
         * @return the model
         * @throws IOException if any file is missing or unreadable
         */
        M load(Path dir) throws IOException;

        /**
         * @param model a model
         * @return its config, to check that a training function built what was asked for
         */
        C configOf(M model);
    }

    /** The format of {@link TinyTransformerLM}: its {@code save}, {@code load} and {@code config.json}. */
    public static final Format<TransformerConfig, TinyTransformerLM> TRANSFORMER_LM = new Format<>() {
        @Override
        public void save(TinyTransformerLM model, Path dir) throws IOException {
            model.save(dir);
        }

        @Override
        public TransformerConfig readConfig(Path dir) throws IOException {
            return TinyTransformerLM.readConfig(dir);
        }

        @Override
        public TinyTransformerLM load(Path dir) throws IOException {
            return TinyTransformerLM.load(dir);
        }

        @Override
        public TransformerConfig configOf(TinyTransformerLM model) {
            return model.config();
        }
    };

    private ModelCache() {}

    /**
     * Returns the cached language model for {@code key}, or trains and caches one.
     *
     * @param key entry name, letters, digits, {@code . _ -} (e.g. {@code brown-lm-v1000})
     * @param config the model's config; a cached model with another config is retrained
     * @param trainingDataHash hash of everything the training reads (e.g. {@link #sha256(int[])} of the tokens);
     *     a cached model trained on other data is retrained
     * @param train trains a model of the given config; called only on a miss
     * @return the model (owning its manager: close it when done)
     * @throws IllegalArgumentException if the key is not a plain folder name or the hash is blank
     * @throws IllegalStateException if {@code train} returns a model of another config
     * @throws UncheckedIOException if the trained model cannot be written
     */
    public static TinyTransformerLM getOrTrain(String key, TransformerConfig config, String trainingDataHash,
            Function<TransformerConfig, TinyTransformerLM> train) {
        return getOrTrain(key, config, trainingDataHash, train, TRANSFORMER_LM);
    }

    /**
     * Returns the cached model for {@code key}, or trains and caches one; any model kind with a {@link Format}.
     *
     * @param key entry name, letters, digits, {@code . _ -}
     * @param config the model's config
     * @param trainingDataHash hash of the training data
     * @param train trains a model of the given config; called only on a miss
     * @param format how the model kind is saved and loaded
     * @param <C> the config type
     * @param <M> the model type
     * @return the cached or newly trained model
     * @throws IllegalArgumentException if the key is not a plain folder name or the hash is blank
     * @throws IllegalStateException if {@code train} returns a model of another config
     * @throws UncheckedIOException if the trained model cannot be written
     */
    public static <C, M> M getOrTrain(String key, C config, String trainingDataHash, Function<C, M> train,
            Format<C, M> format) {
        Path dir = entryDir(key);
        if (trainingDataHash == null || trainingDataHash.isBlank() || trainingDataHash.contains("\n")) {
            throw new IllegalArgumentException("trainingDataHash must be a one-line non-blank string such as "
                    + "ModelCache.sha256(trainingTokens), got '" + trainingDataHash + "'");
        }
        Objects.requireNonNull(config, "config");
        // Notebooks run side by side (./repro run -j 2) may ask for the same entry: one trains, the other waits
        // and loads, instead of both writing the same folder.
        Path lockFile = dir.resolveSibling(key + ".lock");
        synchronized (ModelCache.class) {
            try {
                Files.createDirectories(dir.getParent());
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE); FileLock lock = lockOrWait(channel, key)) {
                    return getOrTrainLocked(key, dir, config, trainingDataHash, train, format);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock the model cache entry " + lockFile + ": "
                        + e.getMessage() + " (is " + dir.getParent() + " writable?)", e);
            }
        }
    }

    private static FileLock lockOrWait(FileChannel channel, String key) throws IOException {
        FileLock lock = channel.tryLock();
        if (lock == null) {
            System.out.println("ModelCache: another process is training '" + key + "'; waiting for it");
            lock = channel.lock();
        }
        return lock;
    }

    private static <C, M> M getOrTrainLocked(String key, Path dir, C config, String trainingDataHash,
            Function<C, M> train, Format<C, M> format) {
        String stamp = trainingDataHash + " (training code v" + TRAINING_CODE_VERSION + ")";
        if (Files.isDirectory(dir)) {
            Loaded<M> cached = tryLoad(dir, config, stamp, format);
            if (cached.model != null) {
                System.out.println("ModelCache: loaded '" + key + "' from " + dir);
                return cached.model;
            }
            System.out.println("ModelCache: retraining '" + key + "': " + cached.whyNot);
        } else {
            System.out.println("ModelCache: no cached '" + key + "' in " + dir + "; training");
        }
        M model = train.apply(config);
        C built = format.configOf(model);
        if (!config.equals(built)) {
            closeQuietly(model);
            throw new IllegalStateException("the training function for '" + key + "' built a model with config "
                    + built + " but " + config + " was asked for");
        }
        try {
            deleteRecursively(dir);
            Files.createDirectories(dir);
            format.save(model, dir);
            Files.writeString(dir.resolve(DATA_HASH_FILE), stamp, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(COMPLETE_MARKER), Instant.now().toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not cache '" + key + "' in " + dir + ": " + e.getMessage(), e);
        }
        System.out.println("ModelCache: trained and cached '" + key + "' in " + dir);
        return model;
    }

    /**
     * @param key entry name, letters, digits, {@code . _ -}
     * @return the folder of that entry, {@code Repro.buildDir()/cache/models/<key>}
     * @throws IllegalArgumentException if the key is not a plain folder name
     */
    public static Path entryDir(String key) {
        if (key == null || !key.matches("[A-Za-z0-9._-]+") || key.matches("\\.+")) {
            throw new IllegalArgumentException("a cache key is a folder name of letters, digits, '.', '_' or '-', "
                    + "such as 'brown-lm-v1000'; got '" + key + "'");
        }
        return Repro.buildDir().resolve("cache").resolve("models").resolve(key);
    }

    /**
     * A training-data hash for token streams.
     *
     * @param tokens token ids in training order
     * @return lower-case hex SHA-256 of the ids as big-endian 32-bit integers
     */
    public static String sha256(int[] tokens) {
        ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(tokens.length, Integer.BYTES));
        bytes.asIntBuffer().put(tokens);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** A cached model, or the reason there is none. */
    private record Loaded<M>(M model, String whyNot) {}

    private static <C, M> Loaded<M> tryLoad(Path dir, C config, String dataHash, Format<C, M> format) {
        if (!Files.isRegularFile(dir.resolve(COMPLETE_MARKER))) {
            return new Loaded<>(null, "the entry has no " + COMPLETE_MARKER + " marker (an earlier training or save"
                    + " was interrupted)");
        }
        try {
            String cachedHash = Files.readString(dir.resolve(DATA_HASH_FILE), StandardCharsets.UTF_8).strip();
            if (!cachedHash.equals(dataHash)) {
                return new Loaded<>(null, "the training data or training code changed (cached " + cachedHash
                        + ", now " + dataHash + ")");
            }
            C cachedConfig = format.readConfig(dir);
            if (!config.equals(cachedConfig)) {
                return new Loaded<>(null, "the config changed (cached " + cachedConfig + ", now " + config + ")");
            }
            return new Loaded<>(format.load(dir), null);
        } catch (IOException | RuntimeException e) {
            return new Loaded<>(null, "the cached files are unreadable (" + e.getMessage() + ")");
        }
    }

    private static void closeQuietly(Object model) {
        if (model instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // the caller is about to get the more useful error about the config
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
