package org.repro4j.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Platform;
import org.junit.jupiter.api.Test;

class NativeMemoryTest {

    @Test
    void mallocSettingsApplyOnGlibcLinuxAndCanBeRepeated() {
        assumeTrue(Platform.isLinux(), "glibc malloc tuning only exists on Linux");
        assertTrue(NativeMemory.keepFreedMemory());
        assertTrue(NativeMemory.keepFreedMemory());
    }
}
