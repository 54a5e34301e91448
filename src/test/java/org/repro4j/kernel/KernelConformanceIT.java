package org.repro4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.repro4j.testing.JupyterProcess;

/** Jupyter's own conformance suite (Debian python3-jupyter-kernel-test) against the packaged kernel. */
class KernelConformanceIT {

    @Test
    void jupyterKernelTestSuitePasses() throws Exception {
        KernelHarness.assumeJupyter();
        String jupyterPath = KernelHarness.installForCurrentJdk();
        JupyterProcess.Result run = KernelHarness.unittest(jupyterPath, "kernel_conformance", 600);
        assertEquals(0, run.exitCode(), "jupyter_kernel_test failed:\n" + run.stdout() + run.stderr());
    }
}
