package org.repro4j.kernel;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * Installs the Jupyter kernelspec {@value #NAME} ("Java (repro4j)") that runs this jar's {@link Main}.
 *
 * <p>Where it goes:
 * <ul>
 *   <li>{@code --prefix DIR} (the default, with {@code DIR} = {@code build/jupyter} of the project): into
 *       {@code DIR/share/jupyter/kernels/java}, found by Jupyter when {@code JUPYTER_PATH=DIR/share/jupyter}.
 *       The kernelspec points at the jar and {@code lib/} where they are (normally {@code target/}), so
 *       rebuilding the jar updates the kernel without reinstalling.</li>
 *   <li>{@code --user}: into the user's Jupyter data directory ({@code $XDG_DATA_HOME} or
 *       {@code ~/.local/share}, {@code /jupyter/kernels/java}). The jar and {@code lib/} are copied there, so the
 *       kernel keeps working after {@code mvn clean} or when the checkout moves.</li>
 * </ul>
 * {@code --copy} copies for a prefix install too. {@code --java PATH} pins the JDK (default: the one running the
 * installer); it must be a full JDK, since the kernel needs {@code jdk.jshell} and {@code jdk.compiler}.
 * Installing again replaces the previous install.
 */
final class KernelspecInstaller {

    /** The kernelspec name, as in {@code --ExecutePreprocessor.kernel_name=java}. */
    static final String NAME = "java";
    static final String DISPLAY_NAME = "Java (repro4j)";
    static final List<String> JVM_FLAGS = List.of("-Djava.awt.headless=true", "-Dai.djl.offline=true",
            "-Dfile.encoding=UTF-8");

    private KernelspecInstaller() {
    }

