package org.repro4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class StartupScriptTest {

    @Test
    void toolkitPackagesAreImportedButNotTheKernelsOwn() {
        var packages = StartupScript.toolkitPackages();
        assertTrue(packages.contains("org.repro4j.display"), packages.toString());
        assertTrue(packages.stream().noneMatch(p -> p.startsWith("org.repro4j.kernel")), packages.toString());
    }

    @Test
    void scriptImportsTheCommonPackagesAndDisplayHelpers() {
        try (Evaluator evaluator = new Evaluator()) {
            List<String> problems = StartupScript.run(evaluator, "int fromEnvironment = 5;");
            assertEquals(List.of(), problems);
            Object value = evaluator.eval("List<Path> paths = new ArrayList<>(List.of(Path.of(\"a\")));\n"
                    + "IntStream.of(fromEnvironment).sum() + paths.size()", 1, 1).value();
            assertEquals(6, value);
            assertTrue(evaluator.eval("display(\"x\")", 2, 1).value() instanceof String, "Display.display imported");
            assertTrue(evaluator.eval("TableHtml.MAX_ROWS", 3, 1).value() instanceof Integer, "display package imported");
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
                    "import java.util.*;\nimport no.such.pkg.*;\nimport java.nio.file.*;\n", null);
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).startsWith("startup.jsh: CompilationError: package no.such.pkg does not exist"),
                    problems.get(0));
            assertEquals(2, evaluator.eval("new ArrayList<>(List.of(1, 2)).size()", 1, 1).value());
            assertTrue(evaluator.eval("TableHtml.MAX_ROWS", 2, 1).value() instanceof Integer, "toolkit imported");
        }
    }

    @Test
    void brokenExtraCodeIsReportedAndStartupGoesOn() {
        try (Evaluator evaluator = new Evaluator()) {
            List<String> problems = StartupScript.run(evaluator, "int x = nope;");
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).startsWith("REPRO_STARTUP_SCRIPT: CompilationError: cannot find symbol"),
                    problems.get(0));
            assertEquals(3, evaluator.eval("List.of(1, 2, 3).size()", 1, 1).value());
        }
    }
}
