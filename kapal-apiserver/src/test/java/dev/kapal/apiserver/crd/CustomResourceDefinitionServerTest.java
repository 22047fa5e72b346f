package dev.kapal.apiserver.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kapal.apiserver.ApiServer;
import dev.kapal.apiserver.ApiServerConfig;
import dev.kapal.apiserver.auth.Authorizer;
import dev.kapal.apiserver.tls.ClusterPki;
import dev.kapal.apiserver.tls.InetLiterals;
import dev.kapal.apiserver.tls.SubjectAlternativeNames;
import dev.kapal.storage.Stores;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CronTab CRD of the Kubernetes docs, end to end through a real API server and fabric8. */
class CustomResourceDefinitionServerTest {
    private static final String CRD_NAME = "crontabs.stable.example.com";
    private static final ResourceDefinitionContext CRONTABS = new ResourceDefinitionContext.Builder()
            .withGroup("stable.example.com").withVersion("v1").withPlural("crontabs").withKind("CronTab")
            .withNamespaced(true).build();

    static {
        // Jetty's and fabric8's debug logging would drown the test output (the module has no logback-test.xml).
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.INFO);
    }

    @TempDir
    Path directory;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        Collections.reverse(open);
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    private record Running(ApiServer server, KubernetesClient client) {
    }

    private Running start(String endpoint) throws Exception {
        InetAddress loopback = InetLiterals.byAddress(new byte[] {127, 0, 0, 1});
        InetAddress serviceIp = InetLiterals.byAddress(new byte[] {10, 43, 0, 1});
        ClusterPki pki = ClusterPki.loadOrCreate(directory.resolve("tls"),
                SubjectAlternativeNames.kubernetesApiServer("cluster.local", serviceIp));
        ApiServerConfig config = new ApiServerConfig(loopback, 0, pki.tlsMaterial(), Stores.open(endpoint, directory),
                List.of(), Authorizer.ALLOW_AUTHENTICATED, loopback, serviceIp, "10.43.0.0/16", "cluster.local",
                Duration.ofSeconds(75), ApiServerConfig.DEFAULT_MAX_REQUEST_BYTES);
        ApiServer server = new ApiServer(config);
        server.start();
        open.add(server);
        Config clientConfig = new ConfigBuilder()
                .withMasterUrl("https://127.0.0.1:" + server.port())
                .withCaCertData(base64(pki.serverCa().certificatePem()))
                .withClientCertData(base64(pki.adminCertificate().certificatePem()))
                .withClientKeyData(base64(pki.adminCertificate().keyPem()))
                .withNamespace("default")
                .withRequestRetryBackoffLimit(0)
                .withRequestTimeout(10_000)
                .build();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(clientConfig).build();
        open.add(client);
        return new Running(server, client);
    }

    /**
     * Collects "TYPE name" of every change after {@code resourceVersion}, from the API server's own
     * watch of crontabs. (Over HTTP, fabric8's watch asks for a WebSocket upgrade, which the HTTP
     * front does not answer yet, and the front sends a watch's headers only with its first event.)
     */
    private List<String> watchEvents(ApiServer server, String resourceVersion) {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        var store = server.store(new dev.kapal.api.GroupVersionResource("stable.example.com", "v1", "crontabs"))
                .orElseThrow();
        var start = store.watch("default", new dev.kapal.apiserver.registry.Options.List(object -> true,
                resourceVersion, "", 0, "", java.util.Optional.empty()));
        var watcher = start.watcher();
        open.add(watcher::close);
        Thread.ofVirtual().start(() -> {
            try {
                while (!watcher.ended()) {
                    watcher.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS).ifPresent(item -> {
                        if (item instanceof dev.kapal.apiserver.cache.CacheWatcher.Item.Event event) {
                            events.add(event.event().type() + " " + event.event().object().name());
                        }
                    });
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return events;
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
    }

    private static JSONSchemaProps type(String type) {
        return new JSONSchemaPropsBuilder().withType(type).build();
    }

    private static CustomResourceDefinition cronTabDefinition() {
        return new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(CRD_NAME).endMetadata()
                .withNewSpec()
                .withGroup("stable.example.com")
                .withScope("Namespaced")
                .withNewNames().withPlural("crontabs").withSingular("crontab").withKind("CronTab")
                .withShortNames("ct").withCategories("all").endNames()
                .addNewVersion().withName("v1").withServed(true).withStorage(true)
                .withNewSchema().withNewOpenAPIV3Schema().withType("object")
                .addToProperties("spec", new JSONSchemaPropsBuilder().withType("object")
                        .addToProperties("cronSpec", type("string"))
                        .addToProperties("image", type("string"))
                        .addToProperties("replicas", type("integer"))
                        .build())
                .addToProperties("status", new JSONSchemaPropsBuilder().withType("object")
                        .addToProperties("replicas", type("integer"))
                        .addToProperties("labelSelector", type("string"))
                        .build())
                .endOpenAPIV3Schema().endSchema()
                .withNewSubresources().withNewStatus().endStatus()
                .withNewScale().withSpecReplicasPath(".spec.replicas").withStatusReplicasPath(".status.replicas")
                .withLabelSelectorPath(".status.labelSelector").endScale()
                .endSubresources()
                .addNewAdditionalPrinterColumn().withName("Spec").withType("string").withJsonPath(".spec.cronSpec")
                .endAdditionalPrinterColumn()
                .endVersion()
                .endSpec()
                .build();
    }

    private static GenericKubernetesResource cronTab(String name, Object replicas) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("stable.example.com/v1").withKind("CronTab")
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .addToAdditionalProperties("spec", Map.of("cronSpec", "* * * * */5", "image", "my-awesome-cron-image",
                        "replicas", replicas, "unknownField", "pruned"))
                .build();
    }

    private static CustomResourceDefinition established(KubernetesClient client) {
        client.apiextensions().v1().customResourceDefinitions().resource(cronTabDefinition()).create();
        return await().atMost(Duration.ofSeconds(10)).until(
                () -> client.apiextensions().v1().customResourceDefinitions().withName(CRD_NAME).get(),
                crd -> crd.getStatus() != null && crd.getStatus().getConditions() != null
                        && crd.getStatus().getConditions().stream()
                        .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True")));
    }

    @Test
    void cronTabsAreServedValidatedScaledAndRemovedWithTheirDefinition() throws Exception {
        Running running = start("memory://");
        KubernetesClient client = running.client();
        CustomResourceDefinition crd = established(client);
        assertThat(crd.getStatus().getAcceptedNames().getShortNames()).containsExactly("ct");
        assertThat(crd.getStatus().getStoredVersions()).containsExactly("v1");
        assertThat(crd.getStatus().getConditions()).anySatisfy(condition -> {
            assertThat(condition.getType()).isEqualTo("NamesAccepted");
            assertThat(condition.getReason()).isEqualTo("NoConflicts");
            assertThat(condition.getMessage()).isEqualTo("no conflicts found");
        });
        assertThat(crd.getStatus().getConditions()).anySatisfy(condition -> {
            assertThat(condition.getType()).isEqualTo("Established");
            assertThat(condition.getReason()).isEqualTo("InitialNamesAccepted");
        });
        assertThat(crd.getMetadata().getFinalizers()).isEmpty();

        // Discovery.
        var resources = client.getApiResources("stable.example.com/v1");
        assertThat(resources.getResources()).anySatisfy(resource -> {
            assertThat(resource.getName()).isEqualTo("crontabs");
            assertThat(resource.getShortNames()).containsExactly("ct");
            assertThat(resource.getCategories()).containsExactly("all");
        });
        assertThat(resources.getResources()).extracting(r -> r.getName())
                .contains("crontabs/status", "crontabs/scale");

        // Create (pruned).
        GenericKubernetesResource created = client.genericKubernetesResources(CRONTABS).inNamespace("default")
                .resource(cronTab("my-new-cron-object", 1)).create();
        assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
        Map<String, Object> spec = created.get("spec");
        assertThat(spec).containsEntry("replicas", 1).doesNotContainKey("unknownField");
        // Watch (see watchEvents for why not through fabric8) from the create on.
        List<String> events = watchEvents(running.server(), created.getMetadata().getResourceVersion());
        
        GenericKubernetesResource edited = client.genericKubernetesResources(CRONTABS).inNamespace("default")
                .withName("my-new-cron-object").edit(object -> {
                    Map<String, Object> newSpec = new java.util.HashMap<>(object.get("spec"));
                    newSpec.put("image", "other");
                    object.setAdditionalProperty("spec", newSpec);
                    object.setAdditionalProperty("status", Map.of("replicas", 7));
                    return object;
                });
        assertThat(edited.getMetadata().getGeneration()).isEqualTo(2L);
        assertThat(edited.getAdditionalProperties()).doesNotContainKey("status");
        await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("MODIFIED my-new-cron-object"));

        // Status subresource: changes status only.
        GenericKubernetesResource withStatus = client.genericKubernetesResources(CRONTABS).inNamespace("default")
                .withName("my-new-cron-object").get();
        withStatus.setAdditionalProperty("status", Map.of("replicas", 2, "labelSelector", "app=cron"));
        withStatus.setAdditionalProperty("spec", Map.of("cronSpec", "ignored"));
        GenericKubernetesResource statusUpdated = client.genericKubernetesResources(CRONTABS).inNamespace("default")
                .resource(withStatus).updateStatus();
        Map<String, Object> status = statusUpdated.get("status");
        assertThat(status).containsEntry("replicas", 2);
        Map<String, Object> keptSpec = statusUpdated.get("spec");
        assertThat(keptSpec).containsEntry("image", "other");
        assertThat(statusUpdated.getMetadata().getGeneration()).isEqualTo(2L);

        // Scale subresource.
        var scale = client.genericKubernetesResources(CRONTABS).inNamespace("default")
                .withName("my-new-cron-object").scale();
        assertThat(scale.getSpec().getReplicas()).isEqualTo(1);
        assertThat(scale.getStatus().getReplicas()).isEqualTo(2);
        assertThat(scale.getStatus().getSelector()).isEqualTo("app=cron");
        client.genericKubernetesResources(CRONTABS).inNamespace("default").withName("my-new-cron-object").scale(5);
        Map<String, Object> scaledSpec = client.genericKubernetesResources(CRONTABS).inNamespace("default")
                .withName("my-new-cron-object").get().get("spec");
        assertThat(scaledSpec).containsEntry("replicas", 5);

        // Validation.
        assertThatThrownBy(() -> client.genericKubernetesResources(CRONTABS).inNamespace("default")
                .resource(cronTab("bad", "three")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getDetails().getCauses()).singleElement().satisfies(cause -> {
                        assertThat(cause.getField()).isEqualTo("spec.replicas");
                        assertThat(cause.getReason()).isEqualTo("FieldValueTypeInvalid");
                        assertThat(cause.getMessage()).isEqualTo(
                                "Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"");
                    });
                });

        // Deleting the CRD deletes its objects, then the CRD and its discovery entry.
        client.apiextensions().v1().customResourceDefinitions().withName(CRD_NAME).delete();
        await().atMost(Duration.ofSeconds(10)).until(
                () -> client.apiextensions().v1().customResourceDefinitions().withName(CRD_NAME).get() == null);
        await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("DELETED my-new-cron-object"));
        assertThat(client.getApiGroups().getGroups()).noneMatch(group -> group.getName().equals("stable.example.com"));

        // A new CRD of the same name starts empty.
        established(client);
        assertThat(client.genericKubernetesResources(CRONTABS).inNamespace("default").list().getItems()).isEmpty();
    }

    @Test
    void conflictingNamesAreNotAccepted() throws Exception {
        KubernetesClient client = start("memory://").client();
        established(client);
        CustomResourceDefinition rival = new CustomResourceDefinitionBuilder(cronTabDefinition())
                .editMetadata().withName("crontabz.stable.example.com").endMetadata()
                .editSpec().editNames().withPlural("crontabz").withSingular("crontabz").withShortNames("ct")
                .withKind("CronTabZ").withListKind("CronTabZList").endNames().endSpec()
                .build();
        client.apiextensions().v1().customResourceDefinitions().resource(rival).create();
        CustomResourceDefinition refused = await().atMost(Duration.ofSeconds(10)).until(
                () -> client.apiextensions().v1().customResourceDefinitions().withName("crontabz.stable.example.com").get(),
                crd -> crd.getStatus() != null && crd.getStatus().getConditions() != null
                        && !crd.getStatus().getConditions().isEmpty());
        assertThat(refused.getStatus().getConditions()).anySatisfy(condition -> {
            assertThat(condition.getType()).isEqualTo("NamesAccepted");
            assertThat(condition.getStatus()).isEqualTo("False");
            assertThat(condition.getReason()).isEqualTo("ShortNamesConflict");
            assertThat(condition.getMessage()).isEqualTo("\"ct\" is already in use");
        });
        assertThat(refused.getStatus().getConditions()).anySatisfy(condition -> {
            assertThat(condition.getType()).isEqualTo("Established");
            assertThat(condition.getStatus()).isEqualTo("False");
        });
    }

    @Test
    void storedDefinitionsAreServedRightAfterARestart() throws Exception {
        Running first = start("sqlite://" + directory.resolve("state.db"));
        established(first.client());
        first.client().genericKubernetesResources(CRONTABS).inNamespace("default")
                .resource(cronTab("survivor", 3)).create();
        first.client().close();
        first.server().close();
        open.clear();

        Running second = start("sqlite://" + directory.resolve("state.db"));
        GenericKubernetesResource survivor = second.client().genericKubernetesResources(CRONTABS).inNamespace("default")
                .withName("survivor").get();
        assertThat(survivor).isNotNull();
        Map<String, Object> spec = survivor.get("spec");
        assertThat(spec).containsEntry("replicas", 3);
    }
}
