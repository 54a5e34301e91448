package org.repro4j.kernel;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.Selector;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellChannel;
import org.dflib.jjava.jupyter.channels.ShellHandler;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.messages.Message;
import org.zeromq.ZMQ;

/**
 * The thread that serves one request channel (shell or control): waits for a message, hands it to the kernel's
 * handler for its type, and sends what the handler deferred (the reply, the idle status).
 *
 * <p>It replaces jjava 1.0-a6's own loop, which checks the socket without waiting and then sleeps 50 ms: every
 * request waited 25 ms on average, and up to 50, before the kernel saw it. Here the thread blocks on the socket
 * and wakes when a message arrives; it also wakes every {@link #IDLE_WAKE_MS} ms to notice {@link #shutdown()}.
 *
 * <p>A message that cannot be read (wrong HMAC signature, malformed JSON) is dropped and logged, and the channel
 * keeps serving; in jjava such a message ends the loop and leaves the kernel deaf on that channel.
 */
final class ChannelLoop extends Thread {

    /** How long the thread blocks before looking at the shutdown flag again, in milliseconds. */
    static final long IDLE_WAKE_MS = 100;

    private final ShellChannel channel;
    private final String name;
    private final JupyterConnection connection;
    private final PrintStream log;
    private volatile boolean running = true;

    /**
     * @param channel a bound shell or control socket; only this thread reads from it
     * @param name the channel's name in thread names and log lines, e.g. {@code shell}
     * @param connection where handlers are looked up and reply environments made; closed when a handler asks
     *                   for shutdown
     * @param log where dropped messages and failing handlers are reported (the kernel process's stderr)
     */
    ChannelLoop(ShellChannel channel, String name, JupyterConnection connection, PrintStream log) {
        super("repro4j-" + name);
        this.channel = channel;
        this.name = name;
        this.connection = connection;
        this.log = log;
    }

    /** Makes the thread end within {@link #IDLE_WAKE_MS} ms, after the message it is handling, if any. */
    void shutdown() {
        running = false;
    }

    @Override
    public void run() {
        ZMQ.PollItem[] items = {new ZMQ.PollItem(channel, ZMQ.Poller.POLLIN)};
        try (Selector selector = Selector.open()) {
            while (running) {
                if (ZMQ.poll(selector, items, IDLE_WAKE_MS) > 0 && items[0].isReadable() && running) {
                    serveOne();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot wait on the " + name + " channel", e);
        } catch (RuntimeException e) {
            if (running) {
                log.println("repro4j kernel: the " + name + " channel stopped: " + e);
                throw e;
            }
            // Closing the connection closes the socket under a waiting poll; that is how the loop ends.
        }
    }

    private void serveOne() {
        Message<?> message;
        try {
            message = channel.readMessage();
        } catch (RuntimeException e) {
            log.println("repro4j kernel: dropped a message on the " + name + " channel: " + e);
            return;
        }
        handle(message);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void handle(Message message) {
        ShellHandler handler = connection.getHandler(message.getHeader().getType());
        if (handler == null) {
            return; // a request type this kernel does not implement; jjava ignores these too
        }
        ShellReplyEnvironment env = connection.prepareReplyEnv(channel, message);
        try {
            handler.handle(env, message);
        } catch (Exception e) {
            log.println("repro4j kernel: handling " + message.getHeader().getType().getName() + " on the " + name
                    + " channel failed: " + e);
        } finally {
            env.resolveDeferrals();
        }
        if (env.isMarkedForShutdown()) {
            running = false;
            connection.close();
        }
    }
}
