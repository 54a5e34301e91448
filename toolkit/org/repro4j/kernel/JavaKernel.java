package org.repro4j.kernel;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishClearOutput;
import org.dflib.jjava.jupyter.messages.request.HistoryRequest;
import org.dflib.jjava.jupyter.messages.request.KernelInfoRequest;
import org.repro4j.kernel.error.CellFailure;

/**
 * The repro4j Jupyter kernel: Java cells run by JShell inside this JVM, on jjava-jupyter's protocol layer.
 *
 * <p>jjava's {@code BaseKernel} handles the messages; this class supplies what it lacks or gets wrong in
 * 1.0-a6: evaluation ({@link CellRunner}, {@link Evaluator}), batched stdout/stderr ({@link CellOutput}),
 * interrupts and the optional per-cell timeout, readable errors ({@link ErrorFormatter}), completion and
 * inspection ({@link CodeAssist}), history ({@link InMemoryHistory}), {@code clear_output}, and a
 * {@code kernel_info_reply} that carries {@code "status": "ok"}.
 *
 * <p>Environment: {@code REPRO_CELL_TIMEOUT} (e.g. {@code 30 SECONDS} or {@code 30}) stops any cell that runs
 * longer; {@code REPRO_STARTUP_SCRIPT} is Java code run after the start-up imports ({@link StartupScript}).
 */
public final class JavaKernel extends BaseKernel {

    private static final String VERSION = Optional.ofNullable(JavaKernel.class.getPackage().getImplementationVersion())
            .orElse("dev");

    /** JShell and the start-up script, prepared in the background so the kernel answers Jupyter at once. */
    private final CompletableFuture<Session> session;
    /** What the kernel extensions evaluate while {@link #onStartup()} installs them: part of the start-up snippet. */
    private final CompletableFuture<List<String>> extensionCode = new CompletableFuture<>();
    private final List<String> collectedExtensionCode = new ArrayList<>();
    private boolean installingExtensions;
    private final InMemoryHistory history;
    private final Optional<Duration> cellTimeout;
    private final ScheduledExecutorService timer;
    private volatile ShellReplyEnvironment currentEnv;
    private volatile CellOutput currentOutput;
    private volatile boolean running;

    /** What runs cells, once started. */
    private record Session(Evaluator evaluator, CellRunner runner, CodeAssist assist) {
    }

