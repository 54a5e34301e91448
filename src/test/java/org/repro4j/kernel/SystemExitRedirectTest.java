package org.repro4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.function.IntConsumer;

import org.junit.jupiter.api.Test;

class SystemExitRedirectTest {

    /** Calls System.exit directly and through a method reference; loaded only after redirection. */
    public static final class Quitter {
        public static void quit(int status) {
            System.exit(status);
        }

        public static void quitByReference(int status) {
            IntConsumer exit = System::exit;
            exit.accept(status);
        }
    }

    private static byte[] bytesOf(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class")) {
            return in.readAllBytes();
        }
    }

    private static Class<?> defineRedirected(Class<?> type) throws IOException {
        byte[] redirected = SystemExitRedirect.apply(bytesOf(type));
        ClassLoader loader = new ClassLoader(SystemExitRedirectTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.equals(type.getName())) {
                    return defineClass(name, redirected, 0, redirected.length);
                }
                return super.loadClass(name, resolve);
            }
        };
        try {
            return loader.loadClass(type.getName());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private static SystemExit call(Class<?> type, String method, int status) throws Exception {
        Method m = type.getMethod(method, int.class);
        InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> m.invoke(null, status));
        return (SystemExit) e.getCause();
    }

    @Test
    void directAndMethodReferenceExitsThrowSystemExitWithTheStatus() throws Exception {
        Class<?> quitter = defineRedirected(Quitter.class);
        assertEquals(7, call(quitter, "quit", 7).status());
        assertEquals(9, call(quitter, "quitByReference", 9).status());
    }

    @Test
    void classesWithoutExitAreLeftAlone() throws IOException {
        byte[] original = bytesOf(SystemExitRedirectTest.class);
        assertSame(original, SystemExitRedirect.apply(original));
    }

    @Test
    void nonClassFilesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> SystemExitRedirect.apply(new byte[] {1, 2, 3}));
    }
}
