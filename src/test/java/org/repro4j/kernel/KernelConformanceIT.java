package org.repro4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Jupyter's own conformance suite (Debian python3-jupyter-kernel-test) against the packaged kernel. */
class KernelConformanceIT {

    @Test
    void jupyterKernelTestSuitePasses() throws Exception {
        KernelHarness.assumeJupyter();
        String jupyterPath = KernelHarness.installForCurrentJdk();
        Map.Entry<Integer, String> run = KernelHarness.unittest(jupyterPath, "kernel_conformance", 600);
        assertEquals(0, run.getKey(), "jupyter_kernel_test failed:\n" + run.getValue());
    }
}
