package dev.kapal.kubelet.runtime.oci;

import java.util.List;
import java.util.Objects;

/**
 * The runtime defaults an OCI image configuration carries ({@code config} in the image config
 * JSON): entrypoint, command, environment and working directory. Empty lists and an empty
 * working directory are left out of the JSON.
 */
public record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir) {
    /** The usual PATH of a Linux image. */
    public static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        Objects.requireNonNull(workingDir, "workingDir");
    }

    /** An image that runs {@code cmd} with the default PATH. */
    public static ImageConfig command(List<String> cmd) {
        return new ImageConfig(List.of(), cmd, List.of(DEFAULT_PATH), "");
    }
}
