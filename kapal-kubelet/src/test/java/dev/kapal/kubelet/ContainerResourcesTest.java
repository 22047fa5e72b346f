package dev.kapal.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapal.kubelet.runtime.ContainerConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerResourcesTest {
    private static final Quantity NODE_MEMORY = new Quantity("8Gi");

    private static Pod pod(String qos) {
        return new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewStatus().withQosClass(qos).endStatus().build();
    }

    private static Container container(Map<String, String> requests, Map<String, String> limits) {
        ContainerBuilder builder = new ContainerBuilder().withName("c").withNewResources().endResources();
        requests.forEach((name, value) -> builder.editResources().addToRequests(name, new Quantity(value)).endResources());
        limits.forEach((name, value) -> builder.editResources().addToLimits(name, new Quantity(value)).endResources());
        return builder.build();
    }

    @Test
    void requestsAndLimitsBecomeSharesQuotaAndMemoryLimit() {
        ContainerConfig.LinuxResources burstable = ContainerResources.of(pod("Burstable"),
                container(Map.of("cpu", "250m", "memory", "1Gi"), Map.of("cpu", "500m", "memory", "2Gi")), NODE_MEMORY);
        assertThat(burstable.cpuShares()).isEqualTo(256);
        assertThat(burstable.cpuPeriod()).isEqualTo(100_000);
        assertThat(burstable.cpuQuota()).isEqualTo(50_000);
        assertThat(burstable.memoryLimitInBytes()).isEqualTo(2L << 30);
        assertThat(burstable.oomScoreAdj()).isEqualTo(875);  // 1000 - 1000 * 1Gi / 8Gi

        ContainerConfig.LinuxResources bestEffort = ContainerResources.of(pod("BestEffort"), container(Map.of(), Map.of()), NODE_MEMORY);
        assertThat(bestEffort.cpuShares()).isEqualTo(2);
        assertThat(bestEffort.cpuQuota()).isZero();
        assertThat(bestEffort.memoryLimitInBytes()).isZero();
        assertThat(bestEffort.oomScoreAdj()).isEqualTo(1000);

        ContainerConfig.LinuxResources guaranteed = ContainerResources.of(pod("Guaranteed"),
                container(Map.of("cpu", "2", "memory", "1Gi"), Map.of("cpu", "2", "memory", "1Gi")), NODE_MEMORY);
        assertThat(guaranteed.cpuShares()).isEqualTo(2048);
        assertThat(guaranteed.cpuQuota()).isEqualTo(200_000);
        assertThat(guaranteed.oomScoreAdj()).isEqualTo(-997);
    }

    @Test
    void edgesAreClampedAsUpstream() {
        assertThat(ContainerResources.shares(1)).isEqualTo(2);
        assertThat(ContainerResources.shares(1_000_000)).isEqualTo(262_144);
        assertThat(ContainerResources.of(pod("Burstable"), container(Map.of(), Map.of("cpu", "1m")), NODE_MEMORY).cpuQuota())
                .isEqualTo(1_000);
        assertThat(ContainerResources.oomScoreAdj("Burstable", 8L << 30, 8L << 30)).isEqualTo(2);
        assertThat(ContainerResources.oomScoreAdj("Burstable", 0, 8L << 30)).isEqualTo(999);
    }
}
