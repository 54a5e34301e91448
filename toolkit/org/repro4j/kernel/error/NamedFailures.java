package org.repro4j.kernel.error;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.lang.model.SourceVersion;

/**
 * Defines, once per name, a subclass of {@link CellFailure} in this package whose simple name is that name.
 *
 * <p>jjava's {@code BaseKernel} reports an error's name as {@code exception.getClass().getSimpleName()}, and a
 * user reading a notebook expects to see {@code ArithmeticException}, not a kernel class. The class file is
 * written by hand: a public final class with one constructor forwarding {@code (String, List)} to
 * {@link CellFailure}. No branches, so no stack map frames are needed.
 */
final class NamedFailures {

    private static final String PACKAGE = NamedFailures.class.getPackageName().replace('.', '/') + "/";
    private static final String SUPER = CellFailure.class.getName().replace('.', '/');
    private static final String INIT_DESCRIPTOR = "(Ljava/lang/String;Ljava/util/List;)V";
    private static final Map<String, Constructor<? extends CellFailure>> CONSTRUCTORS = new ConcurrentHashMap<>();

    private NamedFailures() {
    }

    static CellFailure create(String name, String message, List<String> traceback) {
        Constructor<? extends CellFailure> constructor = CONSTRUCTORS.computeIfAbsent(name, NamedFailures::define);
        if (constructor == null) {
            return new CellFailure(message, traceback);
        }
        try {
            return constructor.newInstance(message, traceback);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate the generated failure class " + name, e);
        }
    }

    private static Constructor<? extends CellFailure> define(String name) {
        if (!SourceVersion.isIdentifier(name) || SourceVersion.isKeyword(name)) {
            return null;
        }
        try {
            Class<?> defined = MethodHandles.lookup().defineClass(classFile(PACKAGE + name));
            return defined.asSubclass(CellFailure.class).getConstructor(String.class, List.class);
        } catch (LinkageError | IllegalAccessException | NoSuchMethodException e) {
            // The name clashes with a class already in this package (CellFailure, NamedFailures).
            return null;
        }
    }

    private static byte[] classFile(String internalName) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0xCAFEBABE);
            out.writeShort(0);
            out.writeShort(52); // Java 8 format: valid on every JDK the kernel runs on
            out.writeShort(10); // constant pool entries 1..9
            utf8(out, internalName);         // #1
            classRef(out, 1);                // #2 this class
            utf8(out, SUPER);                // #3
            classRef(out, 3);                // #4 super class
            utf8(out, "<init>");             // #5
            utf8(out, INIT_DESCRIPTOR);      // #6
            out.writeByte(12);               // #7 NameAndType <init>:(String, List)V
            out.writeShort(5);
            out.writeShort(6);
            out.writeByte(10);               // #8 Methodref CellFailure.<init>
            out.writeShort(4);
            out.writeShort(7);
            utf8(out, "Code");               // #9
            out.writeShort(0x0001 | 0x0010 | 0x0020); // public final super
            out.writeShort(2);
            out.writeShort(4);
            out.writeShort(0); // interfaces
            out.writeShort(0); // fields
            out.writeShort(1); // methods
            out.writeShort(0x0001);
            out.writeShort(5);
            out.writeShort(6);
            out.writeShort(1); // one attribute: Code
            out.writeShort(9);
            out.writeInt(19);
            out.writeShort(3); // max stack
            out.writeShort(3); // max locals
            out.writeInt(7);
            out.write(new byte[] {0x2a, 0x2b, 0x2c, (byte) 0xb7, 0, 8, (byte) 0xb1}); // aload 0..2, invokespecial #8
            out.writeShort(0); // exception table
            out.writeShort(0); // code attributes
            out.writeShort(0); // class attributes
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    private static void utf8(DataOutputStream out, String value) throws IOException {
        out.writeByte(1);
        out.writeUTF(value);
    }

    private static void classRef(DataOutputStream out, int nameIndex) throws IOException {
        out.writeByte(7);
        out.writeShort(nameIndex);
    }
}
