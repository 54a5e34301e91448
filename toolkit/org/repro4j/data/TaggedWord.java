package org.repro4j.data;

/**
 * A word with its part-of-speech tag from the Brown Corpus tag set (Francis &amp; Kučera 1964/1979, <i>Brown Corpus
 * Manual</i>, "List of tags").
 *
 * <p>Raw tags carry modifiers: {@code -tl} (word in a title), {@code -hl} (in a headline), {@code -nc} (cited
 * word), a {@code fw-} prefix (foreign word) and a trailing {@code *} (negation, e.g. {@code didn't/dod*}).
 * Contractions have compound tags joined by {@code +} ({@code it's/pps+bez}). {@link #baseTag()} removes the
 * modifiers and keeps compounds.
 *
 * @param word the word as printed in the corpus (original case)
 * @param tag the raw tag, lower case as in the corpus files
 */
public record TaggedWord(String word, String tag) {

    /**
     * Parses one corpus token {@code word/tag}. The split is at the last {@code /}, since words such as
     * {@code 1-1/2/cd} contain slashes.
     *
     * @param token the token text
     * @return the word and its tag
     * @throws IllegalArgumentException if there is no {@code /} or the word or tag is empty
     */
    public static TaggedWord parse(String token) {
        int slash = token.lastIndexOf('/');
        if (slash <= 0 || slash == token.length() - 1) {
            throw new IllegalArgumentException("token '" + token + "' is not of the form word/tag");
        }
        return new TaggedWord(token.substring(0, slash), token.substring(slash + 1));
    }

    /**
     * The tag without modifiers: {@code nn-tl → nn}, {@code fw-nn-tl → nn}, {@code md*} → {@code md},
     * {@code md*-hl → md}, {@code .-hl → .}; the negator's own tag {@code *} and compounds such as
     * {@code pps+bez} stay as they are.
     *
     * @return the simplified tag
     */
    public String baseTag() {
        String t = tag.startsWith("fw-") ? tag.substring(3) : tag;
        boolean changed = true;
        while (changed) {
            changed = false;
            for (String suffix : new String[] {"-tl", "-hl", "-nc"}) {
                if (t.length() > suffix.length() && t.endsWith(suffix)) {
                    t = t.substring(0, t.length() - suffix.length());
                    changed = true;
                }
            }
            if (t.length() > 1 && t.endsWith("*")) {
                t = t.substring(0, t.length() - 1);
                changed = true;
            }
        }
        return t;
    }

    @Override
    public String toString() {
        return word + "/" + tag;
    }
}
