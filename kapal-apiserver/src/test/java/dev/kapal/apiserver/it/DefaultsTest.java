package dev.kapal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The defaults upstream fills in, as a client reading the object back sees them. */
@Timeout(30)
class DefaultsTest {
    @RegisterExtension
    static final TestCluster cluster = TestCluster.memory();

    private final KubernetesClient client = cluster.client();

    static Deployment deployment(String name, String image) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec()
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate()
                .withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().addNewContainer().withName("main").withImage(image).endContainer().endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    static Pod pod(String name, String... images) {
        PodBuilder builder = new PodBuilder().withNewMetadata().withName(name).endMetadata();
        PodSpec spec = new PodSpec();
        for (int i = 0; i < images.length; i++) {
            Container container = new Container();
            container.setName("c" + i);
            container.setImage(images[i]);
            spec.getContainers().add(container);
        }
        return builder.withSpec(spec).build();
    }

    @Test
    void deploymentDefaults() {
        Deployment created = client.apps().deployments().inNamespace("default")
                .resource(deployment("defaults-deploy", "nginx:1.25")).create();
        assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
        assertThat(created.getSpec().getReplicas()).isEqualTo(1);
        assertThat(created.getSpec().getRevisionHistoryLimit()).isEqualTo(10);
        assertThat(created.getSpec().getProgressDeadlineSeconds()).isEqualTo(600);
        assertThat(created.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(created.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getStrVal()).isEqualTo("25%");
        assertThat(created.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getStrVal()).isEqualTo("25%");
        PodSpec template = created.getSpec().getTemplate().getSpec();
        assertThat(template.getRestartPolicy()).isEqualTo("Always");
        assertThat(template.getDnsPolicy()).isEqualTo("ClusterFirst");
        assertThat(template.getSchedulerName()).isEqualTo("default-scheduler");
        assertThat(template.getTerminationGracePeriodSeconds()).isEqualTo(30L);
        assertThat(template.getSecurityContext()).isNotNull();
        Container container = template.getContainers().get(0);
        assertThat(container.getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(container.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(container.getTerminationMessagePolicy()).isEqualTo("File");
        assertThat(container.getResources()).isNotNull();
    }

    @Test
    void podDefaults() {
        Pod created = client.pods().inNamespace("default").resource(pod("defaults-pod", "nginx:1.25")).create();
        PodSpec spec = created.getSpec();
        assertThat(spec.getRestartPolicy()).isEqualTo("Always");
        assertThat(spec.getDnsPolicy()).isEqualTo("ClusterFirst");
        assertThat(spec.getSchedulerName()).isEqualTo("default-scheduler");
        assertThat(spec.getTerminationGracePeriodSeconds()).isEqualTo(30L);
        assertThat(spec.getEnableServiceLinks()).isTrue();
        assertThat(spec.getPriority()).isEqualTo(0);
        assertThat(spec.getPreemptionPolicy()).isEqualTo("PreemptLowerPriority");
        assertThat(spec.getTolerations()).anySatisfy(toleration -> {
            assertThat(toleration.getKey()).isEqualTo("node.kubernetes.io/not-ready");
            assertThat(toleration.getOperator()).isEqualTo("Exists");
            assertThat(toleration.getEffect()).isEqualTo("NoExecute");
            assertThat(toleration.getTolerationSeconds()).isEqualTo(300L);
        });
        assertThat(spec.getTolerations()).anySatisfy(toleration -> {
            assertThat(toleration.getKey()).isEqualTo("node.kubernetes.io/unreachable");
            assertThat(toleration.getOperator()).isEqualTo("Exists");
            assertThat(toleration.getEffect()).isEqualTo("NoExecute");
            assertThat(toleration.getTolerationSeconds()).isEqualTo(300L);
        });
        assertThat(created.getStatus().getPhase()).isEqualTo("Pending");
        assertThat(created.getStatus().getQosClass()).isEqualTo("BestEffort");
    }

    @Test
    void imagePullPolicyFollowsTheTag() {
        Pod created = client.pods().inNamespace("default").resource(pod("pull-policy",
                "nginx", "nginx:latest", "nginx:1.25", "registry.local:5000/app", "nginx@sha256:"
                        + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")).create();
        assertThat(created.getSpec().getContainers()).extracting(Container::getImagePullPolicy)
                .containsExactly("Always", "Always", "IfNotPresent", "Always", "IfNotPresent");
    }
}
