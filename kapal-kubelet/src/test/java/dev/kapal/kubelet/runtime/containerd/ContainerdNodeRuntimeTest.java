package dev.kapal.kubelet.runtime.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ContainerdNodeRuntimeTest {
    @Test
    void endpointsAreUnixSocketsWithOrWithoutTheScheme() {
        assertThat(ContainerdNodeRuntime.socketOf("unix:///run/containerd/containerd.sock"))
                .isEqualTo(Path.of("/run/containerd/containerd.sock"));
        assertThat(ContainerdNodeRuntime.socketOf("/run/k3s/containerd/containerd.sock"))
                .isEqualTo(Path.of("/run/k3s/containerd/containerd.sock"));
        assertThatThrownBy(() -> ContainerdNodeRuntime.socketOf("tcp://127.0.0.1:1234"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void settingsRefuseADirectoryTooDeepForASocket() {
        Path deep = Path.of("/tmp", "x".repeat(100));
        assertThatThrownBy(() -> ContainerdSettings.underAgentDirectory(deep, "localhost/kapal/pause:1"))
                .hasMessageContaining("too deep");
    }

    @Test
    void configurationCarriesWhatOurHostsNeed() {
        ContainerdSettings settings = ContainerdSettings.underAgentDirectory(Path.of("/var/lib/kapal/agent"),
                "localhost/kapal/pause:1");
        String toml = settings.toml();

        assertThat(toml).contains("restrict_oom_score_adj = true", "SystemdCgroup = false",
                "address = \"/var/lib/kapal/agent/containerd/containerd.sock\"",
                "sandbox_image = \"localhost/kapal/pause:1\"", "bin_dir = \"/usr/lib/cni\"");
        assertThat(settings.cniTemplate()).contains("\"bridge\": \"cni0\"", "{{.PodCIDR}}",
                "\"dataDir\": \"/var/lib/kapal/agent/containerd/cni/ipam\"");
    }
}
