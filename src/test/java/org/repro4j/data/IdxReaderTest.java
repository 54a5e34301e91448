package org.repro4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path tmp;

    @Test
    void readsDimensionsAndDataOfAWrittenFile() {
        byte[] data = {0, 1, 2, (byte) 200, (byte) 255, 7};
        Path file = tmp.resolve("small-idx3-ubyte.gz");
        Fixtures.writeIdxGzip(file, new int[] {1, 2, 3}, data);
        IdxArray idx = IdxReader.readGzip(file);
        assertArrayEquals(new int[] {1, 2, 3}, idx.dims());
        assertArrayEquals(data, idx.data());
        assertEquals(255, idx.data()[4] & 0xFF);
    }

    @Test
    void readsFixtureImagesAsThirtyImagesOf28x28() {
        IdxArray idx = IdxReader.readGzip(Fixtures.resource("fashion-mnist/train-images-idx3-ubyte.gz"));
        assertEquals("[30, 28, 28]", idx.shapeText());
        assertEquals(30 * 28 * 28, idx.data().length);
    }

    @Test
    void badMagicNumberIsReportedWithFileAndValue() {
        Path file = Fixtures.resource("corrupt/bad-magic-images-idx3-ubyte.gz");
        DatasetCorruptException e = assertThrows(DatasetCorruptException.class, () -> IdxReader.readGzip(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("bad IDX magic number 0x03080000"), e.getMessage());
    }

    @Test
    void truncatedGzipIsReportedAsTruncated() {
        Path file = Fixtures.resource("corrupt/truncated-images-idx3-ubyte.gz");
        DatasetCorruptException e = assertThrows(DatasetCorruptException.class, () -> IdxReader.readGzip(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void dataShorterThanHeaderDeclaresIsReportedWithBothSizes() {
        Path file = tmp.resolve("short-idx3-ubyte.gz");
        Fixtures.writeIdxGzip(file, 0x0803, new int[] {5, 28, 28}, new byte[3 * 28 * 28]);
        DatasetCorruptException e = assertThrows(DatasetCorruptException.class, () -> IdxReader.readGzip(file));
        assertTrue(e.getMessage().contains("declares [5, 28, 28] = 3920 data bytes but the file ends after 2352"),
                e.getMessage());
    }

    @Test
    void extraBytesAfterDataAreRejected() {
        Path file = tmp.resolve("long-idx1-ubyte.gz");
        Fixtures.writeIdxGzip(file, 0x0801, new int[] {4}, new byte[6]);
        DatasetCorruptException e = assertThrows(DatasetCorruptException.class, () -> IdxReader.readGzip(file));
        assertTrue(e.getMessage().contains("extra bytes after the 4 data bytes"), e.getMessage());
    }

    @Test
    void nonGzipFileIsReportedAsNotGzip() throws IOException {
        Path file = Files.writeString(tmp.resolve("train-images-idx3-ubyte.gz"), "<html>404 Not Found</html>");
        DatasetCorruptException e = assertThrows(DatasetCorruptException.class, () -> IdxReader.readGzip(file));
        assertTrue(e.getMessage().contains("not a valid gzip file"), e.getMessage());
    }

    @Test
    void zeroDimensionIsRejected() {
        byte[] header = {0, 0, 8, 1, 0, 0, 0, 0};
        DatasetCorruptException e = assertThrows(DatasetCorruptException.class,
                () -> IdxReader.read(new ByteArrayInputStream(header), "labels"));
        assertTrue(e.getMessage().contains("dimension 0 has size 0"), e.getMessage());
    }
}
