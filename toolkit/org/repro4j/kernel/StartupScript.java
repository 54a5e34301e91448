package org.repro4j.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.repro4j.kernel.error.CellFailure;

/**
 * What runs before the first cell: the readable script {@code org/repro4j/kernel/startup.jsh} (JDK imports and
 * {@code Display}'s static methods), an import of each toolkit package in the jar, then the code in
 * {@value #VARIABLE}. Toolkit packages are found by listing the jar, because importing a package that does not
 * exist is a compile error and the toolkit grows over time.
 *
 * <p>The script and the toolkit imports are evaluated as one JShell snippet ({@link Evaluator#evalImports}),
 * which is why {@code startup.jsh} may hold only import declarations and comments. If that snippet fails, the two
 * parts are evaluated again, each import as its own snippet: the problem then names the failing import, and the
 * imports before it and those of the other part take effect.
 */
final class StartupScript {

    /** Environment variable with extra Java code to run at start-up. */
    static final String VARIABLE = "REPRO_STARTUP_SCRIPT";
    private static final String RESOURCE = "startup.jsh";
    private static final String TOOLKIT = "org/repro4j/";
    private static final String KERNEL_PACKAGE = "org.repro4j.kernel";

    private StartupScript() {
    }

    /**
     * @param evaluator the session to prepare
     * @param extra code from {@value #VARIABLE}, may be null
     * @return a description of each part that failed (empty when all went well); start-up goes on regardless
     */
    static List<String> run(Evaluator evaluator, String extra) {
        return run(evaluator, script(), extra);
    }

    /**
     * As {@link #run(Evaluator, String)}, with {@code script} in place of {@code startup.jsh}.
     *
     * @param evaluator the session to prepare
     * @param script import declarations and comments
     * @param extra code from {@value #VARIABLE}, may be null
     * @return a description of each part that failed (empty when all went well)
     */
    static List<String> run(Evaluator evaluator, String script, String extra) {
        List<String> problems = new ArrayList<>();
        String toolkitImports = toolkitImports();
        try {
            evaluator.evalImports(script + "\n" + toolkitImports);
        } catch (CellFailure failure) {
            // One import as its own snippet each: slower, but the problem names its import and the rest still work.
            eval(evaluator, "startup.jsh", script, problems);
            eval(evaluator, "toolkit imports", toolkitImports, problems);
        }
        if (extra != null && !extra.isBlank()) {
            eval(evaluator, VARIABLE, extra, problems);
        }
        return problems;
    }

    private static String toolkitImports() {
        StringBuilder imports = new StringBuilder();
        for (String pkg : toolkitPackages()) {
            imports.append("import ").append(pkg).append(".*;\n");
        }
        return imports.toString();
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

    /**
     * @return the packages under {@code org.repro4j} that hold classes, except the kernel's own, sorted
     */
    static SortedSet<String> toolkitPackages() {
        Path location;
        try {
            location = Path.of(StartupScript.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the repro4j classes", e);
        }
        List<String> classFiles = new ArrayList<>();
        try {
            if (Files.isDirectory(location)) {
                try (Stream<Path> walk = Files.walk(location)) {
                    walk.map(p -> location.relativize(p).toString().replace('\\', '/')).forEach(classFiles::add);
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    Collections.list(jar.entries()).forEach(e -> classFiles.add(e.getName()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the repro4j classes in " + location, e);
        }
        SortedSet<String> packages = new TreeSet<>();
        for (String file : classFiles) {
            if (file.startsWith(TOOLKIT) && file.endsWith(".class") && !file.endsWith("package-info.class")) {
                String pkg = file.substring(0, file.lastIndexOf('/')).replace('/', '.');
                if (!pkg.equals(KERNEL_PACKAGE) && !pkg.startsWith(KERNEL_PACKAGE + ".")) {
                    packages.add(pkg);
                }
            }
        }
        return packages;
    }
}
