package dev.kapal.kubelet.runtime;

import java.util.Objects;

/**
 * CRI {@code VersionResponse}: {@code runtimeName} and {@code runtimeVersion} make the node's
 * {@code containerRuntimeVersion} ({@code containerd://1.6.20}, {@code sim://0.1.0});
 * {@code runtimeApiVersion} is {@code v1}.
 */
public record RuntimeVersion(String version, String runtimeName, String runtimeVersion, String runtimeApiVersion) {
    public RuntimeVersion {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(runtimeName, "runtimeName");
        Objects.requireNonNull(runtimeVersion, "runtimeVersion");
        Objects.requireNonNull(runtimeApiVersion, "runtimeApiVersion");
    }

    /** The node status' {@code containerRuntimeVersion}. */
    public String nodeRuntimeVersion() {
        return runtimeName + "://" + runtimeVersion;
    }
}
