package org.repro4j.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Expands the path patterns of {@code %classpath} and {@code %jars}: plain paths, {@code ~/}, and globs such as
 * {@code lib/*.jar} or {@code build/**}{@code /*.jar} (syntax of {@link java.nio.file.FileSystem#getPathMatcher}).
 */
final class PathGlobs {

    private PathGlobs() {
    }

    /**
     * @param pattern a path or glob, relative paths resolved against {@code base}
     * @param base the directory relative patterns start from (the kernel's working directory)
     * @return the matching paths, sorted; never empty
     * @throws IllegalArgumentException naming {@code pattern} if it is not a valid glob, or nothing matches it
     */
    static List<Path> expand(String pattern, Path base) {
        String path = pattern.startsWith("~/") ? System.getProperty("user.home") + pattern.substring(1) : pattern;
        String[] parts = path.split("/", -1);
        int firstGlob = 0;
        while (firstGlob < parts.length && !isGlob(parts[firstGlob])) {
            firstGlob++;
        }
        if (firstGlob == parts.length) {
            Path plain = base.resolve(path).normalize();
            if (!Files.exists(plain)) {
                throw new IllegalArgumentException("\"" + pattern + "\" does not exist (looked for " + plain + ")");
            }
            return List.of(plain);
        }
        Path root = base.resolve(String.join("/", List.of(parts).subList(0, firstGlob))).normalize();
        String glob = String.join("/", List.of(parts).subList(firstGlob, parts.length));
        PathMatcher matcher;
        try {
            matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("\"" + pattern + "\" is not a valid glob pattern: "
                    + e.getDescription(), e);
        }
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("no file matches \"" + pattern + "\": directory " + root
                    + " does not exist");
        }
        int depth = glob.contains("**") ? Integer.MAX_VALUE : parts.length - firstGlob;
        List<Path> matches;
        try (Stream<Path> walk = Files.walk(root, depth)) {
            matches = walk.filter(p -> !p.equals(root) && matcher.matches(root.relativize(p)))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + " for \"" + pattern + "\"", e);
        }
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("no file matches \"" + pattern + "\" (searched " + root + ")");
        }
        return matches;
    }

    private static boolean isGlob(String part) {
        return part.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }
}
