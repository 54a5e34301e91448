package org.repro4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.repro4j.Repro;

/**
 * The real datasets, checked against their published statistics. Each test skips itself (with the reason) when
 * its dataset is not installed; after {@code ./repro setup} both always are. Load times are printed.
 */
class RealDatasetsTest {
    private static LabeledImages fashionTrain;
    private static BrownCorpus brown;

    /** Loads once per test class and prints the time, which includes the first sha256 check of each file. */
    private static synchronized LabeledImages fashionTrain() {
        if (fashionTrain == null) {
            long t0 = System.nanoTime();
            fashionTrain = FashionMnist.train();
            System.out.printf("Fashion-MNIST train loaded in %.0f ms%n", (System.nanoTime() - t0) / 1e6);
        }
        return fashionTrain;
    }

    private static synchronized BrownCorpus brown() {
        if (brown == null) {
            long t0 = System.nanoTime();
            brown = BrownCorpus.load();
            System.out.printf("Brown corpus loaded in %.0f ms%n", (System.nanoTime() - t0) / 1e6);
        }
        return brown;
    }

    private static boolean fashionMnistInstalled() {
        try {
            FashionMnist.locate(FashionMnist.Split.TRAIN);
            FashionMnist.locate(FashionMnist.Split.TEST);
            return true;
        } catch (DatasetMissingException e) {
            return false;
        }
    }

    private static boolean brownInstalled() {
        return Files.isRegularFile(
                Repro.datasetsDir().resolve(BrownCorpus.DATASET).resolve(BrownCorpus.CATEGORIES_FILE));
    }

    @Test
    void fashionMnistHas60000TrainAnd10000TestImagesBalancedOverTenClasses() {
        assumeTrue(fashionMnistInstalled(), "Fashion-MNIST is not installed; run ./repro setup");
        LabeledImages train = fashionTrain();
        LabeledImages test = FashionMnist.test();
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertArrayEquals(new int[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000},
                train.classCounts());
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000},
                test.classCounts());
        assertEquals("Ankle boot", train.className(train.label(0)));
    }

    @Test
    void fashionMnistPixelsMatchThePublishedMeanAndStandardDeviation() {
        assumeTrue(fashionMnistInstalled(), "Fashion-MNIST is not installed; run ./repro setup");
        byte[] raw = fashionTrain().rawPixels();
        double sum = 0;
        double sumSq = 0;
        int min = 255;
        int max = 0;
        for (byte b : raw) {
            int v = b & 0xFF;
            sum += v / 255.0;
            sumSq += (v / 255.0) * (v / 255.0);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double mean = sum / raw.length;
        double std = Math.sqrt(sumSq / raw.length - mean * mean);
        // The normalisation constants used throughout the literature: mean 0.2860, std 0.3530.
        assertEquals(0.2860, mean, 5e-4);
        assertEquals(0.3530, std, 5e-4);
        assertEquals(0, min);
        assertEquals(255, max);
    }

    @Test
    void brownHas500TextsIn15GenresAnd1161192Tokens() {
        assumeTrue(brownInstalled(), "the Brown corpus is not installed; run ./repro setup");
        BrownCorpus brown = brown();
        assertEquals(500, brown.documents().size());
        assertEquals(15, brown.genres().size());
        assertEquals(1_161_192, brown.tokenCount());
        assertEquals(57_340, brown.sentenceCount());
        Map<String, Integer> perGenre = new TreeMap<>();
        brown.documents().forEach(d -> perGenre.merge(d.genre(), 1, Integer::sum));
        assertEquals(80, perGenre.get("learned"));
        assertEquals(44, perGenre.get("news"));
        assertEquals(6, perGenre.get("science_fiction"));
    }

    @Test
    void brownLanguageModelDataMatchesTheCoreSpec() {
        assumeTrue(brownInstalled(), "the Brown corpus is not installed; run ./repro setup");
        BrownCorpus.Split split = brown().split(0.9, 0.0, Repro.seed());
        List<String> train = BrownCorpus.lmTokens(split.train(), true);
        List<String> test = BrownCorpus.lmTokens(split.test(), true);
        // notebook 11's Brown data: lowercased words with <s> markers, 1.22M tokens, V = 1000 leaves ~26% <unk>
        assertEquals(1_161_192 + 57_340, train.size() + test.size());
        double testShare = (double) test.size() / (train.size() + test.size());
        assertTrue(testShare > 0.08 && testShare < 0.12, "test share " + testShare);
        Vocab vocab = Vocab.build(train, 1000, Vocab.SENTENCE_START);
        assertEquals(1000, vocab.size());
        assertEquals(List.of("<unk>", "<s>", "the", ",", "."), vocab.tokens().subList(0, 5));
        double unk = vocab.unkRate(train);
        assertTrue(unk > 0.24 && unk < 0.28, "train <unk> rate " + unk);
        assertEquals(Collections.frequency(train, "<s>"),
                split.train().stream().mapToInt(d -> d.sentences().size()).sum());
        System.out.printf("Brown LM: train %d tokens, test %d tokens, <unk> rate train %.4f test %.4f%n",
                train.size(), test.size(), unk, vocab.unkRate(test));
    }
}
