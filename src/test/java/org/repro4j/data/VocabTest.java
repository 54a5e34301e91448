package org.repro4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class VocabTest {
    private static final List<String> TEXT =
            List.of("<s>", "b", "a", "c", "a", "<s>", "d", "b", "a", "e", "c", "<s>", "b");

    @Test
    void idsGoUnkThenSpecialsThenByFrequencyWithTiesInLexicalOrder() {
        // counts: a 3, b 3, c 2, d 1, e 1; the ties a/b and d/e are ordered lexically
        Vocab v = Vocab.build(TEXT, 6, Vocab.SENTENCE_START);
        assertEquals(List.of("<unk>", "<s>", "a", "b", "c", "d"), v.tokens());
        assertEquals(0, v.id("e"));
        assertFalse(v.contains("e"));
        assertTrue(v.contains("d"));
        assertFalse(v.contains(Vocab.UNK));
    }

    @Test
    void sameTextInAnotherOrderGivesTheSameIds() {
        List<String> reversed = new java.util.ArrayList<>(TEXT);
        java.util.Collections.reverse(reversed);
        assertEquals(Vocab.build(TEXT, 5).tokens(), Vocab.build(reversed, 5).tokens());
    }

    @Test
    void encodeMapsUnknownsToZeroAndDecodeInverts() {
        Vocab v = Vocab.build(TEXT, 4, Vocab.SENTENCE_START);
        int[] ids = v.encode(List.of("a", "zebra", "<s>", "b"));
        assertArrayEquals(new int[] {2, 0, 1, 3}, ids);
        assertEquals(List.of("a", "<unk>", "<s>", "b"), v.decode(ids));
    }

    @Test
    void unkRateIsTheFractionOutsideTheVocabulary() {
        Vocab v = Vocab.build(TEXT, 4, Vocab.SENTENCE_START);
        // in vocab: <s> a b; outside: c (2), d, e
        assertEquals(4.0 / 13, v.unkRate(TEXT), 1e-12);
        assertEquals(0.0, v.unkRate(List.of()));
    }

    @Test
    void smallTextGivesASmallerVocabulary() {
        assertEquals(7, Vocab.build(TEXT, 100, Vocab.SENTENCE_START).size());
    }

    @Test
    void sizeMustHoldTheReservedTokens() {
        assertThrows(IllegalArgumentException.class, () -> Vocab.build(TEXT, 1, Vocab.SENTENCE_START));
        assertThrows(IllegalArgumentException.class, () -> Vocab.build(TEXT, 5, "<s>", "<s>"));
        assertThrows(IllegalArgumentException.class, () -> Vocab.build(TEXT, 5, Vocab.UNK));
    }
}
