package dev.kapal.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerEnvironmentTest {
    private static final ContainerEnvironment.Facts FACTS = new ContainerEnvironment.Facts(List.of("10.42.0.7"),
            List.of("192.168.1.5"), Map.of("cpu", new Quantity("2"), "memory", new Quantity("4Gi")));

    /** A hand-written store of one ConfigMap and one Secret in namespace "ns". */
    private static final ContainerEnvironment.Lookup OBJECTS = new ContainerEnvironment.Lookup() {
        @Override
        public Optional<ConfigMap> configMap(String namespace, String name) {
            return namespace.equals("ns") && name.equals("settings")
                    ? Optional.of(new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata()
                            .withData(Map.of("MODE", "fast", "bad key", "x", "greeting", "hello")).build())
                    : Optional.empty();
        }

        @Override
        public Optional<Secret> secret(String namespace, String name) {
            return namespace.equals("ns") && name.equals("credentials")
                    ? Optional.of(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
                            .withData(Map.of("password", Base64.getEncoder().encodeToString("s3cret".getBytes(StandardCharsets.UTF_8))))
                            .build())
                    : Optional.empty();
        }

        @Override
        public ContainerEnvironment.ServiceAccountToken token(io.fabric8.kubernetes.api.model.Pod pod, String audience,
                                                              long expirationSeconds) {
            throw new ContainerEnvironment.ConfigError("no tokens here");
        }
    };

    @Test
    void expandsDefinedVariablesKeepsUndefinedOnesAndUnescapesDollars() {
        Map<String, String> variables = Map.of("A", "1", "B", "two");
        assertThat(ContainerEnvironment.expand("$(A)-$(B)", variables)).isEqualTo("1-two");
        assertThat(ContainerEnvironment.expand("$(MISSING) $(A)", variables)).isEqualTo("$(MISSING) 1");
        assertThat(ContainerEnvironment.expand("$$(A) $$ $", variables)).isEqualTo("$(A) $ $");
        assertThat(ContainerEnvironment.expand("$(A", variables)).isEqualTo("$(A");
        assertThat(ContainerEnvironment.expand("cost $5", variables)).isEqualTo("cost $5");
    }

    @Test
    void resolvesEnvFromEnvAndDownwardApiInOrderAndExpandsCommandAndArgs() {
        Container container = new ContainerBuilder().withName("app").withImage("busybox")
                .withCommand("echo", "$(GREETING_greeting)", "$(POD_NAME)")
                .withArgs("$(CPU_LIMIT)", "$(MEMORY_MI)")
                .addNewEnvFrom().withPrefix("GREETING_").withNewConfigMapRef().withName("settings").endConfigMapRef().endEnvFrom()
                .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef()
                    .endValueFrom().endEnv()
                .addNewEnv().withName("WHERE").withValue("$(POD_NAME)@$(NODE)").endEnv()
                .addNewEnv().withName("NODE").withNewValueFrom().withNewFieldRef().withFieldPath("spec.nodeName").endFieldRef()
                    .endValueFrom().endEnv()
                .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef()
                    .endValueFrom().endEnv()
                .addNewEnv().withName("HOST_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.hostIP").endFieldRef()
                    .endValueFrom().endEnv()
                .addNewEnv().withName("TIER").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.labels['tier']").endFieldRef()
                    .endValueFrom().endEnv()
                .addNewEnv().withName("CPU_LIMIT").withNewValueFrom().withNewResourceFieldRef().withResource("limits.cpu")
                    .endResourceFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("MEMORY_MI").withNewValueFrom().withNewResourceFieldRef().withResource("requests.memory")
                    .withDivisor(new Quantity("1Mi")).endResourceFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("PASSWORD").withNewValueFrom().withNewSecretKeyRef().withName("credentials").withKey("password")
                    .endSecretKeyRef().endValueFrom().endEnv()
                .addNewEnv().withName("OPTIONAL").withNewValueFrom().withNewConfigMapKeyRef().withName("absent").withKey("k")
                    .withOptional(true).endConfigMapKeyRef().endValueFrom().endEnv()
                .withNewResources().withRequests(Map.of("memory", new Quantity("100M"))).endResources()
                .build();

        ContainerEnvironment.Resolved resolved = ContainerEnvironment.resolve(pod(container), container, FACTS, OBJECTS);

        assertThat(resolved.environment()).containsEntry("GREETING_MODE", "fast").containsEntry("GREETING_greeting", "hello")
                .doesNotContainKey("GREETING_bad key").doesNotContainKey("OPTIONAL")
                .containsEntry("POD_NAME", "web-1")
                .containsEntry("WHERE", "web-1@$(NODE)")   // NODE is defined after WHERE
                .containsEntry("NODE", "node-a")
                .containsEntry("POD_IP", "10.42.0.7").containsEntry("HOST_IP", "192.168.1.5")
                .containsEntry("TIER", "front")
                .containsEntry("CPU_LIMIT", "2")            // no limit: the node's allocatable
                .containsEntry("MEMORY_MI", "96")           // 100M / 1Mi rounded up
                .containsEntry("PASSWORD", "s3cret");
        assertThat(resolved.command()).containsExactly("echo", "hello", "web-1");
        assertThat(resolved.args()).containsExactly("2", "96");
    }

    @Test
    void missingConfigMapsSecretsAndKeysFailWithTheKubeletsMessageUnlessOptional() {
        Container missingMap = new ContainerBuilder().withName("app")
                .addNewEnv().withName("X").withNewValueFrom().withNewConfigMapKeyRef().withName("absent").withKey("k")
                    .endConfigMapKeyRef().endValueFrom().endEnv().build();
        assertThatThrownBy(() -> ContainerEnvironment.resolve(pod(missingMap), missingMap, FACTS, OBJECTS))
                .hasMessage("configmap \"absent\" not found");
        Container missingKey = new ContainerBuilder().withName("app")
                .addNewEnv().withName("X").withNewValueFrom().withNewConfigMapKeyRef().withName("settings").withKey("nope")
                    .endConfigMapKeyRef().endValueFrom().endEnv().build();
        assertThatThrownBy(() -> ContainerEnvironment.resolve(pod(missingKey), missingKey, FACTS, OBJECTS))
                .hasMessage("couldn't find key nope in ConfigMap ns/settings");
        Container missingSecret = new ContainerBuilder().withName("app")
                .addNewEnvFrom().withNewSecretRef().withName("gone").endSecretRef().endEnvFrom().build();
        assertThatThrownBy(() -> ContainerEnvironment.resolve(pod(missingSecret), missingSecret, FACTS, OBJECTS))
                .hasMessage("secret \"gone\" not found");
        Container optionalSecret = new ContainerBuilder().withName("app")
                .addNewEnvFrom().withNewSecretRef().withName("gone").withOptional(true).endSecretRef().endEnvFrom().build();
        assertThat(ContainerEnvironment.resolve(pod(optionalSecret), optionalSecret, FACTS, OBJECTS).environment()).isEmpty();
    }

    @Test
    void defaultPullPolicyIsAlwaysForLatestOrUntaggedImages() {
        assertThat(PodWorker.defaultPullPolicy("busybox")).isEqualTo("Always");
        assertThat(PodWorker.defaultPullPolicy("busybox:latest")).isEqualTo("Always");
        assertThat(PodWorker.defaultPullPolicy("localhost:5000/busybox")).isEqualTo("Always");
        assertThat(PodWorker.defaultPullPolicy("localhost:5000/busybox:1.36")).isEqualTo("IfNotPresent");
        assertThat(PodWorker.defaultPullPolicy("busybox@sha256:abc")).isEqualTo("IfNotPresent");
    }

    private static Pod pod(Container container) {
        return new PodBuilder().withNewMetadata().withName("web-1").withNamespace("ns").withUid("u-1")
                .withLabels(Map.of("tier", "front")).endMetadata()
                .withNewSpec().withNodeName("node-a").withContainers(container).endSpec().build();
    }

    private static io.fabric8.kubernetes.api.model.Service service(String namespace, String name, String clusterIp,
                                                                    io.fabric8.kubernetes.api.model.ServicePort... ports) {
        return new io.fabric8.kubernetes.api.model.ServiceBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().withClusterIP(clusterIp).withPorts(ports).endSpec().build();
    }

    private static io.fabric8.kubernetes.api.model.ServicePort port(String name, int port, String protocol) {
        return new io.fabric8.kubernetes.api.model.ServicePortBuilder().withName(name).withPort(port).withProtocol(protocol).build();
    }

    @Test
    void serviceVariablesAreDockerLinkStyleForTheNamespaceAndTheKubernetesService() {
        Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").endMetadata()
                .withNewSpec().addNewContainer().withName("c").endContainer().endSpec().build();
        List<io.fabric8.kubernetes.api.model.Service> services = List.of(
                service("default", "kubernetes", "10.43.0.1", port("https", 443, "TCP")),
                service("ns", "redis-primary", "10.43.0.11", port("", 6379, "TCP"), port("metrics", 9121, "TCP")),
                service("ns", "headless", "None", port("", 80, "TCP")),
                service("other", "elsewhere", "10.43.0.12", port("", 80, "TCP")));

        Map<String, String> variables = ContainerEnvironment.serviceVariables(pod, services);

        assertThat(variables).containsEntry("KUBERNETES_SERVICE_HOST", "10.43.0.1")
                .containsEntry("KUBERNETES_SERVICE_PORT", "443")
                .containsEntry("KUBERNETES_SERVICE_PORT_HTTPS", "443")
                .containsEntry("KUBERNETES_PORT", "tcp://10.43.0.1:443")
                .containsEntry("KUBERNETES_PORT_443_TCP", "tcp://10.43.0.1:443")
                .containsEntry("KUBERNETES_PORT_443_TCP_PROTO", "tcp")
                .containsEntry("KUBERNETES_PORT_443_TCP_PORT", "443")
                .containsEntry("KUBERNETES_PORT_443_TCP_ADDR", "10.43.0.1")
                .containsEntry("REDIS_PRIMARY_SERVICE_HOST", "10.43.0.11")
                .containsEntry("REDIS_PRIMARY_SERVICE_PORT", "6379")
                .containsEntry("REDIS_PRIMARY_SERVICE_PORT_METRICS", "9121")
                .containsEntry("REDIS_PRIMARY_PORT", "tcp://10.43.0.11:6379")
                .containsEntry("REDIS_PRIMARY_PORT_9121_TCP_ADDR", "10.43.0.11");
        assertThat(variables.keySet()).noneMatch(key -> key.startsWith("HEADLESS") || key.startsWith("ELSEWHERE"));

        // Without service links only the kubernetes Service is there; the container's own variables win and may use them.
        Pod unlinked = new PodBuilder(pod).editSpec().withEnableServiceLinks(false).endSpec().build();
        assertThat(ContainerEnvironment.serviceVariables(unlinked, services).keySet()).allMatch(key -> key.startsWith("KUBERNETES_"));
        Container container = new ContainerBuilder().withName("c").withCommand("echo", "$(REDIS_PRIMARY_SERVICE_HOST)")
                .addNewEnv().withName("REDIS_PRIMARY_SERVICE_PORT").withValue("1").endEnv()
                .addNewEnv().withName("URL").withValue("redis://$(REDIS_PRIMARY_SERVICE_HOST):$(REDIS_PRIMARY_SERVICE_PORT)").endEnv()
                .build();
        ContainerEnvironment.Resolved resolved = ContainerEnvironment.resolve(pod, container, FACTS.withServices(variables), OBJECTS);
        assertThat(resolved.environment()).containsEntry("REDIS_PRIMARY_SERVICE_PORT", "1")
                .containsEntry("URL", "redis://10.43.0.11:1")
                .containsEntry("KUBERNETES_SERVICE_HOST", "10.43.0.1");
        assertThat(resolved.command()).containsExactly("echo", "10.43.0.11");
    }
}
