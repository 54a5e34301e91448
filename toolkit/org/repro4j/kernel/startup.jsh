// repro4j kernel start-up script. It runs once, before the first cell, in every notebook.
//
// The kernel evaluates these imports together with the start-up code of the kernel extensions on its class path
// (the repro4j toolkit's imports its generic packages and display helpers), then the Java code in the
// environment variable REPRO_STARTUP_SCRIPT, if it is set. Only import declarations and comments belong here: the
// kernel evaluates all the imports as one snippet.

import java.io.*;
import java.nio.file.*;
import java.util.*;
import java.util.function.*;
import java.util.stream.*;
