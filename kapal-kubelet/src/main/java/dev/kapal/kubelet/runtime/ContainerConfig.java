package dev.kapal.kubelet.runtime;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * CRI {@code ContainerConfig}, the fields Kapal uses: identity, image, command and arguments
 * (already expanded by the kubelet), environment, working directory, labels and annotations
 * (the kubelet passes the pod's annotations down, which is how the simulated runtime learns
 * {@code sim.kapal.dev/complete-after}). Mounts, devices and Linux resources join with the
 * containerd runtime.
 */
public record ContainerConfig(
        ContainerMetadata metadata,
        ImageSpec image,
        List<String> command,
        List<String> args,
        String workingDir,
        List<KeyValue> envs,
        Map<String, String> labels,
        Map<String, String> annotations) {

    /** CRI {@code KeyValue}: one environment variable. */
    public record KeyValue(String key, String value) {
        public KeyValue {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    public ContainerConfig {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(image, "image");
        command = List.copyOf(command);
        args = List.copyOf(args);
        Objects.requireNonNull(workingDir, "workingDir");
        envs = List.copyOf(envs);
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }
}
