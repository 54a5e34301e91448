package org.repro4j.notebooks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged kernel under the Debian Jupyter tools, for integration tests. */
final class JupyterSupport {

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path TARGET = ROOT.resolve("target");
    static final Path JUPYTER_PREFIX = TARGET.resolve("jupyter");
    static final String JUPYTER_PATH = JUPYTER_PREFIX.resolve("share/jupyter").toString();

    private JupyterSupport() {}

    /** The result of a finished process: exit code and its combined output. */
    record Run(int exitCode, String output) {
        String tail(int lines) {
            String[] all = output.split("\n");
            return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
        }
    }

    /** Installs the kernelspec 'java' from target/repro4j.jar into target/jupyter (idempotent). */
    static synchronized void installKernel() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = TARGET.resolve("repro4j.jar") + ":" + TARGET.resolve("lib") + "/*";
        Run run = run(List.of(java, "-cp", classpath, "org.repro4j.kernel.Main", "install", "--prefix",
                JUPYTER_PREFIX.toString()), Map.of(), 120);
        if (run.exitCode() != 0) {
            throw new IllegalStateException("kernel install failed:\n" + run.output());
        }
    }

    /** Runs a command with JUPYTER_PATH pointing at the test kernelspec. */
    static Run run(List<String> command, Map<String, String> env, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("repro4j-it", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JUPYTER_PATH", JUPYTER_PATH);
        builder.environment().put("PYDEVD_DISABLE_FILE_VALIDATION", "1");
        builder.environment().putAll(env);
        Process process = builder.start();
        boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        if (!finished) {
            return new Run(-1, output + "\n[timed out after " + timeoutSeconds + " s]");
        }
        return new Run(process.exitValue(), output);
    }

    /** Executes a notebook with nbconvert into {@code outputDir}; claims go to {@code buildDir}/claims. */
    static Run executeNotebook(Path notebook, String scale, Path outputDir, Path buildDir, long timeoutSeconds)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-m", "nbconvert", "--to", "notebook",
                "--execute", "--ExecutePreprocessor.kernel_name=java",
                "--ExecutePreprocessor.timeout=" + timeoutSeconds, "--output-dir", outputDir.toString(),
                notebook.toString()));
        return run(command, Map.of("REPRO_SCALE", scale, "REPRO_BUILD", buildDir.toString()), timeoutSeconds + 60);
    }
}