    /**
     * @param args {@code [--user | --prefix DIR] [--java PATH] [--copy]}
     * @return the process exit status: 0 on success, 2 for bad arguments, 1 if installing failed
     */
    static int main(String[] args) {
        Path prefix = null;
        boolean user = false;
        boolean copy = false;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--user":
                    user = true;
                    break;
                case "--copy":
                    copy = true;
                    break;
                case "--prefix":
                case "--java":
                    if (i + 1 == args.length) {
                        System.err.println(args[i] + " needs a path");
                        return 2;
                    }
                    Path value = Path.of(args[++i]).toAbsolutePath().normalize();
                    if (args[i - 1].equals("--prefix")) {
                        prefix = value;
                    } else {
                        java = value;
                    }
                    break;
                default:
                    System.err.println("unknown option " + args[i]
                            + "; usage: install [--user | --prefix DIR] [--java PATH] [--copy]");
                    return 2;
            }
        }
        if (user && prefix != null) {
            System.err.println("choose one of --user and --prefix");
            return 2;
        }
        try {
            Path kernelDir = user ? userKernelDirectory() : kernelDirectory(prefix == null ? defaultPrefix() : prefix);
            install(kernelDir, java, ownJar(), user || copy);
            System.out.println("Installed kernelspec '" + NAME + "' (" + DISPLAY_NAME + ") in " + kernelDir);
            if (!user) {
                System.out.println("Jupyter finds it with JUPYTER_PATH=" + kernelDir.getParent().getParent());
            }
            return 0;
        } catch (IOException | IllegalStateException | IllegalArgumentException e) {
            System.err.println("Installing the kernelspec failed: " + e.getMessage());
            return 1;
        }
    }

    /**
     * @param prefix an installation prefix, as for {@code jupyter kernelspec install --prefix}
     * @return {@code prefix/share/jupyter/kernels/java}
     */
    static Path kernelDirectory(Path prefix) {
        return prefix.resolve("share").resolve("jupyter").resolve("kernels").resolve(NAME);
    }

    private static Path userKernelDirectory() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path data = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local",
                "share");
        return data.resolve("jupyter").resolve("kernels").resolve(NAME);
    }

    /** {@code build/jupyter} of the nearest enclosing Maven project, else of the working directory. */
    private static Path defaultPrefix() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("pom.xml"))) {
                return p.resolve("build").resolve("jupyter");
            }
        }
        return dir.resolve("build").resolve("jupyter");
    }

    /**
     * Writes {@code kernel.json} (and, when copying, the jar and its libraries) into {@code kernelDir}.
     *
     * @param kernelDir the kernelspec directory, created if missing
     * @param java the {@code java} launcher the kernel runs with
     * @param jar the repro4j jar; its runtime libraries must be in {@code lib/} next to it
     * @param copy true to copy the jar and {@code lib/} into {@code kernelDir}
     * @throws IOException if writing fails
     * @throws IllegalStateException if {@code lib/} is missing
     * @throws IllegalArgumentException if {@code java} is not an executable file, or {@code jar} is not a file
     */
    static void install(Path kernelDir, Path java, Path jar, boolean copy) throws IOException {
        if (!Files.isExecutable(java) || Files.isDirectory(java)) {
            throw new IllegalArgumentException(java + " is not an executable java launcher; pass --java "
                    + "/path/to/jdk/bin/java");
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(jar + " does not exist; run 'mvn package' first");
        }
        jar = jar.toAbsolutePath().normalize();
        Path lib = jar.resolveSibling("lib");
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException(lib + " is missing; build with 'mvn package', which copies the "
                    + "runtime libraries next to the jar");
        }
        Files.createDirectories(kernelDir);
        String classpath;
        if (copy) {
            Files.copy(jar, kernelDir.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            mirror(lib, kernelDir.resolve("lib"));
            classpath = "{resource_dir}/" + jar.getFileName() + File.pathSeparator + "{resource_dir}/lib/*";
        } else {
            Files.deleteIfExists(kernelDir.resolve(jar.getFileName()));
            deleteTree(kernelDir.resolve("lib"));
            classpath = jar + File.pathSeparator + lib + "/*";
        }
        Files.writeString(kernelDir.resolve("kernel.json"), kernelJson(java, classpath), StandardCharsets.UTF_8);
    }

    /**
     * @param java the launcher
     * @param classpath the kernel's class path
     * @return the kernelspec's {@code kernel.json}
     */
    static String kernelJson(Path java, String classpath) {
        JsonArray argv = new JsonArray();
        argv.add(java.toString());
        JVM_FLAGS.forEach(argv::add);
        argv.add("-cp");
        argv.add(classpath);
        argv.add(Main.class.getName());
        argv.add("{connection_file}");
        JsonObject spec = new JsonObject();
        spec.add("argv", argv);
        spec.addProperty("display_name", DISPLAY_NAME);
        spec.addProperty("language", "java");
        // "message": interrupts arrive as interrupt_request; SIGINT would kill the JVM.
        spec.addProperty("interrupt_mode", "message");
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(spec) + "\n";
    }

    private static Path ownJar() {
        Path location;
        try {
            location = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the repro4j jar", e);
        }
        if (!location.toString().endsWith(".jar")) {
            throw new IllegalStateException("the installer must run from the packaged jar (target/repro4j.jar), "
                    + "not from " + location + "; run 'mvn package' first");
        }
        return location;
    }

    /** Makes {@code target} hold exactly the files of {@code source} (flat directory of jars). */
    private static void mirror(Path source, Path target) throws IOException {
        Files.createDirectories(target);
        Set<String> wanted = new TreeSet<>();
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.collect(Collectors.toList())) {
                wanted.add(file.getFileName().toString());
                Path copy = target.resolve(file.getFileName());
                if (!Files.exists(copy) || Files.size(copy) != Files.size(file)
                        || Files.getLastModifiedTime(copy).compareTo(Files.getLastModifiedTime(file)) < 0) {
                    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        try (Stream<Path> files = Files.list(target)) {
            for (Path stale : files.filter(f -> !wanted.contains(f.getFileName().toString()))
                    .collect(Collectors.toList())) {
                Files.delete(stale);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.forEach(paths::add);
        }
        for (int i = paths.size() - 1; i >= 0; i--) {
            Files.delete(paths.get(i));
        }
    }
}
