package org.repro4j.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of Debian's Jupyter tools (or any command) for the integration tests, with a test kernelspec on
 * {@code JUPYTER_PATH} and a time limit; on time-out the process and its children (the kernel) are killed.
 * Shared by the kernel and the notebook integration tests.
 */
public final class JupyterProcess {

    /** Debian's Python, which has Jupyter (the {@code python3} first on PATH may not). */
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private JupyterProcess() {}

    /**
     * A finished (or killed) process.
     *
     * @param exitCode the exit status, −1 if it was killed at the time limit
     * @param stdout its standard output
     * @param stderr its standard error, followed by a time-out note if it was killed
     */
    public record Result(int exitCode, String stdout, String stderr) {

        /** @return whether the process ended by itself with status 0 */
        public boolean succeeded() {
            return exitCode == 0;
        }

        /** @return the last {@code lines} lines of stdout and stderr together */
        public String tail(int lines) {
            String[] all = (stdout + stderr).split("\n");
            return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
        }
    }

    /**
     * @param command the command and its arguments
     * @param directory working directory, or null for the current one
     * @param jupyterPath the {@code JUPYTER_PATH} under which the test kernelspec is installed
     * @param env further environment variables
     * @param timeoutSeconds time limit for the whole process
     * @return its exit status and output
     * @throws IOException if it cannot be started or its output cannot be read
     * @throws InterruptedException if interrupted while waiting
     */
    public static Result run(List<String> command, Path directory, String jupyterPath, Map<String, String> env,
            long timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("repro4j-it", ".out");
        Path err = Files.createTempFile("repro4j-it", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            builder.environment().put("JUPYTER_PATH", jupyterPath);
            builder.environment().put("PYDEVD_DISABLE_FILE_VALIDATION", "1");
            builder.environment().putAll(env);
            Process process = builder.start();
            boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            return finished ? new Result(process.exitValue(), stdout, stderr)
                    : new Result(-1, stdout, stderr + "\n[" + String.join(" ", command) + ": timed out after "
                            + timeoutSeconds + " s]");
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }
}
