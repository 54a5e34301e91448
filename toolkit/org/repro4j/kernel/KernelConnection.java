package org.repro4j.kernel;

import java.io.PrintStream;
import java.lang.reflect.Field;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.Loop;
import org.dflib.jjava.jupyter.channels.ShellChannel;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/**
 * jjava's connection, hardened: a message that fails to read (wrong HMAC signature, malformed JSON) is dropped
 * and logged, and the channel keeps serving.
 *
 * <p>In jjava 1.0-a6 the shell and control channels throw {@code SecurityException} on a bad signature, which
 * ends their polling thread: one forged message would leave the kernel deaf. The polling {@link Loop} has an
 * error callback but the channel does not expose its loop, so this class reaches it by reflection once the
 * sockets are bound. jjava binds each socket to {@code transport://ip:port} from the connection file.
 */
final class KernelConnection extends JupyterConnection {

    private static final long RETRY_AFTER_MS = 50;

    private final PrintStream log;

    /**
     * @param properties the parsed connection file
     * @param log where dropped messages are reported (the kernel process's stderr)
     * @throws NoSuchAlgorithmException if the signature scheme is unknown
     * @throws InvalidKeyException if the key is unusable
     */
    KernelConnection(KernelConnectionProperties properties, PrintStream log)
            throws NoSuchAlgorithmException, InvalidKeyException {
        super(properties);
        this.log = log;
    }

    @Override
    public void connect() {
        super.connect();
        dropUnreadableMessages(shell, "shell");
        dropUnreadableMessages(control, "control");
    }

    private void dropUnreadableMessages(ShellChannel channel, String name) {
        Loop loop;
        try {
            Field field = ShellChannel.class.getDeclaredField("ioloop");
            field.setAccessible(true);
            loop = (Loop) field.get(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.println("repro4j kernel: cannot guard the " + name + " channel against bad messages (" + e
                    + "); a message with a wrong signature will stop that channel");
            return;
        }
        loop.onError(error -> {
            log.println("repro4j kernel: dropped a message on the " + name + " channel: " + error);
            return RETRY_AFTER_MS;
        });
    }
}
