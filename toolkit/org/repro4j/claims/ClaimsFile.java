package org.repro4j.claims;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A claims file as {@link Claims} writes it: {@code build/claims/<notebook>.json}.
 *
 * @param notebook the notebook's name, e.g. {@code 11-bigram-subnetworks}
 * @param scale {@code smoke} or {@code full}
 * @param seed the seed of the run ({@code Repro.seed()})
 * @param claims the claims in the order first checked
 */
public record ClaimsFile(String notebook, String scale, long seed, List<Claim> claims) {

    /**
     * @param path a claims file
     * @return its contents
     * @throws IOException if it cannot be read or is not a claims file (the message names the file and what is
     *     missing)
     */
    public static ClaimsFile read(Path path) throws IOException {
        try {
            ClaimsFile file = new Gson().fromJson(Files.readString(path, StandardCharsets.UTF_8), ClaimsFile.class);
            if (file == null || file.claims() == null || file.scale() == null || file.notebook() == null) {
                throw new JsonParseException("missing \"notebook\", \"scale\" or \"claims\"");
            }
            return file;
        } catch (JsonParseException e) {
            throw new IOException(path + " is not a claims file: " + e.getMessage(), e);
        }
    }

    /** @return how many claims hold */
    public long held() {
        return claims.stream().filter(Claim::holds).count();
    }

    /** @return whether the numbers come from a full-scale run, the scale the thresholds are stated for */
    public boolean full() {
        return "full".equals(scale);
    }
}
