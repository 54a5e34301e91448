package org.repro4j.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Parses IDX files, the format of MNIST and Fashion-MNIST (LeCun et al., "THE MNIST DATABASE", file format section),
 * validating everything a damaged download can break.
 *
 * <p>Layout: a 4-byte magic number {@code 0x00 0x00 type rank} with {@code type = 0x08} (unsigned byte, the only
 * type these datasets use), then {@code rank} big-endian 32-bit dimension sizes, then the data in row-major order,
 * and nothing after it.
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;
    private static final int MAX_RANK = 4;
    private static final int BUFFER = 1 << 16;

    private IdxReader() {}

    /**
     * Reads a gzip-compressed IDX file ({@code *-ubyte.gz}).
     *
     * @param file the {@code .gz} file
     * @return its dimensions and data
     * @throws DatasetCorruptException naming the file if it is not gzip, the gzip stream is cut short, the magic
     *     number is wrong, or the data is shorter or longer than the header declares
     */
    public static IdxArray readGzip(Path file) {
        try (InputStream raw = Files.newInputStream(file)) {
            return readGzip(raw, file.toString());
        } catch (IOException e) {
            throw new DatasetCorruptException(file + ": cannot read: " + e, e);
        }
    }

    /**
     * Reads a gzip-compressed IDX stream.
     *
     * @param compressed the gzip bytes; not closed
     * @param source name of the file for error messages
     * @return its dimensions and data
     * @throws DatasetCorruptException as for {@link #readGzip(Path)}
     */
    public static IdxArray readGzip(InputStream compressed, String source) {
        try {
            return read(new GZIPInputStream(compressed, BUFFER), source);
        } catch (EOFException e) {
            throw new DatasetCorruptException(source + ": the gzip stream ends early; the file is truncated", e);
        } catch (ZipException e) {
            throw new DatasetCorruptException(source + ": not a valid gzip file (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new DatasetCorruptException(source + ": cannot read: " + e, e);
        }
    }

    /**
     * Reads an uncompressed IDX stream to its end.
     *
     * @param in the IDX bytes; read to the end, not closed
     * @param source name of the file for error messages
     * @return its dimensions and data
     * @throws DatasetCorruptException naming {@code source} if the magic number is wrong, a dimension is not
     *     positive, or the data is shorter or longer than the header declares
     * @throws IOException if reading fails (a truncated gzip stream surfaces here as {@link EOFException})
     */
    public static IdxArray read(InputStream in, String source) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw corrupt(source, "truncated: the file ends inside the 4-byte magic number");
        }
        int type = magic[2] & 0xFF;
        int rank = magic[3] & 0xFF;
        if (magic[0] != 0 || magic[1] != 0 || type != UNSIGNED_BYTE || rank < 1 || rank > MAX_RANK) {
            throw corrupt(source, String.format("bad IDX magic number 0x%02X%02X%02X%02X; expected 0x000008NN "
                    + "(two zero bytes, type 0x08 = unsigned byte, then 1 to %d dimensions)",
                    magic[0], magic[1], type, rank, MAX_RANK));
        }
        byte[] header = in.readNBytes(4 * rank);
        if (header.length < 4 * rank) {
            throw corrupt(source, "truncated: the file ends inside the header's " + rank + " dimension sizes");
        }
        int[] dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = ((header[4 * i] & 0xFF) << 24) | ((header[4 * i + 1] & 0xFF) << 16)
                    | ((header[4 * i + 2] & 0xFF) << 8) | (header[4 * i + 3] & 0xFF);
            if (dims[i] <= 0) {
                throw corrupt(source, "dimension " + i + " has size " + dims[i] + "; sizes must be positive");
            }
            count *= dims[i];
        }
        String shape = Arrays.toString(dims);
        if (count > Integer.MAX_VALUE - 8) {
            throw corrupt(source, "header declares " + shape + " = " + count + " bytes, too many to be "
                    + "an IDX dataset file");
        }
        byte[] data = in.readNBytes((int) count);
        if (data.length < count) {
            throw corrupt(source, "truncated: the header declares " + shape + " = " + count
                    + " data bytes but the file ends after " + data.length);
        }
        if (in.read() != -1) {
            throw corrupt(source, "extra bytes after the " + count + " data bytes declared by the header "
                    + shape);
        }
        return new IdxArray(dims, data);
    }

    private static DatasetCorruptException corrupt(String source, String what) {
        return new DatasetCorruptException(source + ": " + what, null);
    }
}
