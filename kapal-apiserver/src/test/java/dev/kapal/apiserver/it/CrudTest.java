package dev.kapal.apiserver.it;

import static dev.kapal.apiserver.it.Errors.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Create, read, update and delete of the everyday kinds, and the errors around them. */
@Timeout(30)
class CrudTest {
    @RegisterExtension
    static final TestCluster cluster = TestCluster.memory();

    private final KubernetesClient client = cluster.client();

    private static ConfigMap configMap(String name) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().addToData("key", "value").build();
    }

    @Test
    void configMapLifecycle() {
        ConfigMap created = client.configMaps().inNamespace("default").resource(configMap("crud-cm")).create();
        assertThat(created.getMetadata().getUid()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(created.getMetadata().getResourceVersion()).matches("[0-9]+");
        assertThat(created.getMetadata().getNamespace()).isEqualTo("default");
        assertThat(Instant.parse(created.getMetadata().getCreationTimestamp()))
                .isBetween(Instant.now().minus(Duration.ofMinutes(1)), Instant.now().plus(Duration.ofMinutes(1)));
        assertThat(created.getKind()).isEqualTo("ConfigMap");
        assertThat(created.getApiVersion()).isEqualTo("v1");

        ConfigMap read = client.configMaps().inNamespace("default").withName("crud-cm").get();
        assertThat(read.getData()).containsExactlyEntriesOf(java.util.Map.of("key", "value"));
        assertThat(read.getMetadata().getResourceVersion()).isEqualTo(created.getMetadata().getResourceVersion());

        read.getData().put("key", "changed");
        ConfigMap updated = client.configMaps().inNamespace("default").resource(read).update();
        assertThat(updated.getData()).containsEntry("key", "changed");
        assertThat(Long.parseLong(updated.getMetadata().getResourceVersion()))
                .isGreaterThan(Long.parseLong(created.getMetadata().getResourceVersion()));
        assertThat(updated.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());
        assertThat(updated.getMetadata().getCreationTimestamp()).isEqualTo(created.getMetadata().getCreationTimestamp());

        assertThat(client.configMaps().inNamespace("default").withName("crud-cm").delete()).hasSize(1);
        assertThat(client.configMaps().inNamespace("default").withName("crud-cm").get()).isNull();
    }

    @Test
    void secretStringDataIsFoldedIntoBase64Data() {
        Secret created = client.secrets().inNamespace("default").resource(new SecretBuilder()
                .withNewMetadata().withName("crud-secret").endMetadata()
                .addToStringData("password", "s3cr3t")
                .addToData("raw", Base64.getEncoder().encodeToString("bytes".getBytes(StandardCharsets.UTF_8)))
                .build()).create();
        assertThat(created.getType()).isEqualTo("Opaque");
        assertThat(created.getStringData()).isNullOrEmpty();
        assertThat(created.getData()).containsEntry("password",
                Base64.getEncoder().encodeToString("s3cr3t".getBytes(StandardCharsets.UTF_8)));
        assertThat(created.getData()).containsKey("raw");
        Secret read = client.secrets().inNamespace("default").withName("crud-secret").get();
        assertThat(read.getData()).isEqualTo(created.getData());
        assertThat(read.getStringData()).isNullOrEmpty();
    }

    @Test
    void namespaceLifecycleAndSystemNamespaces() {
        assertThat(client.namespaces().list().getItems()).extracting(ns -> ns.getMetadata().getName())
                .contains("default", "kube-system", "kube-public", "kube-node-lease");
        Namespace created = client.namespaces().resource(new NamespaceBuilder()
                .withNewMetadata().withName("crud-ns").endMetadata().build()).create();
        assertThat(created.getMetadata().getNamespace()).isNull();
        assertThat(created.getSpec().getFinalizers()).containsExactly("kubernetes");
        assertThat(created.getStatus().getPhase()).isEqualTo("Active");
        assertThat(created.getMetadata().getLabels()).containsEntry("kubernetes.io/metadata.name", "crud-ns");
        client.configMaps().inNamespace("crud-ns").resource(configMap("inside")).create();
        assertThat(client.configMaps().inNamespace("crud-ns").list().getItems()).hasSize(1);
    }

    @Test
    void nodeKeepsTheStatusItIsCreatedWith() {
        io.fabric8.kubernetes.api.model.Node created = client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder()
                .withNewMetadata().withName("crud-node").endMetadata()
                .withNewStatus()
                .addToCapacity("cpu", new io.fabric8.kubernetes.api.model.Quantity("4"))
                .addToAllocatable("cpu", new io.fabric8.kubernetes.api.model.Quantity("4"))
                .endStatus().build()).create();
        assertThat(created.getStatus().getAllocatable()).containsKey("cpu");
        assertThat(client.nodes().withName("crud-node").get().getStatus().getCapacity().get("cpu").getAmount()).isEqualTo("4");
        // A Node created bare still has a status: upstream always serialises nodeInfo and daemonEndpoints.
        io.fabric8.kubernetes.api.model.Node bare = client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder()
                .withNewMetadata().withName("crud-bare-node").endMetadata().build()).create();
        assertThat(bare.getStatus().getNodeInfo().getKubeletVersion()).isEmpty();
        assertThat(bare.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort()).isZero();
        // Other kinds still start with the status the server gives them.
        Pod pod = client.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("crud-status-pod").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
                .withNewStatus().withPhase("Running").endStatus().build()).create();
        assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
    }

    @Test
    void kubernetesServiceHasTheFirstServiceIp() {
        Service kubernetes = client.services().inNamespace("default").withName("kubernetes").get();
        assertThat(kubernetes.getSpec().getClusterIP()).isEqualTo("10.43.0.1");
        assertThat(kubernetes.getSpec().getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getName()).isEqualTo("https");
            assertThat(port.getPort()).isEqualTo(443);
        });
    }

    @Test
    void serviceGetsAClusterIpAndDefaults() {
        Service created = client.services().inNamespace("default").resource(new ServiceBuilder()
                .withNewMetadata().withName("crud-svc").endMetadata()
                .withNewSpec().addToSelector("app", "web").addNewPort().withPort(80).endPort().endSpec()
                .build()).create();
        assertThat(created.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(created.getSpec().getClusterIP()).startsWith("10.43.").isNotEqualTo("10.43.0.1");
        assertThat(created.getSpec().getClusterIPs()).containsExactly(created.getSpec().getClusterIP());
        assertThat(created.getSpec().getSessionAffinity()).isEqualTo("None");
        assertThat(created.getSpec().getIpFamilies()).containsExactly("IPv4");
        assertThat(created.getSpec().getIpFamilyPolicy()).isEqualTo("SingleStack");
        assertThat(created.getSpec().getInternalTrafficPolicy()).isEqualTo("Cluster");
        assertThat(created.getSpec().getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getProtocol()).isEqualTo("TCP");
            assertThat(port.getTargetPort().getIntVal()).isEqualTo(80);
        });
    }

    @Test
    void generateNameMakesUniqueNames() {
        ConfigMap template = new ConfigMapBuilder().withNewMetadata().withGenerateName("gen-").endMetadata().build();
        ConfigMap first = client.configMaps().inNamespace("default").resource(template).create();
        ConfigMap second = client.configMaps().inNamespace("default").resource(template).create();
        assertThat(first.getMetadata().getName()).matches("gen-[a-z0-9]{5}");
        assertThat(second.getMetadata().getName()).matches("gen-[a-z0-9]{5}").isNotEqualTo(first.getMetadata().getName());
        assertThat(first.getMetadata().getGenerateName()).isEqualTo("gen-");
    }

    @Test
    void creatingTwiceIsAlreadyExists() {
        client.configMaps().inNamespace("default").resource(configMap("twice")).create();
        Status status = statusOf(409, () -> client.configMaps().inNamespace("default").resource(configMap("twice")).create());
        assertThat(status.getReason()).isEqualTo("AlreadyExists");
        assertThat(status.getStatus()).isEqualTo("Failure");
        assertThat(status.getCode()).isEqualTo(409);
        assertThat(status.getDetails().getName()).isEqualTo("twice");
        assertThat(status.getDetails().getKind()).isEqualTo("configmaps");
        assertThat(status.getMessage()).isEqualTo("configmaps \"twice\" already exists");
    }

    @Test
    void missingObjectIsNotFound() {
        assertThat(client.configMaps().inNamespace("default").withName("absent").get()).isNull();
        Status status = statusOf(404, () -> client.configMaps().inNamespace("default").withName("absent")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"a\":\"b\"}}"));
        assertThat(status.getReason()).isEqualTo("NotFound");
        assertThat(status.getMessage()).isEqualTo("configmaps \"absent\" not found");
        assertThat(status.getDetails().getKind()).isEqualTo("configmaps");
    }

    @Test
    void createInAMissingNamespaceIsNotFound() {
        Status status = statusOf(404, () -> client.configMaps().inNamespace("no-such-ns").resource(configMap("x")).create());
        assertThat(status.getReason()).isEqualTo("NotFound");
        assertThat(status.getMessage()).isEqualTo("namespaces \"no-such-ns\" not found");
        assertThat(status.getDetails().getKind()).isEqualTo("namespaces");
        assertThat(status.getDetails().getName()).isEqualTo("no-such-ns");
    }

    @Test
    void badNameIsInvalidWithACause() {
        Status status = statusOf(422, () -> client.configMaps().inNamespace("default").resource(configMap("Bad_Name")).create());
        assertThat(status.getReason()).isEqualTo("Invalid");
        assertThat(status.getDetails().getKind()).isEqualTo("ConfigMap");
        assertThat(status.getDetails().getName()).isEqualTo("Bad_Name");
        assertThat(status.getMessage()).startsWith("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\"");
        assertThat(status.getDetails().getCauses()).singleElement().satisfies(cause -> {
            assertThat(cause.getReason()).isEqualTo("FieldValueInvalid");
            assertThat(cause.getField()).isEqualTo("metadata.name");
            assertThat(cause.getMessage()).startsWith("Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain");
        });
    }

    @Test
    void podWithoutImageIsInvalid() {
        Pod pod = new PodBuilder().withNewMetadata().withName("no-image").endMetadata()
                .withNewSpec().addNewContainer().withName("main").endContainer().endSpec().build();
        Status status = statusOf(422, () -> client.pods().inNamespace("default").resource(pod).create());
        assertThat(status.getReason()).isEqualTo("Invalid");
        assertThat(status.getDetails().getKind()).isEqualTo("Pod");
        List<StatusCause> causes = status.getDetails().getCauses();
        assertThat(causes).anySatisfy(cause -> {
            assertThat(cause.getReason()).isEqualTo("FieldValueRequired");
            assertThat(cause.getField()).isEqualTo("spec.containers[0].image");
            assertThat(cause.getMessage()).isEqualTo("Required value");
        });
        assertThat(status.getMessage()).contains("spec.containers[0].image: Required value");
    }

    @Test
    void deleteReturnsTheDeletedObjectAndSecondDeleteIsNotFound() {
        client.configMaps().inNamespace("default").resource(configMap("delete-me")).create();
        assertThat(client.configMaps().inNamespace("default").withName("delete-me").delete())
                .singleElement().satisfies(details -> assertThat(details.getName()).isEqualTo("delete-me"));
        assertThat(client.configMaps().inNamespace("default").withName("delete-me").delete()).isEmpty();
    }
}
