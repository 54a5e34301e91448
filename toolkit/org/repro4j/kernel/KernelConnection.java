package org.repro4j.kernel;

import java.io.PrintStream;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellChannel;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishStatus;

/**
 * jjava's connection, with the shell and control channels served by {@link ChannelLoop}s: a request is handled
 * as soon as it arrives (jjava polls every 50 ms), and a message that fails to read (wrong HMAC signature,
 * malformed JSON) is dropped and logged while the channel keeps serving (in jjava 1.0-a6 it ends the channel).
 *
 * <p>The heartbeat, stdin and IOPub sockets are jjava's, bound as jjava binds them. The shell and control sockets
 * are bound here directly ({@code transport://ip:port} from the connection file, as jjava does) rather than
 * through {@code ShellChannel.bind}, which would start jjava's polling thread.
 */
final class KernelConnection extends JupyterConnection {

    private final KernelConnectionProperties properties;
    private final ChannelLoop shellLoop;
    private final ChannelLoop controlLoop;

    /**
     * @param properties the parsed connection file
     * @param log where dropped messages are reported (the kernel process's stderr)
     * @throws NoSuchAlgorithmException if the signature scheme is unknown
     * @throws InvalidKeyException if the key is unusable
     */
    KernelConnection(KernelConnectionProperties properties, PrintStream log)
            throws NoSuchAlgorithmException, InvalidKeyException {
        super(properties);
        this.properties = properties;
        this.shellLoop = new ChannelLoop(shell, "shell", this, log);
        this.controlLoop = new ChannelLoop(control, "control", this, log);
    }

    /** Binds the five sockets, starts serving them and announces the kernel as starting on IOPub. */
    @Override
    public void connect() {
        heartbeat.bind(properties);
        bind(shell, properties.getShellPort());
        bind(control, properties.getControlPort());
        stdin.bind(properties);
        iopub.bind(properties);
        shellLoop.start();
        controlLoop.start();
        iopub.sendMessage(new Message<>(null, PublishStatus.MESSAGE_TYPE, PublishStatus.STARTING));
    }

    private void bind(ShellChannel channel, int port) {
        String address = properties.getTransport() + "://" + properties.getIp() + ":" + port;
        if (!channel.bind(address)) {
            throw new IllegalStateException("cannot bind the kernel's socket to " + address);
        }
    }

    @Override
    public void close() {
        shellLoop.shutdown();
        controlLoop.shutdown();
        super.close();
    }

    /** Returns once the connection is closed (a {@code shutdown_request} closes it). */
    @Override
    public void waitUntilClose() {
        super.waitUntilClose();
        try {
            shellLoop.join();
            controlLoop.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
