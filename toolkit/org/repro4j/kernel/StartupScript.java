package org.repro4j.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.repro4j.kernel.error.CellFailure;

/**
 * What runs before the first cell: the readable script {@code org/repro4j/kernel/startup.jsh} (JDK imports), the
 * code the kernel extensions evaluated while they were installed (the toolkit's: its generic packages and display
 * helpers), then the code in {@value #VARIABLE}. The kernel knows no library; what a library wants imported, its
 * extension says.
 *
 * <p>The script and the extensions' code are evaluated as one JShell snippet ({@link Evaluator#evalImports}) when
 * they are all import declarations, which is why {@code startup.jsh} may hold only imports and comments. If that
 * snippet fails, each part is evaluated again on its own: the problem then names the failing part, and the others
 * take effect.
 */
final class StartupScript {

    /** Environment variable with extra Java code to run at start-up. */
    static final String VARIABLE = "REPRO_STARTUP_SCRIPT";
    private static final String RESOURCE = "startup.jsh";

    private StartupScript() {
    }

    /**
     * @param evaluator the session to prepare
     * @param extensions code the kernel extensions evaluated during installation, in order
     * @param extra code from {@value #VARIABLE}, may be null
     * @return a description of each part that failed (empty when all went well); start-up goes on regardless
     */
    static List<String> run(Evaluator evaluator, List<String> extensions, String extra) {
        return run(evaluator, script(), extensions, extra);
    }

    /**
     * As {@link #run(Evaluator, List, String)}, with {@code script} in place of {@code startup.jsh}.
     *
     * @param evaluator the session to prepare
     * @param script import declarations and comments
     * @param extensions code the kernel extensions evaluated during installation
     * @param extra code from {@value #VARIABLE}, may be null
     * @return a description of each part that failed (empty when all went well)
     */
    static List<String> run(Evaluator evaluator, String script, List<String> extensions, String extra) {
        List<String> problems = new ArrayList<>();
        try {
            evaluator.evalImports(script + "\n" + String.join("\n", extensions));
        } catch (CellFailure failure) {
            // Each part as its own snippet: slower, but the problem names its part and the rest still work.
            eval(evaluator, "startup.jsh", script, problems);
            for (int i = 0; i < extensions.size(); i++) {
                eval(evaluator, "kernel extension " + (i + 1) + " of " + extensions.size(), extensions.get(i),
                        problems);
            }
        }
        if (extra != null && !extra.isBlank()) {
            eval(evaluator, VARIABLE, extra, problems);
        }
        return problems;
    }

    private static void eval(Evaluator evaluator, String part, String code, List<String> problems) {
        try {
            evaluator.eval(code, 0, 1);
        } catch (CellFailure failure) {
            problems.add(part + ": " + ErrorFormatter.exceptionName(failure) + ": " + failure.getMessage());
        }
    }

    /** @return the text of {@code startup.jsh} */
    static String script() {
        try (InputStream in = StartupScript.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the repro4j jar; rebuild it");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
