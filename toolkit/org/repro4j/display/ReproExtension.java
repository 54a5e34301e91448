package org.repro4j.display;

import java.util.List;
import java.util.stream.Collectors;
import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.BaseKernel;

/**
 * The toolkit's entry into a Jupyter kernel, found through the {@code org.dflib.jjava.jupyter.Extension} service
 * file, so it works the same in the repro4j kernel and in upstream JJava: it registers the renderers
 * ({@link ReproRenderers}) and imports the toolkit's generic packages, {@code Display}'s static methods and the few
 * library types every notebook uses ({@link #startupImports()}).
 *
 * <p>Paper packages ({@code org.repro4j.papers.*}) are not imported: each notebook's first cell imports its own,
 * {@code import org.repro4j.papers.<name>.*;}, so a reader knows where its code lives.
 */
public final class ReproExtension implements Extension {

    /**
     * The generic toolkit packages, imported in every notebook. The layering test checks that this is exactly the
     * set of generic packages in the jar, so a new package cannot be forgotten here.
     */
    public static final List<String> GENERIC_PACKAGES = List.of(
            "org.repro4j",
            "org.repro4j.analysis",
            "org.repro4j.circuits",
            "org.repro4j.claims",
            "org.repro4j.data",
            "org.repro4j.display",
            "org.repro4j.earlyexit",
            "org.repro4j.engine",
            "org.repro4j.hooks",
            "org.repro4j.loss",
            "org.repro4j.models",
            "org.repro4j.models.transformer",
            "org.repro4j.moe",
            "org.repro4j.nas",
            "org.repro4j.plot",
            "org.repro4j.pruning",
            "org.repro4j.train");

    /*
     * Only names no notebook is likely to declare itself: an imported type hides a cell's own class of the same
     * name (DJL's Shape would hide yours).
     */
    private static final String LIBRARY_IMPORTS = """
            import static org.repro4j.display.Display.*;
            import ai.djl.ndarray.NDArray;
            import ai.djl.ndarray.NDList;
            import ai.djl.ndarray.NDManager;
            import ai.djl.ndarray.index.NDIndex;
            import tech.tablesaw.api.Table;
            """;

    /**
     * @return import declarations only: every package of {@link #GENERIC_PACKAGES}, {@code display(x)},
     *     {@code update(id, x)} and {@code clearOutput()}, and DJL's {@code NDArray}, {@code NDList},
     *     {@code NDManager}, {@code NDIndex} and Tablesaw's {@code Table}
     */
    public static String startupImports() {
        return GENERIC_PACKAGES.stream().map(p -> "import " + p + ".*;\n").collect(Collectors.joining())
                + LIBRARY_IMPORTS;
    }

    /**
     * Registers the renderers and evaluates {@link #startupImports()} in the kernel's session.
     *
     * @param kernel the kernel being started
     */
    @Override
    public void install(BaseKernel kernel) {
        ReproRenderers.register(kernel.getRenderer());
        kernel.eval(startupImports());
    }
}
