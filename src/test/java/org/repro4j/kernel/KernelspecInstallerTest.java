package org.repro4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelspecInstallerTest {

    @TempDir
    Path dir;

    private Path fakeBuild() throws IOException {
        Path target = Files.createDirectories(dir.resolve("target"));
        Files.writeString(target.resolve("repro4j.jar"), "jar");
        Path lib = Files.createDirectories(target.resolve("lib"));
        Files.writeString(lib.resolve("dep-1.0.jar"), "dep");
        return target.resolve("repro4j.jar");
    }

    private static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static JsonObject spec(Path kernelDir) throws IOException {
        return JsonParser.parseString(Files.readString(kernelDir.resolve("kernel.json"), StandardCharsets.UTF_8))
                .getAsJsonObject();
    }

    private static List<String> argv(JsonObject spec) {
        List<String> argv = new ArrayList<>();
        spec.getAsJsonArray("argv").forEach(a -> argv.add(a.getAsString()));
        return argv;
    }

    @Test
    void prefixInstallPointsAtTheBuiltJarAndUsesMessageInterrupts() throws IOException {
        Path jar = fakeBuild();
        Path kernelDir = KernelspecInstaller.kernelDirectory(dir.resolve("jupyter"));
        KernelspecInstaller.install(kernelDir, java(), jar, false);
        JsonObject spec = spec(kernelDir);
        assertEquals("Java (repro4j)", spec.get("display_name").getAsString());
        assertEquals("java", spec.get("language").getAsString());
        assertEquals("message", spec.get("interrupt_mode").getAsString());
        assertEquals(List.of(java().toString(), "-Djava.awt.headless=true", "-Dai.djl.offline=true",
                "-Dfile.encoding=UTF-8", "-cp", jar + ":" + jar.resolveSibling("lib") + "/*",
                "org.repro4j.kernel.Main", "{connection_file}"), argv(spec));
        assertEquals(dir.resolve("jupyter/share/jupyter/kernels/java"), kernelDir);
    }

    @Test
    void copyingInstallIsRelocatableAndIdempotent() throws IOException {
        Path jar = fakeBuild();
        Path kernelDir = dir.resolve("kernels/java");
        KernelspecInstaller.install(kernelDir, java(), jar, true);
        Files.delete(jar.resolveSibling("lib").resolve("dep-1.0.jar"));
        Files.writeString(jar.resolveSibling("lib").resolve("dep-2.0.jar"), "dep2");
        KernelspecInstaller.install(kernelDir, java(), jar, true);
        assertTrue(Files.exists(kernelDir.resolve("repro4j.jar")));
        assertTrue(Files.exists(kernelDir.resolve("lib/dep-2.0.jar")));
        assertFalse(Files.exists(kernelDir.resolve("lib/dep-1.0.jar")), "stale libraries are removed");
        assertTrue(argv(spec(kernelDir)).contains("{resource_dir}/repro4j.jar:{resource_dir}/lib/*"));
        KernelspecInstaller.install(kernelDir, java(), jar, false);
        assertFalse(Files.exists(kernelDir.resolve("lib")), "switching to an in-place install drops the copy");
    }

    @Test
    void missingLibrariesOrJavaAreExplained() throws IOException {
        Path jar = fakeBuild();
        Path kernelDir = dir.resolve("k");
        IllegalArgumentException badJava = assertThrows(IllegalArgumentException.class,
                () -> KernelspecInstaller.install(kernelDir, dir.resolve("no-java"), jar, false));
        assertTrue(badJava.getMessage().contains("--java"), badJava.getMessage());
        Files.delete(jar.resolveSibling("lib").resolve("dep-1.0.jar"));
        Files.delete(jar.resolveSibling("lib"));
        IllegalStateException noLib = assertThrows(IllegalStateException.class,
                () -> KernelspecInstaller.install(kernelDir, java(), jar, false));
        assertTrue(noLib.getMessage().contains("mvn package"), noLib.getMessage());
    }

    @Test
    void badArgumentsExitWithStatusTwo() {
        assertEquals(2, KernelspecInstaller.main(new String[] {"--frobnicate"}));
        assertEquals(2, KernelspecInstaller.main(new String[] {"--user", "--prefix", "x"}));
        assertEquals(2, KernelspecInstaller.main(new String[] {"--prefix"}));
    }
}
