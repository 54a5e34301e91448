package org.repro4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class StartupScriptTest {

    /** Stands in for a library's kernel extension: the kernel itself knows no library. */
    private static final List<String> EXTENSION = List.of("import java.util.concurrent.atomic.*;\n"
            + "import static java.lang.Math.max;\n");

    @Test
    void scriptAndExtensionImportsAreOneSnippetAndExtraCodeRunsAfterThem() {
        try (Evaluator evaluator = new Evaluator()) {
            List<String> problems = StartupScript.run(evaluator, EXTENSION, "int fromEnvironment = 5;");
            assertEquals(List.of(), problems);
            assertEquals(2, evaluator.jshell().snippets().count(), "imports, then the extra code");
            Object value = evaluator.eval("List<Path> paths = new ArrayList<>(List.of(Path.of(\"a\")));\n"
                    + "IntStream.of(fromEnvironment).sum() + paths.size()", 1, 1).value();
            assertEquals(6, value);
            assertEquals(3, evaluator.eval("new AtomicInteger(max(2, 3)).get()", 2, 1).value(),
                    "the extension's imports took effect");
        }
    }

    @Test
    void importsAreOneSnippetAndAllTakeEffect() {
        try (Evaluator evaluator = new Evaluator()) {
            evaluator.evalImports("// a comment\nimport java.util.concurrent.*;\nimport static java.lang.Math.*;\n");
            assertEquals(1, evaluator.jshell().snippets().count());
            assertEquals(3, evaluator.eval("new ConcurrentHashMap<String, Integer>(java.util.Map.of(\"a\", max(2, 3)))"
                    + ".get(\"a\")", 1, 1).value());
        }
    }

    @Test
    void aBrokenImportInTheScriptIsNamedAndTheOtherImportsStillWork() {
        try (Evaluator evaluator = new Evaluator()) {
            List<String> problems = StartupScript.run(evaluator,
                    "import java.util.*;\nimport no.such.pkg.*;\nimport java.nio.file.*;\n", EXTENSION, null);
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).startsWith("startup.jsh: CompilationError: package no.such.pkg does not exist"),
                    problems.get(0));
            assertEquals(2, evaluator.eval("new ArrayList<>(List.of(1, 2)).size()", 1, 1).value());
            assertEquals(3, evaluator.eval("new AtomicInteger(max(2, 3)).get()", 2, 1).value(),
                    "the extension's imports took effect");
        }
    }

    @Test
    void brokenExtraCodeIsReportedAndStartupGoesOn() {
        try (Evaluator evaluator = new Evaluator()) {
            List<String> problems = StartupScript.run(evaluator, EXTENSION, "int x = nope;");
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).startsWith("REPRO_STARTUP_SCRIPT: CompilationError: cannot find symbol"),
                    problems.get(0));
            assertEquals(3, evaluator.eval("List.of(1, 2, 3).size()", 1, 1).value());
        }
    }
}
