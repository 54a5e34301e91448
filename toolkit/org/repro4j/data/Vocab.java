package org.repro4j.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A word-level vocabulary: token ↔ id, with every unknown token mapped to {@link #UNK}.
 *
 * <p>Ids are assigned as: {@code <unk>} = 0, then the special tokens in the order given, then the remaining tokens
 * by descending frequency, ties broken by {@link String#compareTo} so the same text always gives the same ids.
 */
public final class Vocab {
    /** The token standing for every out-of-vocabulary word; always id 0. */
    public static final String UNK = "<unk>";
    /** The sentence marker placed before each sentence by {@link BrownCorpus#lmTokens}. */
    public static final String SENTENCE_START = "<s>";

    private final List<String> tokens;
    private final Map<String, Integer> ids;

    private Vocab(List<String> tokens) {
        this.tokens = List.copyOf(tokens);
        this.ids = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            ids.put(tokens.get(i), i);
        }
    }

    /**
     * Builds the vocabulary of the {@code size} most useful tokens: {@code <unk>}, the specials, then the most
     * frequent other tokens of {@code text}.
     *
     * @param text the training tokens to count
     * @param size total number of ids including {@code <unk>} and the specials (the result is smaller only if
     *     {@code text} has fewer distinct tokens)
     * @param specials tokens that always get an id right after {@code <unk>}, e.g. {@link #SENTENCE_START}
     * @return the vocabulary
     * @throws IllegalArgumentException if {@code size} cannot hold {@code <unk>} and the specials, or a special is
     *     repeated or equals {@code <unk>}
     */
    public static Vocab build(Iterable<String> text, int size, String... specials) {
        if (size < 1 + specials.length) {
            throw new IllegalArgumentException("size " + size + " cannot hold <unk> and " + specials.length
                    + " special tokens");
        }
        Map<String, Integer> reserved = new LinkedHashMap<>();
        reserved.put(UNK, 0);
        for (String s : specials) {
            if (reserved.put(s, reserved.size()) != null) {
                throw new IllegalArgumentException("special token '" + s + "' is repeated or equals " + UNK);
            }
        }
        Map<String, int[]> counts = new HashMap<>();
        for (String t : text) {
            if (!reserved.containsKey(t)) {
                counts.computeIfAbsent(t, k -> new int[1])[0]++;
            }
        }
        List<Map.Entry<String, int[]>> ranked = new ArrayList<>(counts.entrySet());
        ranked.sort((a, b) -> a.getValue()[0] != b.getValue()[0]
                ? Integer.compare(b.getValue()[0], a.getValue()[0])
                : a.getKey().compareTo(b.getKey()));
        List<String> tokens = new ArrayList<>(reserved.keySet());
        for (int i = 0; i < ranked.size() && tokens.size() < size; i++) {
            tokens.add(ranked.get(i).getKey());
        }
        return new Vocab(tokens);
    }

    /** @return number of ids, {@code V} */
    public int size() {
        return tokens.size();
    }

    /** @return the tokens indexed by id, {@code [V]} */
    public List<String> tokens() {
        return tokens;
    }

    /**
     * @param token any token
     * @return its id, or 0 ({@code <unk>}) if it is not in the vocabulary
     */
    public int id(String token) {
        return ids.getOrDefault(token, 0);
    }

    /**
     * @param token any token
     * @return whether it has its own id, other than that of {@code <unk>}
     */
    public boolean contains(String token) {
        return id(token) != 0;
    }

    /**
     * @param id an id in {@code [0, V)}
     * @return its token
     * @throws IndexOutOfBoundsException if there is no such id
     */
    public String token(int id) {
        return tokens.get(id);
    }

    /**
     * @param text tokens
     * @return their ids, {@code [text.size()]}, unknown tokens as 0
     */
    public int[] encode(List<String> text) {
        int[] out = new int[text.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = id(text.get(i));
        }
        return out;
    }

    /**
     * @param ids ids in {@code [0, V)}
     * @return their tokens
     * @throws IndexOutOfBoundsException if an id is out of range
     */
    public List<String> decode(int[] ids) {
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(tokens.get(id));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * @param text tokens
     * @return the fraction of them that map to {@code <unk>} (0 for an empty list)
     */
    public double unkRate(List<String> text) {
        if (text.isEmpty()) {
            return 0;
        }
        long unknown = text.stream().filter(t -> !contains(t)).count();
        return (double) unknown / text.size();
    }

    @Override
    public String toString() {
        return "Vocab[" + size() + " tokens: " + String.join(", ", tokens.subList(0, Math.min(8, size())))
                + (size() > 8 ? ", ..." : "") + "]";
    }
}
