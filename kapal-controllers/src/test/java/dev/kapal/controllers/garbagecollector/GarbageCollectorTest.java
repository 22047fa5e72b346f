package dev.kapal.controllers.garbagecollector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.apiserver.testing.InProcessApiServer;
import dev.kapal.controllers.ControllerManager;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The garbage collector against an in-process API server that adds the GC finalizers on delete. */
class GarbageCollectorTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static InProcessApiServer server;
    private static KubernetesClient admin;
    private static ControllerManager manager;

    @BeforeAll
    static void start() throws Exception {
        server = new InProcessApiServer(config -> config.withGarbageCollection(true));
        admin = server.admin();
        manager = new ControllerManager(server.clientFor("system:kube-controller-manager"),
                List.of(new ControllerManager.Definition(GarbageCollector.NAME,
                        context -> GarbageCollector.create(context, Duration.ofSeconds(1)))), "");
        manager.start();
        manager.ready().get(90, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        if (manager != null) {
            manager.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static ConfigMap configMap(String namespace, String name, OwnerReference... owners) {
        return admin.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                .withOwnerReferences(owners).endMetadata().withData(Map.of("k", "v")).build()).create();
    }

    private static OwnerReference ownedBy(HasMetadata owner, boolean blockOwnerDeletion) {
        return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
                .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                .withBlockOwnerDeletion(blockOwnerDeletion ? Boolean.TRUE : null).build();
    }

    private static ConfigMap getConfigMap(String namespace, String name) {
        return admin.configMaps().inNamespace(namespace).withName(name).get();
    }

    @Test
    void backgroundDeletionRemovesDependentsOnceTheOwnerIsGone() {
        ConfigMap owner = configMap("default", "bg-owner");
        configMap("default", "bg-child-1", ownedBy(owner, false));
        configMap("default", "bg-child-2", ownedBy(owner, true));
        ConfigMap unrelated = configMap("default", "bg-unrelated");

        admin.configMaps().inNamespace("default").withName("bg-owner").withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();

        await().atMost(PATIENCE).until(() -> getConfigMap("default", "bg-child-1") == null
                && getConfigMap("default", "bg-child-2") == null);
        assertThat(getConfigMap("default", unrelated.getMetadata().getName())).isNotNull();
    }

    @Test
    void podsOfADeletedReplicaSetAreCollected() {
        ReplicaSet replicaSet = admin.apps().replicaSets().inNamespace("default").resource(new ReplicaSetBuilder()
                .withNewMetadata().withName("rs-owner").endMetadata().withNewSpec().withReplicas(0)
                .withNewSelector().addToMatchLabels("app", "rs-owner").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "rs-owner").endMetadata().withNewSpec()
                .addNewContainer().withName("c").withImage("nginx").endContainer().endSpec().endTemplate().endSpec().build()).create();
        for (int i = 0; i < 3; i++) {
            admin.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("rs-owner-" + i)
                    .addToLabels("app", "rs-owner").withOwnerReferences(new OwnerReferenceBuilder(ownedBy(replicaSet, true))
                            .withController(true).build()).endMetadata()
                    .withNewSpec().addNewContainer().withName("c").withImage("nginx").endContainer().endSpec().build()).create();
        }
        admin.apps().replicaSets().inNamespace("default").withName("rs-owner").delete();
        // Unscheduled pods are deleted at once (no kubelet to wait for).
        await().atMost(PATIENCE).until(() -> admin.pods().inNamespace("default").withLabel("app", "rs-owner").list().getItems().isEmpty());
    }

    @Test
    void aCustomResourceDefinedAfterStartOwnsAConfigMap() {
        admin.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName("widgets.gc.example.com").endMetadata()
                .withNewSpec().withGroup("gc.example.com").withScope("Namespaced")
                .withNewNames().withPlural("widgets").withSingular("widget").withKind("Widget").endNames()
                .addNewVersion().withName("v1").withServed(true).withStorage(true)
                .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema().endSchema().endVersion().endSpec().build()).create();
        ResourceDefinitionContext widgets = new ResourceDefinitionContext.Builder().withGroup("gc.example.com")
                .withVersion("v1").withPlural("widgets").withKind("Widget").withNamespaced(true).build();
        GenericKubernetesResource widget = await().atMost(PATIENCE).ignoreExceptions().until(() -> admin
                .genericKubernetesResources(widgets).inNamespace("default").resource(new GenericKubernetesResourceBuilder()
                        .withApiVersion("gc.example.com/v1").withKind("Widget").withNewMetadata().withName("w1").endMetadata()
                        .build()).create(), created -> created != null);
        configMap("default", "widget-child", ownedBy(widget, false));

        admin.genericKubernetesResources(widgets).inNamespace("default").withName("w1").delete();

        await().atMost(PATIENCE).until(() -> getConfigMap("default", "widget-child") == null);
    }

    @Test
    void foregroundDeletionDeletesBlockingDependentsFirstThenTheOwner() {
        ConfigMap owner = configMap("default", "fg-owner");
        // A dependent that lingers while being deleted (its own finalizer) keeps blocking the owner.
        admin.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("fg-blocker")
                .withOwnerReferences(ownedBy(owner, true)).withFinalizers("example.com/hold").endMetadata().build()).create();
        configMap("default", "fg-free", ownedBy(owner, false));

        admin.configMaps().inNamespace("default").withName("fg-owner").withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();

        await().atMost(PATIENCE).until(() -> getConfigMap("default", "fg-blocker").getMetadata().getDeletionTimestamp() != null
                && getConfigMap("default", "fg-free") == null);
        ConfigMap waiting = getConfigMap("default", "fg-owner");
        assertThat(waiting).isNotNull();
        assertThat(waiting.getMetadata().getFinalizers()).contains("foregroundDeletion");
        assertThat(waiting.getMetadata().getDeletionTimestamp()).isNotNull();

        admin.configMaps().inNamespace("default").withName("fg-blocker").edit(configMap -> {
            configMap.getMetadata().setFinalizers(List.of());
            return configMap;
        });
        await().atMost(PATIENCE).until(() -> getConfigMap("default", "fg-owner") == null);
        assertThat(getConfigMap("default", "fg-blocker")).isNull();
    }

    @Test
    void orphanDeletionLeavesDependentsWithoutTheOwnerReference() {
        ConfigMap owner = configMap("default", "orphan-owner");
        ConfigMap other = configMap("default", "orphan-other-owner");
        configMap("default", "orphan-child", ownedBy(owner, true), ownedBy(other, false));
        configMap("default", "orphan-only-child", ownedBy(owner, false));

        admin.configMaps().inNamespace("default").withName("orphan-owner").withPropagationPolicy(DeletionPropagation.ORPHAN).delete();

        await().atMost(PATIENCE).until(() -> getConfigMap("default", "orphan-owner") == null);
        ConfigMap child = getConfigMap("default", "orphan-child");
        assertThat(child.getMetadata().getOwnerReferences()).extracting(OwnerReference::getUid)
                .containsExactly(other.getMetadata().getUid());
        assertThat(getConfigMap("default", "orphan-only-child").getMetadata().getOwnerReferences()).isEmpty();
    }

    @Test
    void aDependentWhoseOwnerUidDoesNotMatchIsDeleted() {
        ConfigMap owner = configMap("default", "uid-owner");
        configMap("default", "uid-child", new OwnerReferenceBuilder(ownedBy(owner, false)).withUid("00000000-0000-0000-0000-00000000dead").build());
        configMap("default", "uid-child-of-absent", new OwnerReferenceBuilder(ownedBy(owner, false)).withName("never-existed")
                .withUid("00000000-0000-0000-0000-00000000beef").build());

        await().atMost(PATIENCE).until(() -> getConfigMap("default", "uid-child") == null
                && getConfigMap("default", "uid-child-of-absent") == null);
        assertThat(getConfigMap("default", "uid-owner")).isNotNull();
    }

    @Test
    void anOwnerInAnotherNamespaceCountsAsAbsentAndIsReported() {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("gc-other").endMetadata().build()).create();
        ConfigMap owner = configMap("gc-other", "elsewhere");
        configMap("default", "cross-child", ownedBy(owner, false));

        await().atMost(PATIENCE).until(() -> getConfigMap("default", "cross-child") == null);
        await().atMost(PATIENCE).until(() -> admin.v1().events().inNamespace("default").list().getItems().stream()
                .anyMatch(event -> "OwnerRefInvalidNamespace".equals(event.getReason())
                        && "cross-child".equals(event.getInvolvedObject().getName())));
        assertThat(getConfigMap("gc-other", "elsewhere")).isNotNull();
    }

    @Test
    void aLiveOwnerKeepsItsDependent() {
        ConfigMap owner = configMap("default", "live-owner");
        configMap("default", "live-child", ownedBy(owner, false));
        Pod marker = admin.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("live-marker")
                .withOwnerReferences(ownedBy(owner, false)).endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("nginx").endContainer().endSpec().build()).create();
        // A dependent with an absent owner created after the live one: once it is collected, the
        // collector has looked at the graph; the live owner's dependents must still be there.
        configMap("default", "live-probe", new OwnerReferenceBuilder(ownedBy(owner, false)).withName("gone")
                .withUid("00000000-0000-0000-0000-0000000f00d").build());
        await().atMost(PATIENCE).until(() -> getConfigMap("default", "live-probe") == null);
        assertThat(getConfigMap("default", "live-child")).isNotNull();
        assertThat(admin.pods().inNamespace("default").withName(marker.getMetadata().getName()).get()).isNotNull();
    }
}
