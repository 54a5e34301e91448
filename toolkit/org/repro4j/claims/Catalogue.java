package org.repro4j.claims;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed list of papers repro4j reproduces, {@code notebooks/catalogue.tsv}: one line per paper with its number,
 * short name, tier and title.
 */
public final class Catalogue {

    /** Number of papers in the seed list. */
    public static final int SIZE = 65;

    /**
     * One paper of the list.
     *
     * @param number 1..{@value #SIZE}
     * @param shortName e.g. {@code Bigram Subnetworks}
     * @param tier {@code A}: faithful mechanism and visible claim; {@code B}: the mechanism runs, the claim may not
     *     show at toy scale; {@code C}: needs LLM scale, a demo
     * @param title the paper's title
     */
    public record Entry(int number, String shortName, String tier, String title) {}

    private Catalogue() {}

    /**
     * @param file {@code notebooks/catalogue.tsv}
     * @return its entries, numbers 1..{@value #SIZE} in order
     * @throws IOException if it cannot be read, a line has not four tab-separated fields, or the numbers are not
     *     exactly 1..{@value #SIZE}
     */
    public static List<Entry> read(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        int lineNumber = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNumber++;
            if (line.startsWith("#") || line.isBlank() || line.startsWith("catalogue\t")) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length != 4 || !f[0].matches("\\d+")) {
                throw new IOException(file + ":" + lineNumber + ": expected number, short name, tier and title"
                        + " separated by tabs; got '" + line + "'");
            }
            entries.add(new Entry(Integer.parseInt(f[0]), f[1], f[2], f[3]));
        }
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).number() != i + 1) {
                throw new IOException(file + ": entry " + (i + 1) + " is numbered " + entries.get(i).number()
                        + "; number the papers 1.." + SIZE + " in order");
            }
        }
        if (entries.size() != SIZE) {
            throw new IOException(file + " lists " + entries.size() + " papers; the seed list has " + SIZE);
        }
        return entries;
    }
}
