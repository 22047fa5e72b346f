package dev.kapal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import org.junit.jupiter.api.Test;

class LoopbackClientsTest {
    @Test
    void componentsIntroduceThemselvesAsUpstreamsBinariesDo() {
        assertThat(LoopbackClients.userAgent("system:kube-controller-manager"))
                .matches("kube-controller-manager/v1\\.33\\.\\d+ \\(linux/(amd64|arm64)\\) kubernetes/kapal");
        assertThat(LoopbackClients.userAgent("system:kube-scheduler")).startsWith("kube-scheduler/v1.33.");
        assertThat(LoopbackClients.userAgent("system:node:edge-1")).startsWith("kubelet/v1.33.");
        assertThat(LoopbackClients.userAgent("system:kapal-sim-nodes")).startsWith("kubelet/v1.33.");
        assertThat(LoopbackClients.userAgent("system:admin")).isEqualTo(Config.KUBERNETES_USER_AGENT);
    }
}
