package org.repro4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.repro4j.display.ReproExtension;

/**
 * The package rules of the toolkit, read from the sources' import lines and fully qualified names:
 * <ul>
 *   <li>the root package {@code org.repro4j} (settings, number format, stopwatch) imports no toolkit package;</li>
 *   <li>foundation packages ({@code display}, {@code plot}, {@code claims}, {@code engine}) import no other toolkit
 *       package but the root;</li>
 *   <li>generic packages never import a paper package ({@code org.repro4j.papers.*});</li>
 *   <li>paper packages never import each other;</li>
 *   <li>the kernel ({@code org.repro4j.kernel.*}) imports nothing of the toolkit, and nothing imports the kernel;</li>
 *   <li>no cycles between packages;</li>
 *   <li>the start-up imports the toolkit gives the kernel are exactly its non-paper, non-kernel packages.</li>
 * </ul>
 */
class LayeringTest {

    private static final Path SOURCES = Path.of("toolkit");
    private static final Set<String> FOUNDATION = Set.of("org.repro4j.display", "org.repro4j.plot",
            "org.repro4j.claims", "org.repro4j.engine");
    private static final String ROOT = "org.repro4j";
    private static final String KERNEL = "org.repro4j.kernel";
    private static final String PAPERS = "org.repro4j.papers.";
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\b(org\\.repro4j(?:\\.[a-z]\\w*)*)\\.[A-Z]\\w*");

    /** A use of one toolkit package by another. */
    private record Use(String from, String to, String file, String type) {
        @Override
        public String toString() {
            return file + " uses " + to + "." + type;
        }
    }

    private static final List<Use> USES = readUses();

    @Test
    void theRootPackageImportsNoToolkitPackage() {
        List<Use> bad = USES.stream().filter(u -> u.from().equals(ROOT)).toList();
        assertEquals(List.of(), bad);
    }

    @Test
    void foundationPackagesImportNoOtherToolkitPackageButTheRoot() {
        List<Use> bad = USES.stream().filter(u -> FOUNDATION.contains(u.from()) && !u.to().equals(ROOT)).toList();
        assertEquals(List.of(), bad);
    }

    @Test
    void genericPackagesNeverImportAPaper() {
        List<Use> bad = USES.stream().filter(u -> !isPaper(u.from()) && isPaper(u.to())).toList();
        assertEquals(List.of(), bad);
    }

    @Test
    void papersNeverImportEachOther() {
        List<Use> bad = USES.stream().filter(u -> isPaper(u.from()) && isPaper(u.to())).toList();
        assertEquals(List.of(), bad);
    }

    @Test
    void theKernelAndTheToolkitDoNotImportEachOther() {
        List<Use> bad = USES.stream().filter(u -> isKernel(u.from()) != isKernel(u.to())).toList();
        assertEquals(List.of(), bad);
    }

    @Test
    void noCyclesBetweenPackages() {
        Map<String, Set<String>> graph = new TreeMap<>();
        USES.forEach(u -> graph.computeIfAbsent(u.from(), k -> new TreeSet<>()).add(u.to()));
        for (String start : graph.keySet()) {
            List<String> cycle = cycleThrough(start, start, graph, new ArrayList<>(List.of(start)), new TreeSet<>());
            assertTrue(cycle.isEmpty(), "packages import each other in a cycle: " + String.join(" -> ", cycle));
        }
    }

    @Test
    void theKernelStartUpImportsEveryGenericPackageAndNoPaper() {
        Set<String> generic = new TreeSet<>();
        for (Path file : javaFiles()) {
            String pkg = packageOf(read(file));
            if (!isPaper(pkg) && !isKernel(pkg)) {
                generic.add(pkg);
            }
        }
        assertEquals(generic, new TreeSet<>(ReproExtension.GENERIC_PACKAGES));
    }

    @Test
    void everyPaperPackageHasItsOwnDocumentation() {
        Set<String> papers = new TreeSet<>();
        javaFiles().stream().map(f -> packageOf(read(f))).filter(LayeringTest::isPaper).forEach(papers::add);
        for (String paper : papers) {
            Path info = SOURCES.resolve(paper.replace('.', '/')).resolve("package-info.java");
            assertTrue(Files.isRegularFile(info), paper + " has no package-info.java (citation, notebook, classes)");
            assertTrue(read(info).contains("notebooks/"), info + " does not name the notebook it serves");
        }
    }

    private static List<String> cycleThrough(String start, String at, Map<String, Set<String>> graph,
            List<String> path, Set<String> seen) {
        for (String next : graph.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(start);
                return cycle;
            }
            if (seen.add(next)) {
                path.add(next);
                List<String> found = cycleThrough(start, next, graph, path, seen);
                if (!found.isEmpty()) {
                    return found;
                }
                path.remove(path.size() - 1);
            }
        }
        return List.of();
    }

    private static boolean isPaper(String pkg) {
        return pkg.startsWith(PAPERS) || pkg.equals(PAPERS.substring(0, PAPERS.length() - 1));
    }

    private static boolean isKernel(String pkg) {
        return pkg.equals(KERNEL) || pkg.startsWith(KERNEL + ".");
    }

    private static List<Use> readUses() {
        List<Use> uses = new ArrayList<>();
        for (Path file : javaFiles()) {
            String text = read(file);
            String from = packageOf(text);
            Matcher m = REFERENCE.matcher(withoutComments(text));
            while (m.find()) {
                String to = m.group(1);
                String type = m.group().substring(to.length() + 1);
                if (!to.equals(from) && !m.group().startsWith("package ")) {
                    uses.add(new Use(from, to, SOURCES.relativize(file).toString(), type));
                }
            }
        }
        return uses;
    }

    /** Comments may name any class ({@code {@link}} across layers is documentation, not a dependency). */
    private static String withoutComments(String java) {
        return java.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)^\\s*//.*$", "")
                .replaceAll("(?m)^package .*$", "");
    }

    private static String packageOf(String java) {
        Matcher m = PACKAGE.matcher(java);
        return m.find() ? m.group(1) : "";
    }

    private static List<Path> javaFiles() {
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            return walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
