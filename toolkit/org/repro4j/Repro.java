package org.repro4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The settings every notebook reads: scale, seed and where outputs and datasets live.
 *
 * <p>Each setting is read from a system property first, then an environment variable, so a notebook run by
 * {@code ./repro test} (smoke) and one run by {@code ./repro run} (full) execute the same cells at different sizes.
 */
public final class Repro {

    /** The seed when none is set; the test suite holds full-scale claims at this seed. */
    public static final long DEFAULT_SEED = 42;

    /** How big a run is: {@code SMOKE} checks the mechanism in seconds, {@code FULL} reproduces the claims. */
    public enum Scale {
        SMOKE,
        FULL;

        /**
         * Picks the value for this scale.
         *
         * @param smoke value used at smoke scale
         * @param full value used at full scale
         * @return {@code smoke} or {@code full}
         */
        public <T> T pick(T smoke, T full) {
            return this == SMOKE ? smoke : full;
        }

        /** @return {@code "smoke"} or {@code "full"}, as written in claims files */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private Repro() {}

    /**
     * @return the scale from property {@code repro.scale} or env {@code REPRO_SCALE} ({@code smoke|full}),
     *     {@link Scale#FULL} when unset
     * @throws IllegalArgumentException if the setting is neither {@code smoke} nor {@code full}
     */
    public static Scale scale() {
        String value = setting("repro.scale", "REPRO_SCALE");
        if (value == null || value.isBlank()) {
            return Scale.FULL;
        }
        try {
            return Scale.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "REPRO_SCALE is '" + value + "'; set it to 'smoke' (quick check) or 'full' (reproduction)");
        }
    }

    /**
     * @return the base random seed from property {@code repro.seed} or env {@code REPRO_SEED}, {@value #DEFAULT_SEED}
     *     when unset
     * @throws IllegalArgumentException if the setting is not an integer
     */
    public static long seed() {
        String value = setting("repro.seed", "REPRO_SEED");
        if (value == null || value.isBlank()) {
            return DEFAULT_SEED;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("REPRO_SEED is '" + value + "'; set it to an integer such as 42");
        }
    }

    /**
     * @return the build output folder: property {@code repro.build} or env {@code REPRO_BUILD}; otherwise
     *     {@code build/} beside the nearest {@code pom.xml} above the working directory; otherwise {@code ./build}
     */
    public static Path buildDir() {
        String value = setting("repro.build", "REPRO_BUILD");
        if (value != null && !value.isBlank()) {
            return Path.of(value).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir.resolve("build");
            }
        }
        return Path.of("build").toAbsolutePath();
    }

    /** @return the datasets cache: property {@code repro.datasets} or env {@code REPRO_DATASETS}, else {@code ~/.cache/repro4j/datasets} */
    public static Path datasetsDir() {
        String value = setting("repro.datasets", "REPRO_DATASETS");
        if (value != null && !value.isBlank()) {
            return Path.of(value).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".cache", "repro4j", "datasets");
    }

    /**
     * Prints the settings in force and loads the tensor engine, which extracts DJL's native PyTorch library on
     * first use (Binder's postBuild runs this so the first notebook cell does not pay for it).
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.println("scale=" + scale().label() + " seed=" + seed() + " build=" + buildDir()
                + " datasets=" + datasetsDir());
        ai.djl.engine.Engine engine = ai.djl.engine.Engine.getInstance();
        System.out.println("engine=" + engine.getEngineName() + " " + engine.getVersion());
    }

    private static String setting(String property, String env) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(env);
    }
}
