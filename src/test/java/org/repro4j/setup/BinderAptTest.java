package org.repro4j.setup;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Binder builds its image from binder/apt.txt; the local set-up installs from ./repro. They must not drift. */
class BinderAptTest {

    @Test
    void binderAptListsEveryDebianPackageTheSetUpInstalls() throws IOException {
        String script = Files.readString(Path.of("repro"));
        List<String> installed = new ArrayList<>();
        Matcher arrays = Pattern.compile("(?m)^APT_PACKAGES=\\(([^)]*)\\)").matcher(script);
        assertTrue(arrays.find(), "./repro no longer defines APT_PACKAGES=(...)");
        installed.addAll(List.of(arrays.group(1).trim().split("\\s+")));
        Matcher single = Pattern.compile("install_packages ([a-z0-9.+-]+)\\s*$", Pattern.MULTILINE).matcher(script);
        while (single.find()) {
            installed.add(single.group(1));
        }
        assertFalse(installed.isEmpty());
        Set<String> binder = new HashSet<>(Files.readAllLines(Path.of("binder/apt.txt")));
        List<String> missing = installed.stream().filter(p -> !binder.contains(p)).toList();
        assertTrue(missing.isEmpty(), "binder/apt.txt lacks packages ./repro installs: " + missing);
    }
}
