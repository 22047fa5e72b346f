package dev.kapal.controllers.it;

import dev.kapal.apiserver.testing.InProcessApiServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kapal.controllers.ControllerManager;
import dev.kapal.controllers.rootca.RootCaPublisher;
import dev.kapal.controllers.runtime.EventRecorder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The controller manager against a real in-process API server, driven like kubectl through fabric8. */
class ControllersEndToEndTest {
    private static InProcessApiServer server;
    private static KubernetesClient admin;
    private static volatile ControllerManager manager;

    @BeforeAll
    static void start() throws Exception {
        // The API server serves the controllers' workqueue metrics, as kapal server wires them.
        server = new InProcessApiServer(config -> config.withMetricsSources(List.of(out -> {
            ControllerManager current = manager;
            if (current != null) {
                current.writeMetrics(out);
            }
        })));
        admin = server.admin();
        KubernetesClient controllers = server.clientFor("system:kube-controller-manager");
        manager = new ControllerManager(controllers, ControllerManager.builtIn(server.serverCaPem()), "test-host_1");
        manager.start();
        manager.ready().get(30, TimeUnit.SECONDS);
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

    @Test
    void holdsTheControllerManagerLease() {
        Lease lease = admin.leases().inNamespace("kube-system").withName("kube-controller-manager").get();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("test-host_1");
        assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(15);
        assertThat(manager.isLeader()).isTrue();
    }

    @Test
    void existingNamespacesGetTheDefaultServiceAccountAndRootCa() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(admin.serviceAccounts().inNamespace("kube-system").withName("default").get()).isNotNull();
            assertThat(admin.configMaps().inNamespace("default").withName(RootCaPublisher.CONFIG_MAP).get()).isNotNull();
        });
    }

    @Test
    void aNewNamespaceIsFurnishedAndItsDeletionRemovesContentThenTheNamespace() {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team1").endMetadata().build()).create();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(admin.serviceAccounts().inNamespace("team1").withName("default").get()).isNotNull();
            ConfigMap ca = admin.configMaps().inNamespace("team1").withName(RootCaPublisher.CONFIG_MAP).get();
            assertThat(ca).isNotNull();
            assertThat(ca.getData()).containsEntry(RootCaPublisher.KEY, server.serverCaPem());
        });
        admin.configMaps().inNamespace("team1").resource(new ConfigMapBuilder().withNewMetadata().withName("settings")
                .endMetadata().withData(Map.of("a", "b")).build()).create();
        admin.pods().inNamespace("team1").resource(new PodBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer().endSpec().build()).create();

        admin.namespaces().withName("team1").delete();
        Namespace terminating = admin.namespaces().withName("team1").get();
        if (terminating != null) {
            assertThat(terminating.getStatus().getPhase()).isEqualTo("Terminating");
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> admin.namespaces().withName("team1").get() == null);
        assertThat(admin.pods().inNamespace("team1").list().getItems()).isEmpty();
        assertThat(admin.configMaps().inNamespace("team1").list().getItems()).isEmpty();
        assertThat(admin.serviceAccounts().inNamespace("team1").list().getItems()).isEmpty();
    }

    @Test
    void aDeletedOrChangedRootCaAndADeletedDefaultServiceAccountComeBack() {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team2").endMetadata().build()).create();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                admin.configMaps().inNamespace("team2").withName(RootCaPublisher.CONFIG_MAP).get() != null
                        && admin.serviceAccounts().inNamespace("team2").withName("default").get() != null);
        admin.configMaps().inNamespace("team2").withName(RootCaPublisher.CONFIG_MAP)
                .edit(cm -> new ConfigMapBuilder(cm).withData(Map.of(RootCaPublisher.KEY, "tampered")).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> server.serverCaPem().equals(
                admin.configMaps().inNamespace("team2").withName(RootCaPublisher.CONFIG_MAP).get().getData().get(RootCaPublisher.KEY)));
        admin.configMaps().inNamespace("team2").withName(RootCaPublisher.CONFIG_MAP).delete();
        admin.serviceAccounts().inNamespace("team2").withName("default").delete();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                admin.configMaps().inNamespace("team2").withName(RootCaPublisher.CONFIG_MAP).get() != null
                        && admin.serviceAccounts().inNamespace("team2").withName("default").get() != null);
    }

    @Test
    void theEventRecorderAggregatesRepeats() {
        ConfigMap subject = admin.configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("evented").endMetadata().build()).create();
        try (EventRecorder recorder = new EventRecorder(admin, "test-controller", "test-host", 100)) {
            for (int i = 0; i < 3; i++) {
                recorder.normal(subject, "Poked", "poked the config map");
            }
            recorder.warning(subject, "Broken", "something else");
            await().atMost(Duration.ofSeconds(10)).until(() -> recorder.written() == 4);
        }
        List<Event> events = admin.v1().events().inNamespace("default").list().getItems().stream()
                .filter(event -> "evented".equals(event.getInvolvedObject().getName())).toList();
        assertThat(events).hasSize(2);
        Event poked = events.stream().filter(event -> event.getReason().equals("Poked")).findFirst().orElseThrow();
        assertThat(poked.getCount()).isEqualTo(3);
        assertThat(poked.getType()).isEqualTo("Normal");
        assertThat(poked.getSource().getComponent()).isEqualTo("test-controller");
        assertThat(poked.getReportingComponent()).isEqualTo("test-controller");
        assertThat(poked.getInvolvedObject().getKind()).isEqualTo("ConfigMap");
        assertThat(poked.getFirstTimestamp()).isNotNull();
        assertThat(poked.getLastTimestamp()).isNotNull();
    }

    /** One sample of the API server's {@code /metrics}, 0 when the series is not there. */
    private static double sample(String series) {
        for (String line : admin.raw("/metrics").split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        return 0;
    }

    @Test
    void workqueueMetricsOfEveryControllerAreServedAtTheApiServersMetricsAndMove() {
        String metrics = admin.raw("/metrics");
        assertThat(metrics).contains("# TYPE apiserver_request_total counter", "# TYPE workqueue_depth gauge",
                "# TYPE workqueue_adds_total counter", "# TYPE workqueue_queue_duration_seconds histogram",
                "# TYPE workqueue_work_duration_seconds histogram", "# TYPE workqueue_retries_total counter",
                "# TYPE workqueue_unfinished_work_seconds gauge", "# TYPE workqueue_longest_running_processor_seconds gauge");
        for (var controller : manager.controllers()) {
            assertThat(metrics).contains("workqueue_depth{name=\"" + controller.name() + "\"}");
        }
        double adds = sample("workqueue_adds_total{name=\"serviceaccount\"}");
        double worked = sample("workqueue_work_duration_seconds_count{name=\"serviceaccount\"}");
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("metrics-moved").endMetadata().build())
                .create();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(sample("workqueue_adds_total{name=\"serviceaccount\"}")).isGreaterThan(adds);
            assertThat(sample("workqueue_work_duration_seconds_count{name=\"serviceaccount\"}")).isGreaterThan(worked);
            assertThat(sample("workqueue_queue_duration_seconds_count{name=\"" + RootCaPublisher.NAME + "\"}")).isPositive();
        });
    }

    @Test
    void controllersSelectionFollowsKubeControllerManager() {
        var all = ControllerManager.builtIn("pem");
        assertThat(ControllerManager.names(ControllerManager.select(all, List.of("*"))))
                .containsExactly("namespace-controller", "serviceaccount-controller", "root-ca-certificate-publisher-controller",
                        "node-ipam-controller", "node-lifecycle-controller", "taint-eviction-controller",
                        "replicaset-controller", "replicationcontroller-controller", "deployment-controller",
                        "garbage-collector-controller", "pod-garbage-collector-controller", "disruption-controller");
        // The pre-1.29 aliases and the canonical names select the same controllers.
        assertThat(ControllerManager.names(ControllerManager.select(all, List.of("*", "-namespace", "-garbagecollector"))))
                .isEqualTo(ControllerManager.names(ControllerManager.select(all,
                        List.of("*", "-namespace-controller", "-garbage-collector-controller"))))
                .containsExactly("serviceaccount-controller", "root-ca-certificate-publisher-controller",
                        "node-ipam-controller", "node-lifecycle-controller", "taint-eviction-controller",
                        "replicaset-controller", "replicationcontroller-controller", "deployment-controller",
                        "pod-garbage-collector-controller", "disruption-controller");
        assertThat(ControllerManager.selectsGarbageCollector(List.of("*"))).isTrue();
        assertThat(ControllerManager.selectsGarbageCollector(List.of("*", "-garbagecollector"))).isFalse();
        assertThat(ControllerManager.selectsGarbageCollector(List.of("*", "-garbage-collector-controller"))).isFalse();
        assertThat(ControllerManager.names(ControllerManager.select(all, List.of("namespace"))))
                .containsExactly("namespace-controller");
        assertThat(ControllerManager.names(ControllerManager.select(all,
                List.of("replicaset", "podgc", "root-ca-cert-publisher", "nodeipam", "nodelifecycle", "serviceaccount",
                        "deployment", "replicationcontroller", "disruption"))))
                .containsExactly("serviceaccount-controller", "root-ca-certificate-publisher-controller",
                        "node-ipam-controller", "node-lifecycle-controller", "replicaset-controller",
                        "replicationcontroller-controller", "deployment-controller", "pod-garbage-collector-controller",
                        "disruption-controller");
        // The last mention wins, whichever name it uses.
        assertThat(ControllerManager.names(ControllerManager.select(all, List.of("deployment-controller", "-deployment"))))
                .isEmpty();
        assertThatThrownBy(() -> ControllerManager.select(all, List.of("*", "-replicasets")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown controller \"replicasets\"");
    }
}
