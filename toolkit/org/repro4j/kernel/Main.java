package org.repro4j.kernel;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/**
 * Command line of the repro4j jar.
 * <ul>
 *   <li>{@code Main CONNECTION_FILE}: run the kernel (what Jupyter does, through {@code kernel.json}).</li>
 *   <li>{@code Main install [--user | --prefix DIR] [--java PATH] [--copy]}: install the kernelspec
 *       {@code java}; see {@link KernelspecInstaller}.</li>
 * </ul>
 */
public final class Main {

    private Main() {
    }

    /**
     * @param args as above
     * @throws Exception if the connection file cannot be read or the sockets cannot be bound
     */
    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("install")) {
            System.exit(KernelspecInstaller.main(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length != 1 || args[0].startsWith("-")) {
            System.err.println("usage: java -cp repro4j.jar:lib/* org.repro4j.kernel.Main CONNECTION_FILE\n"
                    + "       java -cp repro4j.jar:lib/* org.repro4j.kernel.Main install "
                    + "[--user | --prefix DIR] [--java PATH] [--copy]");
            System.exit(2);
        }
        run(Path.of(args[0]));
    }

    private static void run(Path connectionFile) throws Exception {
        // The kernel's own messages go to the process's stderr (Jupyter's log), always UTF-8; cells get
        // their own streams while they run.
        PrintStream log = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8));
        System.setErr(log);
        KernelConnectionProperties properties =
                KernelConnectionProperties.parse(Files.readString(connectionFile, StandardCharsets.UTF_8));
        JavaKernel kernel = JavaKernel.start(log);
        KernelConnection connection = new KernelConnection(properties, log);
        Runtime.getRuntime().addShutdownHook(new Thread(kernel::reportExit, "repro4j-exit"));
        kernel.onStartup();
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
        // jjava leaves non-daemon threads behind; without an explicit exit the JVM would linger.
        System.exit(0);
    }
}
