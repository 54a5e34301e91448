package org.repro4j.kernel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.repro4j.testing.JupyterProcess;

/**
 * Runs the packaged kernel (target/repro4j.jar) under the Debian Jupyter tools for the integration tests:
 * installs the kernelspec into target/ with {@link KernelspecInstaller}, then drives a kernel through
 * src/test/python/kernel_driver.py (jupyter_client) and returns what came back over the protocol.
 */
final class KernelHarness {

    static final Path PYTHON = JupyterProcess.PYTHON;
    static final Path TARGET = Path.of("target").toAbsolutePath();
    static final Path PYTHON_TESTS = Path.of("src/test/python").toAbsolutePath();

    private KernelHarness() {
    }

    /** Skips the calling test, with the reason, when Jupyter's Python tools are not installed. */
    static void assumeJupyter() {
        assumeTrue(Files.isExecutable(PYTHON), "skipped: /usr/bin/python3 is missing");
        assumeTrue(Files.isDirectory(Path.of("/usr/lib/python3/dist-packages/jupyter_client")),
                "skipped: jupyter_client is not installed (apt-get install python3-nbclient)");
    }

    /**
     * Installs the kernelspec "java" for the given JDK into {@code target/<name>}.
     *
     * @param name directory under target/ for this install
     * @param javaHome the JDK the kernel runs on
     * @return the JUPYTER_PATH under which Jupyter finds the kernelspec
     * @throws IOException if installing fails
     */
    static String install(String name, Path javaHome) throws IOException {
        Path prefix = TARGET.resolve(name);
        KernelspecInstaller.install(KernelspecInstaller.kernelDirectory(prefix), javaHome.resolve("bin/java"),
                TARGET.resolve("repro4j.jar"), false);
        return prefix.resolve("share/jupyter").toString();
    }

    /** @return the JUPYTER_PATH of the kernelspec for the JDK running the tests */
    static String installForCurrentJdk() throws IOException {
        return install("jupyter", Path.of(System.getProperty("java.home")));
    }

    /** Steps for one kernel session, each remembered by a name. */
    static final class Session {
        private final JsonArray steps = new JsonArray();
        private final Map<String, Integer> index = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();

        Session execute(String name, String code) {
            return add(name, step("execute", code));
        }

        Session interrupt(String name, String code, double afterSeconds) {
            JsonObject step = step("execute", code);
            step.addProperty("interrupt_after", afterSeconds);
            return add(name, step);
        }

        Session forged(String name, String code) {
            return add(name, step("bad_signature_execute", code));
        }

        Session env(String variable, String value) {
            env.put(variable, value);
            return this;
        }

        private static JsonObject step(String kind, String code) {
            JsonObject step = new JsonObject();
            step.addProperty(kind, code);
            return step;
        }

        private Session add(String name, JsonObject step) {
            index.put(name, steps.size());
            steps.add(step);
            return this;
        }

        /**
         * Starts a kernel, runs the steps, shuts it down.
         *
         * @param jupyterPath where the kernelspec is installed
         * @param timeoutSeconds limit for the whole session
         * @return the results
         * @throws IOException if the driver cannot be run
         * @throws InterruptedException if interrupted while waiting
         */
        Results run(String jupyterPath, long timeoutSeconds) throws IOException, InterruptedException {
            JsonObject spec = new JsonObject();
            JsonObject environment = new JsonObject();
            env.forEach(environment::addProperty);
            spec.add("env", environment);
            spec.add("steps", steps);
            Path specFile = Files.createTempFile(TARGET, "kernel-steps", ".json");
            Files.writeString(specFile, spec.toString(), StandardCharsets.UTF_8);
            JupyterProcess.Result run = JupyterProcess.run(List.of(PYTHON.toString(),
                    PYTHON_TESTS.resolve("kernel_driver.py").toString(), specFile.toString()), null, jupyterPath,
                    Map.of(), timeoutSeconds);
            Files.delete(specFile);
            if (!run.succeeded()) {
                throw new AssertionError("kernel driver exited with " + run.exitCode() + "\nstdout:\n" + run.stdout()
                        + "\nstderr:\n" + run.stderr());
            }
            return new Results(JsonParser.parseString(run.stdout()).getAsJsonObject(), index, run.stderr());
        }
    }

    /** What a session returned, looked up by step name. */
    static final class Results {
        final JsonObject json;
        private final Map<String, Integer> index;
        final String kernelLog;

        Results(JsonObject json, Map<String, Integer> index, String kernelLog) {
            this.json = json;
            this.index = index;
            this.kernelLog = kernelLog;
        }

        JsonObject step(String name) {
            return json.getAsJsonArray("steps").get(index.get(name)).getAsJsonObject();
        }

        JsonObject reply(String name) {
            return step(name).getAsJsonObject("reply");
        }

        /** @return the IOPub messages of the step, each with msg_type and content */
        List<JsonObject> outputs(String name) {
            List<JsonObject> outputs = new ArrayList<>();
            for (JsonElement output : step(name).getAsJsonArray("outputs")) {
                outputs.add(output.getAsJsonObject());
            }
            return outputs;
        }

        List<JsonObject> outputs(String name, String msgType) {
            List<JsonObject> matching = new ArrayList<>();
            for (JsonObject output : outputs(name)) {
                if (output.get("msg_type").getAsString().equals(msgType)) {
                    matching.add(output.getAsJsonObject("content"));
                }
            }
            return matching;
        }

        /** @return concatenated text of the step's stream messages named {@code stream} (stdout/stderr) */
        String stream(String name, String stream) {
            StringBuilder text = new StringBuilder();
            for (JsonObject content : outputs(name, "stream")) {
                if (content.get("name").getAsString().equals(stream)) {
                    text.append(content.get("text").getAsString());
                }
            }
            return text.toString();
        }

        /** @return the error's traceback as plain text (ANSI colours removed) */
        String traceback(String name) {
            StringBuilder text = new StringBuilder();
            for (JsonObject error : outputs(name, "error")) {
                error.getAsJsonArray("traceback").forEach(line -> text.append(line.getAsString()).append('\n'));
            }
            return text.toString().replaceAll("\u001b\\[[0-9;]*m", "");
        }

        String summary(String name) {
            return step(name).toString();
        }
    }

    /**
     * Runs {@code /usr/bin/python3 -m unittest -v <module>} in src/test/python.
     *
     * @return exit status (−1 on time-out) and output
     */
    static JupyterProcess.Result unittest(String jupyterPath, String module, long timeoutSeconds)
            throws IOException, InterruptedException {
        return JupyterProcess.run(List.of(PYTHON.toString(), "-m", "unittest", "-v", module), PYTHON_TESTS,
                jupyterPath, Map.of(), timeoutSeconds);
    }
}
