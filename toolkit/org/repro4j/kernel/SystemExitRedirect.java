package org.repro4j.kernel;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rewrites a snippet class so that its calls to {@code System.exit(int)} call {@link SystemExit#exit(int)}.
 *
 * <p>The kernel runs cells in its own JVM, so a cell calling {@code System.exit} would end the kernel; the
 * SecurityManager that used to veto it is gone on recent JDKs. Instead, the constant pool entry
 * {@code Methodref java/lang/System.exit:(I)V} is pointed at a new {@code Class} entry for {@link SystemExit},
 * which has a static {@code exit(int)} with the same descriptor. Only constants change and new ones are
 * appended, so the bytecode, its offsets and stack maps stay valid; direct calls and method references
 * ({@code System::exit}) are both covered. Calls made from library code, {@code Runtime.exit} and
 * {@code Runtime.halt} are not redirected: those still end the kernel process, and Jupyter restarts it.
 */
final class SystemExitRedirect {

    private static final int UTF8 = 1;
    private static final int CLASS = 7;
    private static final int METHODREF = 10;
    private static final int NAME_AND_TYPE = 12;
    private static final String TARGET = SystemExit.class.getName().replace('.', '/');

    private SystemExitRedirect() {
    }

    /**
     * @param classFile a class file as produced by javac
     * @return the class file with {@code System.exit} calls redirected, or {@code classFile} itself when it has
     *     none
     * @throws IllegalArgumentException if the bytes are not a class file
     */
    static byte[] apply(byte[] classFile) {
        ByteBuffer in = ByteBuffer.wrap(classFile);
        if (classFile.length < 10 || in.getInt(0) != 0xCAFEBABE) {
            throw new IllegalArgumentException("not a class file (missing 0xCAFEBABE magic)");
        }
        int count = Short.toUnsignedInt(in.getShort(8));
        int[] tags = new int[count];
        int[] offsets = new int[count];
        int pos = 10;
        for (int i = 1; i < count; i++) {
            tags[i] = Byte.toUnsignedInt(in.get(pos));
            offsets[i] = pos;
            pos += entrySize(in, pos, tags[i]);
            if (tags[i] == 5 || tags[i] == 6) {
                i++; // long and double constants take two slots
            }
        }
        int poolEnd = pos;

        Set<Integer> systemClasses = new HashSet<>();
        Set<Integer> exitSignatures = new HashSet<>();
        for (int i = 1; i < count; i++) {
            if (tags[i] == CLASS && utf8Equals(in, offsets, u2(in, offsets[i] + 1), "java/lang/System")) {
                systemClasses.add(i);
            } else if (tags[i] == NAME_AND_TYPE && utf8Equals(in, offsets, u2(in, offsets[i] + 1), "exit")
                    && utf8Equals(in, offsets, u2(in, offsets[i] + 3), "(I)V")) {
                exitSignatures.add(i);
            }
        }
        List<Integer> classIndexPositions = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            if (tags[i] == METHODREF && systemClasses.contains(u2(in, offsets[i] + 1))
                    && exitSignatures.contains(u2(in, offsets[i] + 3))) {
                classIndexPositions.add(offsets[i] + 1);
            }
        }
        if (classIndexPositions.isEmpty()) {
            return classFile;
        }

        int targetName = count;
        int targetClass = count + 1;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(classFile.length + TARGET.length() + 8);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(classFile, 0, 8);
            out.writeShort(count + 2);
            out.write(classFile, 10, poolEnd - 10);
            out.writeByte(UTF8);
            out.writeUTF(TARGET);
            out.writeByte(CLASS);
            out.writeShort(targetName);
            out.write(classFile, poolEnd, classFile.length - poolEnd);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        byte[] patched = bytes.toByteArray();
        for (int position : classIndexPositions) {
            patched[position] = (byte) (targetClass >>> 8);
            patched[position + 1] = (byte) targetClass;
        }
        return patched;
    }

    private static int entrySize(ByteBuffer in, int pos, int tag) {
        switch (tag) {
            case UTF8:
                return 3 + u2(in, pos + 1);
            case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
                return 5;
            case 5: case 6:
                return 9;
            case 7: case 8: case 16: case 19: case 20:
                return 3;
            case 15:
                return 4;
            default:
                throw new IllegalArgumentException("unknown constant pool tag " + tag + " at byte " + pos);
        }
    }

    private static int u2(ByteBuffer in, int pos) {
        return Short.toUnsignedInt(in.getShort(pos));
    }

    private static boolean utf8Equals(ByteBuffer in, int[] offsets, int index, String expected) {
        int pos = offsets[index];
        byte[] want = expected.getBytes(StandardCharsets.US_ASCII);
        if (u2(in, pos + 1) != want.length) {
            return false;
        }
        for (int k = 0; k < want.length; k++) {
            if (in.get(pos + 3 + k) != want[k]) {
                return false;
            }
        }
        return true;
    }
}
