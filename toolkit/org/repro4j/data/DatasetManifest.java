package org.repro4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dataset manifest: for every file a loader reads, its dataset, source package, sha256 and licence.
 *
 * <p>The bundled manifest is {@code datasets/manifest.tsv} in the repository, copied by the build to
 * {@code org/repro4j/data/manifest.tsv} on the classpath. Format: tab-separated, {@code #} comment lines, a header
 * {@code dataset file source sha256 licence}, then one row per file.
 *
 * <p>{@link #verify} hashes a file and compares it with its row. A file that verified once is remembered for the
 * life of the JVM (keyed by path, size and modification time), so loading the same dataset again in a notebook
 * costs no second hash.
 */
public final class DatasetManifest {
    /** Classpath location of the bundled manifest. */
    public static final String RESOURCE = "/org/repro4j/data/manifest.tsv";

    private static final String HEADER = "dataset\tfile\tsource\tsha256\tlicence";
    private static final Set<String> VERIFIED = ConcurrentHashMap.newKeySet();
    private static volatile DatasetManifest bundled;

    /**
     * One manifest row.
     *
     * @param dataset dataset name, also the folder name under the datasets directory ({@code fashion-mnist})
     * @param file file name relative to the dataset folder
     * @param source the package the file comes from ({@code debian:dataset-fashion-mnist})
     * @param sha256 expected sha256 of the file, 64 lower-case hex digits
     * @param licence licence of the data
     */
    public record Entry(String dataset, String file, String source, String sha256, String licence) {}

    private final String origin;
    private final Map<String, Entry> entries;

    private DatasetManifest(String origin, Map<String, Entry> entries) {
        this.origin = origin;
        this.entries = entries;
    }

    /**
     * @return the manifest bundled in the jar
     * @throws DatasetException if the resource is absent (the build did not copy {@code datasets/manifest.tsv}) or
     *     malformed
     */
    public static DatasetManifest bundled() {
        DatasetManifest result = bundled;
        if (result == null) {
            try (InputStream in = DatasetManifest.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new DatasetException("the dataset manifest " + RESOURCE + " is not on the classpath; "
                            + "rebuild with Maven, which copies datasets/manifest.tsv there", null);
                }
                result = parse(in, "classpath:" + RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bundled = result;
        }
        return result;
    }

    /**
     * Reads a manifest from a file (tests and private dataset copies use their own).
     *
     * @param tsv manifest file in the format described above
     * @return the manifest
     * @throws DatasetException if the file cannot be read or is malformed
     */
    public static DatasetManifest read(Path tsv) {
        try (InputStream in = Files.newInputStream(tsv)) {
            return parse(in, tsv.toString());
        } catch (IOException e) {
            throw new DatasetException("cannot read dataset manifest " + tsv + ": " + e.getMessage(), e);
        }
    }

    private static DatasetManifest parse(InputStream in, String origin) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        boolean headerSeen = false;
        int lineNumber = 0;
        for (String line; (line = reader.readLine()) != null; ) {
            lineNumber++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (!headerSeen) {
                if (!line.equals(HEADER)) {
                    throw malformed(origin, lineNumber, "expected the header '" + HEADER.replace('\t', ' ') + "'");
                }
                headerSeen = true;
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 5) {
                throw malformed(origin, lineNumber, "expected 5 tab-separated fields, found " + f.length);
            }
            if (!f[3].matches("[0-9a-f]{64}")) {
                throw malformed(origin, lineNumber, "sha256 must be 64 lower-case hex digits, found '" + f[3] + "'");
            }
            Entry entry = new Entry(f[0], f[1], f[2], f[3], f[4]);
            if (entries.put(key(f[0], f[1]), entry) != null) {
                throw malformed(origin, lineNumber, "duplicate row for " + f[0] + "/" + f[1]);
            }
        }
        if (!headerSeen) {
            throw malformed(origin, lineNumber, "no header line");
        }
        return new DatasetManifest(origin, entries);
    }

    private static DatasetException malformed(String origin, int line, String what) {
        return new DatasetException("dataset manifest " + origin + " line " + line + ": " + what, null);
    }

    private static String key(String dataset, String file) {
        return dataset + "/" + file;
    }

    /** @return all rows in file order */
    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /**
     * @param dataset dataset name
     * @return the rows of that dataset in file order (empty if none)
     */
    public List<Entry> entries(String dataset) {
        List<Entry> result = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.dataset().equals(dataset)) {
                result.add(e);
            }
        }
        return result;
    }

    /**
     * @param dataset dataset name
     * @param file file name relative to the dataset folder
     * @return the row, if the manifest lists that file
     */
    public Optional<Entry> find(String dataset, String file) {
        return Optional.ofNullable(entries.get(key(dataset, file)));
    }

    /**
     * Checks that a file's sha256 matches its manifest row.
     *
     * @param dataset dataset name
     * @param file the file on disk; its name must match a row of {@code dataset}
     * @throws DatasetException if the manifest has no row for the file
     * @throws DatasetCorruptException if the checksum differs (message gives the file, expected and actual sha256,
     *     and the package to reinstall) or the file cannot be read
     */
    public void verify(String dataset, Path file) {
        String name = file.getFileName().toString();
        Entry entry = find(dataset, name).orElseThrow(() -> new DatasetException(
                "the dataset manifest " + origin + " has no sha256 for " + key(dataset, name)
                        + "; add a row to datasets/manifest.tsv", null));
        try {
            Path real = file.toRealPath();
            String cacheKey = real + "|" + Files.size(real) + "|" + Files.getLastModifiedTime(real).toMillis()
                    + "|" + entry.sha256();
            if (VERIFIED.contains(cacheKey)) {
                return;
            }
            String actual = sha256(real);
            if (!actual.equals(entry.sha256())) {
                throw new DatasetCorruptException(file + ": sha256 mismatch (expected " + entry.sha256()
                        + ", actual " + actual + "); the file is truncated or corrupt. Reinstall it from "
                        + entry.source() + " with ./repro setup", null);
            }
            VERIFIED.add(cacheKey);
        } catch (IOException e) {
            throw new DatasetCorruptException(file + ": cannot read for checksum: " + e, e);
        }
    }

    /**
     * @param file any file
     * @return its sha256 as 64 lower-case hex digits
     * @throws IOException if the file cannot be read
     */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public String toString() {
        return "DatasetManifest[" + origin + ", " + entries.size() + " files]";
    }
}