    private JavaKernel(InMemoryHistory history, Optional<Duration> cellTimeout, PrintStream log) {
        super("repro4j", VERSION, languageInfo(), List.of(
                        new HelpLink("Java API", "https://docs.oracle.com/en/java/javase/17/docs/api/index.html"),
                        new HelpLink("JShell guide",
                                "https://docs.oracle.com/en/java/javase/17/jshell/introduction-jshell.html")),
                history, new JupyterIO(StandardCharsets.UTF_8), new CommManager(), new Renderer(), null,
                new MagicsRegistry(), true, new StringStyler.Builder().build());
        this.history = history;
        this.cellTimeout = cellTimeout;
        this.session = CompletableFuture.supplyAsync(() -> startSession(log, extensionCode), task -> {
            Thread thread = new Thread(task, "repro4j-startup");
            thread.setDaemon(true);
            thread.start();
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "repro4j-output");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Creates the kernel and starts JShell and the start-up script in the background: the compiler takes
     * seconds to warm up, and Jupyter should not wait for that before the kernel answers {@code kernel_info}.
     * The first request that needs JShell waits for it, and start-up waits for {@link #onStartup()}.
     *
     * @param log where the kernel reports its own problems (the process's stderr, which Jupyter logs)
     * @return a kernel ready to be connected
     * @throws IllegalArgumentException if {@code REPRO_CELL_TIMEOUT} cannot be parsed
     */
    public static JavaKernel start(PrintStream log) {
        Optional<Duration> timeout = CellTimeout.parse(System.getenv(CellTimeout.VARIABLE));
        return new JavaKernel(new InMemoryHistory(), timeout, log);
    }

    private static Session startSession(PrintStream log, CompletableFuture<List<String>> extensionCode) {
        Evaluator evaluator = new Evaluator();
        for (String problem : StartupScript.run(evaluator, extensionCode.join(),
                System.getenv(StartupScript.VARIABLE))) {
            log.println("repro4j kernel start-up: " + problem);
        }
        CellRunner runner = new CellRunner(evaluator, new Magics(evaluator, Path.of("").toAbsolutePath()));
        return new Session(evaluator, runner, new CodeAssist(evaluator.jshell().sourceCodeAnalysis()));
    }

    private Session session() {
        return session.join();
    }

    private static LanguageInfo languageInfo() {
        return new LanguageInfo.Builder("java")
                .version(Runtime.version().toString())
                .mimetype("text/x-java-source")
                .fileExtension(".jshell")
                .pygments("java")
                .codemirror("text/x-java")
                .build();
    }

    /**
     * Installs the kernel extensions on the class path (jjava's {@code Extension} services). The code they evaluate
     * meanwhile is not run at once but joins the start-up snippet ({@link StartupScript}), so a library's imports
     * cost no extra compilation and the kernel still answers Jupyter before JShell is ready.
     */
    @Override
    public void onStartup() {
        installingExtensions = true;
        try {
            super.onStartup();
        } finally {
            installingExtensions = false;
            extensionCode.complete(List.copyOf(collectedExtensionCode));
        }
    }

    @Override
    public Object evalRaw(String code) {
        if (installingExtensions) {
            collectedExtensionCode.add(code);
            return null;
        }
        Evaluator.Result result = runCell(code);
        return result == null ? null : result.value();
    }

    @Override
    public DisplayData eval(String code) {
        if (installingExtensions) {
            collectedExtensionCode.add(code);
            return null;
        }
        int cell = executionCount.get() - 1;
        try {
            Evaluator.Result result = runCell(code);
            if (result == null) {
                return null;
            }
            DisplayData shown = render(result.value());
            Object text = shown.getData(MIMEType.TEXT_PLAIN);
            history.recordOutput(cell, text == null ? "" : text.toString());
            return shown;
        } finally {
            CellOutput output = currentOutput;
            if (output != null) {
                output.close();
            }
        }
    }

    private Evaluator.Result runCell(String code) {
        if (running) {
            throw new IllegalStateException("code cannot be evaluated from inside a running cell");
        }
        int cell = executionCount.get() - 1;
        history.recordInput(cell, code);
        Evaluator evaluator = session().evaluator();
        evaluator.beginCell();
        running = true;
        Optional<ScheduledFuture<?>> timeout = cellTimeout.map(limit -> timer.schedule(
                () -> evaluator.stop(ErrorFormatter.simple("CellTimeout", "the cell ran longer than "
                        + CellTimeout.describe(limit) + " (" + CellTimeout.VARIABLE + ") and was stopped; "
                        + "variables from earlier cells are kept")),
                limit.toMillis(), TimeUnit.MILLISECONDS));
        try {
            return session().runner().run(code, cell);
        } finally {
            running = false;
            timeout.ifPresent(t -> t.cancel(false));
        }
    }

    private DisplayData render(Object value) {
        if (value == null) {
            return new DisplayData("null");
        }
        if (value instanceof DisplayData) {
            return (DisplayData) value;
        }
        try {
            DisplayData data = getRenderer().render(value);
            Object text = data.getData(MIMEType.TEXT_PLAIN);
            if (text instanceof String) {
                // Default toString() of classes declared in cells: "B@1b6d3586", not "REPL.$JShell$8$B@1b6d3586".
                data.putText(ErrorFormatter.clean((String) text));
            }
            return data;
        } catch (RuntimeException e) {
            throw ErrorFormatter.simple("DisplayError", "the cell's value, a " + value.getClass().getName()
                    + ", could not be displayed: " + e);
        }
    }

    @Override
    protected void replaceOutputStreams(ShellReplyEnvironment env) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        CellOutput output = new CellOutput(env::writeToStdOut, env::writeToStdErr, timer,
                CellOutput.DEFAULT_LIMIT_BYTES);
        currentEnv = env;
        currentOutput = output;
        System.setOut(output.stdout());
        System.setErr(output.stderr());
        System.setIn(io.in);
        env.defer(() -> {
            output.close();
            currentOutput = null;
            currentEnv = null;
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        });
    }

    @Override
    public void display(DisplayData data) {
        flushOutput();
        super.display(data);
    }

    /**
     * Sends Jupyter's {@code clear_output} for the running cell, after its buffered text. Public so that display
     * helpers can call it by name: the kernel and the toolkit do not import each other.
     *
     * @param wait true to clear only when the next output arrives (avoids flicker when redrawing)
     */
    public void clearOutput(boolean wait) {
        ShellReplyEnvironment env = currentEnv;
        if (env != null) {
            flushOutput();
            env.publish(wait ? PublishClearOutput.BEFORE_NEXT_OUTPUT : PublishClearOutput.NOW);
        }
    }

    /** Sends the running cell's buffered text first, so it appears above what is displayed next. */
    private void flushOutput() {
        CellOutput output = currentOutput;
        if (output != null) {
            output.stdout().flush();
            output.stderr().flush();
            output.flush();
        }
    }

    @Override
    public void interrupt() {
        Session started = session.getNow(null);
        if (started != null) {
            started.evaluator().stop(ErrorFormatter.simple("Interrupted",
                    "the cell was interrupted; variables from earlier cells are kept"));
        }
    }

    @Override
    public List<String> formatError(Throwable e) {
        if (e instanceof CellFailure) {
            return ((CellFailure) e).traceback();
        }
        return super.formatError(e);
    }

    @Override
    public DisplayData inspect(String code, int cursor, boolean detail) {
        String documentation = session().assist().documentation(code, cursor);
        return documentation == null ? null : new DisplayData(documentation);
    }

    @Override
    public ReplacementOptions complete(String code, int cursor) {
        return session().assist().complete(code, cursor);
    }

    @Override
    public String isComplete(String code) {
        return session().assist().isComplete(code);
    }

    /** jjava 1.0-a6 leaves {@code status} out of {@code kernel_info_reply}; the protocol requires it. */
    @Override
    protected void handleKernelInfoRequest(ShellReplyEnvironment env, Message<KernelInfoRequest> request) {
        env.setBusyDeferIdle();
        env.reply(new OkReplies.KernelInfo(Header.PROTOCOL_VERISON, name, version, getLanguageInfo(), getBanner(),
                getHelpLinks()));
    }

    /** As jjava's, but the reply carries {@code "status": "ok"}. */
    @Override
    protected void handleHistoryRequest(ShellReplyEnvironment env, Message<HistoryRequest> message) {
        HistoryRequest request = message.getContent();
        env.setBusyDeferIdle();
        Set<HistoryManager.ResultFlag> flags = EnumSet.noneOf(HistoryManager.ResultFlag.class);
        if (request.includeOutput()) {
            flags.add(HistoryManager.ResultFlag.INCLUDE_OUTPUT);
        }
        List<HistoryEntry> entries;
        switch (request.getAccessType()) {
            case TAIL:
                entries = history.lookupTail(((HistoryRequest.Tail) request).getMaxReturnLength(), flags);
                break;
            case RANGE:
                HistoryRequest.Range range = (HistoryRequest.Range) request;
                entries = history.lookupRange(range.getSessionIndex(), range.getStart(), range.getStop(), flags);
                break;
            default:
                HistoryRequest.Search search = (HistoryRequest.Search) request;
                if (search.filterUnique()) {
                    flags.add(HistoryManager.ResultFlag.UNIQUE);
                }
                entries = history.search(search.getPattern(), search.getMaxReturnLength(), flags);
                break;
        }
        env.reply(new OkReplies.History(entries));
    }

    /**
     * Called when the JVM exits while a cell runs (a library called {@code Runtime.exit}): sends the cell's
     * buffered output and says why the kernel is going away; Jupyter then restarts the kernel.
     */
    void reportExit() {
        ShellReplyEnvironment env = currentEnv;
        CellOutput output = currentOutput;
        if (env != null && output != null) {
            output.close();
            env.writeToStdErr("The kernel's JVM is exiting (Runtime.exit or halt was called); Jupyter will "
                    + "restart the kernel and variables are lost.\n");
        }
    }

    @Override
    public void onShutdown(boolean restarting) {
        session.thenAccept(started -> started.evaluator().close());
        timer.shutdownNow();
        super.onShutdown(restarting);
    }
}
