package org.repro4j.notebooks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.repro4j.Repro;
import org.repro4j.testing.JupyterProcess;

/** Installs the packaged kernel for the notebook integration tests and executes notebooks with nbconvert. */
final class JupyterSupport {

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path TARGET = ROOT.resolve("target");
    static final Path JUPYTER_PREFIX = TARGET.resolve("jupyter");
    static final String JUPYTER_PATH = JUPYTER_PREFIX.resolve("share/jupyter").toString();

    private JupyterSupport() {}

    /**
     * Installs the kernelspec 'java' from target/repro4j.jar into target/jupyter (idempotent), through the
     * {@code Main install} command line that {@code ./repro} uses.
     */
    static synchronized void installKernel() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = TARGET.resolve("repro4j.jar") + ":" + TARGET.resolve("lib") + "/*";
        JupyterProcess.Result run = JupyterProcess.run(List.of(java, "-cp", classpath, "org.repro4j.kernel.Main",
                "install", "--prefix", JUPYTER_PREFIX.toString()), null, JUPYTER_PATH, Map.of(), 120);
        if (!run.succeeded()) {
            throw new IllegalStateException("kernel install failed:\n" + run.stdout() + run.stderr());
        }
    }

    /**
     * Executes a notebook with nbconvert into {@code outputDir} at the default seed, whatever {@code REPRO_SEED} the
     * test run inherited; claims go to {@code buildDir}/claims.
     */
    static JupyterProcess.Result executeNotebook(Path notebook, String scale, Path outputDir, Path buildDir,
            long timeoutSeconds) throws IOException, InterruptedException {
        List<String> command = List.of(JupyterProcess.PYTHON.toString(), "-m", "nbconvert", "--to", "notebook",
                "--execute", "--ExecutePreprocessor.kernel_name=java",
                "--ExecutePreprocessor.timeout=" + timeoutSeconds, "--output-dir", outputDir.toString(),
                notebook.toString());
        return JupyterProcess.run(command, null, JUPYTER_PATH,
                Map.of("REPRO_SCALE", scale, "REPRO_BUILD", buildDir.toString(),
                        "REPRO_SEED", String.valueOf(Repro.DEFAULT_SEED)), timeoutSeconds + 60);
    }
}
