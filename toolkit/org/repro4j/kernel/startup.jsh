// repro4j kernel start-up script. It runs once, before the first cell, in every repro4j notebook.
//
// After these lines the kernel imports every toolkit package found in the repro4j jar
// (import org.repro4j.*; import org.repro4j.data.*; ... everything except org.repro4j.kernel), and then
// runs the Java code in the environment variable REPRO_STARTUP_SCRIPT, if it is set.
// Only import declarations and comments belong here: the kernel evaluates all the imports as one snippet.

import java.io.*;
import java.nio.file.*;
import java.util.*;
import java.util.function.*;
import java.util.stream.*;

// display(x), update(id, x) and clearOutput(): show and redraw objects from code.
import static org.repro4j.display.Display.*;

// The libraries the toolkit is built on: DJL arrays, Tablesaw tables. Only names no notebook is likely to
// declare itself: an imported type hides a cell's own class of the same name (DJL's Shape would hide yours).
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import tech.tablesaw.api.Table;
