package dev.kapal.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

class PodCgroupsTest {
    private static PodBuilder pod(String qos) {
        return new PodBuilder().withNewMetadata().withName("p").withUid("u1").endMetadata()
                .withNewSpec().endSpec().withNewStatus().withQosClass(qos).endStatus();
    }

    @Test
    void theParentFollowsTheQosClass() {
        assertThat(PodCgroups.parentOf(pod("Guaranteed").build())).isEqualTo("/kubepods/podu1");
        assertThat(PodCgroups.parentOf(pod("Burstable").build())).isEqualTo("/kubepods/burstable/podu1");
        assertThat(PodCgroups.parentOf(pod("BestEffort").build())).isEqualTo("/kubepods/besteffort/podu1");
    }

    @Test
    void guaranteedPodsAreLimitedByTheirLimitsAndTheBiggestInitContainerCounts() {
        Pod pod = pod("Guaranteed").editSpec()
                .addNewInitContainer().withName("init").withNewResources().addToLimits("cpu", new Quantity("2"))
                    .addToLimits("memory", new Quantity("1Gi")).endResources().endInitContainer()
                .addNewContainer().withName("a").withNewResources().addToLimits("cpu", new Quantity("500m"))
                    .addToLimits("memory", new Quantity("128Mi")).endResources().endContainer()
                .endSpec().build();
        assertThat(PodCgroups.limitsOf(pod)).isEqualTo(new PodCgroups.Limits(2048, 200_000, 1L << 30));
    }

    @Test
    void burstablePodsGetAQuotaOrMemoryLimitOnlyWhenEveryContainerDeclaresOne() {
        Pod pod = pod("Burstable").editSpec()
                .addNewContainer().withName("a").withNewResources().addToRequests("cpu", new Quantity("100m"))
                    .addToLimits("memory", new Quantity("64Mi")).endResources().endContainer()
                .addNewContainer().withName("b").withNewResources().addToLimits("cpu", new Quantity("1"))
                    .addToLimits("memory", new Quantity("64Mi")).endResources().endContainer()
                .endSpec().build();
        // cpu: 100m + 1 (b's limit stands for its request); a declares no cpu limit, so no quota.
        assertThat(PodCgroups.limitsOf(pod)).isEqualTo(new PodCgroups.Limits(1126, -1, 128L << 20));
        Pod bestEffort = pod("BestEffort").editSpec().addNewContainer().withName("a").endContainer().endSpec().build();
        assertThat(PodCgroups.limitsOf(bestEffort)).isEqualTo(new PodCgroups.Limits(2, -1, -1));
    }
}
