package dev.kapal.controllers.replicaset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.controllers.runtime.Controller;
import dev.kapal.controllers.runtime.ControllerContext;
import dev.kapal.controllers.runtime.Expectations;
import dev.kapal.controllers.runtime.ObjectKey;
import dev.kapal.controllers.testing.ControllerTestCluster;
import dev.kapal.controllers.testing.FakeKubelet;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ReplicaSet and ReplicationController controllers against a real in-process API server. */
class ReplicaSetControllerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static ControllerTestCluster cluster;
    private static KubernetesClient admin;
    private static FakeKubelet kubelet;
    private static ControllerContext context;
    private static Controller<ObjectKey> replicaSets;
    private static Controller<ObjectKey> replicationControllers;
    private static final Expectations<ObjectKey> expectations = new Expectations<>();

    @BeforeAll
    static void start() throws Exception {
        cluster = ControllerTestCluster.start("rs-test-");
        admin = cluster.admin();
        kubelet = cluster.kubelet();
        context = cluster.context();
        context.informers().of(Pod.class).itemStore(new LaggingStore());
        replicaSets = ReplicaSetController.create(context, new ReplicaKind.ReplicaSets(), 3, expectations);
        replicationControllers = ReplicaSetController.replicationControllers(context);
        cluster.run(replicaSets, replicationControllers);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** Namespaces whose pods reach the controllers' cache late (informer lag, made deterministic). */
    private static final Set<String> lagging = ConcurrentHashMap.newKeySet();

    /** The pod cache's store: puts of pods in {@link #lagging} namespaces wait first, on the informer's thread. */
    private static final class LaggingStore extends BasicItemStore<Pod> {
        LaggingStore() {
            super(Cache::metaNamespaceKeyFunc);
        }

        @Override
        public Pod put(String key, Pod pod) {
            if (lagging.contains(pod.getMetadata().getNamespace())) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.put(key, pod);
        }
    }

    private static String namespace() {
        return cluster.namespace();
    }

    static ReplicaSet replicaSet(String namespace, String name, int replicas, Map<String, String> labels) {
        return new ReplicaSetBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewSelector().withMatchLabels(labels).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName("nginx").withImage("nginx:1.15").endContainer().endSpec()
                .endTemplate()
                .endSpec().build();
    }

    private static List<Pod> pods(String namespace) {
        return cluster.pods(namespace);
    }

    private static List<Pod> activePods(String namespace) {
        return cluster.activePods(namespace);
    }

    private static List<Event> events(String namespace, String reason) {
        return cluster.events(namespace, reason);
    }

    private static void scale(String namespace, String name, int replicas) {
        admin.apps().replicaSets().inNamespace(namespace).withName(name).scale(replicas);
    }

    @Test
    void createsPodsFromTheTemplateOwnedByTheReplicaSetThenDeletesTheSurplus() {
        String ns = namespace();
        ReplicaSet created = admin.apps().replicaSets().inNamespace(ns)
                .resource(replicaSet(ns, "web", 3, Map.of("app", "web"))).create();
        await().atMost(WAIT).until(() -> activePods(ns).size() == 3);
        for (Pod pod : pods(ns)) {
            assertThat(pod.getMetadata().getName()).startsWith("web-");
            assertThat(pod.getMetadata().getGenerateName()).isEqualTo("web-");
            assertThat(pod.getMetadata().getLabels()).containsEntry("app", "web");
            assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.15");
            OwnerReference owner = pod.getMetadata().getOwnerReferences().get(0);
            assertThat(owner.getApiVersion()).isEqualTo("apps/v1");
            assertThat(owner.getKind()).isEqualTo("ReplicaSet");
            assertThat(owner.getName()).isEqualTo("web");
            assertThat(owner.getUid()).isEqualTo(created.getMetadata().getUid());
            assertThat(owner.getController()).isTrue();
            assertThat(owner.getBlockOwnerDeletion()).isTrue();
        }
        await().atMost(WAIT).untilAsserted(() -> {
            List<Event> creates = events(ns, "SuccessfulCreate");
            assertThat(creates).extracting(Event::getMessage).containsExactlyInAnyOrderElementsOf(
                    pods(ns).stream().map(pod -> "Created pod: " + pod.getMetadata().getName()).toList());
            assertThat(creates).allSatisfy(event -> {
                assertThat(event.getInvolvedObject().getKind()).isEqualTo("ReplicaSet");
                assertThat(event.getInvolvedObject().getName()).isEqualTo("web");
                assertThat(event.getSource().getComponent()).isEqualTo("replicaset-controller");
            });
        });
        await().atMost(WAIT).untilAsserted(() -> {
            ReplicaSet status = admin.apps().replicaSets().inNamespace(ns).withName("web").get();
            assertThat(status.getStatus().getReplicas()).isEqualTo(3);
            assertThat(status.getStatus().getFullyLabeledReplicas()).isEqualTo(3);
            assertThat(status.getStatus().getObservedGeneration()).isEqualTo(status.getMetadata().getGeneration());
        });

        scale(ns, "web", 1);
        await().atMost(WAIT).until(() -> activePods(ns).size() == 1);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(events(ns, "SuccessfulDelete")).hasSize(2)
                    .allSatisfy(event -> assertThat(event.getMessage()).startsWith("Deleted pod: web-"));
            ReplicaSet status = admin.apps().replicaSets().inNamespace(ns).withName("web").get();
            assertThat(status.getStatus().getReplicas()).isEqualTo(1);
            assertThat(status.getStatus().getObservedGeneration()).isEqualTo(status.getMetadata().getGeneration());
        });
    }

    @Test
    void statusCountsReadyAndAvailablePodsAndScaleDownDeletesNotReadyPodsFirst() {
        String ns = namespace();
        admin.apps().replicaSets().inNamespace(ns).resource(replicaSet(ns, "web", 3, Map.of("app", "web"))).create();
        await().atMost(WAIT).until(() -> activePods(ns).size() == 3);
        List<Pod> pods = activePods(ns);
        kubelet.ready(pods.get(0));
        kubelet.ready(pods.get(1));
        kubelet.running(pods.get(2));
        await().atMost(WAIT).untilAsserted(() -> {
            ReplicaSet status = admin.apps().replicaSets().inNamespace(ns).withName("web").get();
            assertThat(status.getStatus().getReadyReplicas()).isEqualTo(2);
            assertThat(status.getStatus().getAvailableReplicas()).isEqualTo(2);
        });
        scale(ns, "web", 2);
        await().atMost(WAIT).until(() -> activePods(ns).size() == 2);
        assertThat(activePods(ns)).extracting(pod -> pod.getMetadata().getName())
                .containsExactlyInAnyOrder(pods.get(0).getMetadata().getName(), pods.get(1).getMetadata().getName());
    }

    @Test
    void availabilityWaitsForMinReadySeconds() {
        String ns = namespace();
        ReplicaSet spec = replicaSet(ns, "slow", 1, Map.of("app", "slow"));
        spec.getSpec().setMinReadySeconds(2);
        admin.apps().replicaSets().inNamespace(ns).resource(spec).create();
        await().atMost(WAIT).until(() -> activePods(ns).size() == 1);
        kubelet.readySince(activePods(ns).get(0), Instant.now().plusSeconds(1));
        await().atMost(WAIT).untilAsserted(() -> {
            ReplicaSet status = admin.apps().replicaSets().inNamespace(ns).withName("slow").get();
            assertThat(status.getStatus().getReadyReplicas()).isEqualTo(1);
        });
        ReplicaSet early = admin.apps().replicaSets().inNamespace(ns).withName("slow").get();
        assertThat(early.getStatus().getAvailableReplicas()).as("ready since less than minReadySeconds").isZero();
        await().atMost(WAIT).untilAsserted(() -> {
            ReplicaSet status = admin.apps().replicaSets().inNamespace(ns).withName("slow").get();
            assertThat(status.getStatus().getAvailableReplicas()).isEqualTo(1);
        });
    }

    @Test
    void adoptsMatchingOrphansAndReleasesPodsWhoseLabelsNoLongerMatch() {
        String ns = namespace();
        Pod orphan = admin.pods().inNamespace(ns).resource(new PodBuilder()
                .withNewMetadata().withName("orphan").withLabels(Map.of("app", "web")).endMetadata()
                .withNewSpec().addNewContainer().withName("nginx").withImage("nginx").endContainer().endSpec().build()).create();
        ReplicaSet created = admin.apps().replicaSets().inNamespace(ns)
                .resource(replicaSet(ns, "web", 2, Map.of("app", "web"))).create();
        await().atMost(WAIT).until(() -> activePods(ns).size() == 2);
        await().atMost(WAIT).untilAsserted(() -> {
            Pod adopted = admin.pods().inNamespace(ns).withName("orphan").get();
            assertThat(adopted.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
                assertThat(owner.getUid()).isEqualTo(created.getMetadata().getUid());
                assertThat(owner.getController()).isTrue();
                assertThat(owner.getBlockOwnerDeletion()).isTrue();
            });
        });
        assertThat(events(ns, "SuccessfulCreate")).hasSize(1);

        admin.pods().inNamespace(ns).withName(orphan.getMetadata().getName())
                .edit(pod -> new PodBuilder(pod).editMetadata().withLabels(Map.of("app", "other")).endMetadata().build());
        await().atMost(WAIT).untilAsserted(() -> {
            Pod released = admin.pods().inNamespace(ns).withName("orphan").get();
            assertThat(released.getMetadata().getOwnerReferences()).isNullOrEmpty();
            assertThat(activePods(ns).stream().filter(pod -> "web".equals(pod.getMetadata().getLabels().get("app")))).hasSize(2);
        });
    }

    @Test
    void terminalPodsDoNotCountAndAreReplaced() {
        String ns = namespace();
        admin.apps().replicaSets().inNamespace(ns).resource(replicaSet(ns, "web", 2, Map.of("app", "web"))).create();
        await().atMost(WAIT).until(() -> activePods(ns).size() == 2);
        kubelet.terminated(activePods(ns).get(0), "Failed");
        await().atMost(WAIT).until(() -> activePods(ns).size() == 2 && pods(ns).size() == 3);
        await().atMost(WAIT).untilAsserted(() -> assertThat(
                admin.apps().replicaSets().inNamespace(ns).withName("web").get().getStatus().getReplicas()).isEqualTo(2));
    }

    @Test
    void expectationsPreventDoubleCreatesUnderABurstOfResyncs() throws Exception {
        String ns = namespace();
        lagging.add(ns);
        Set<String> added = ConcurrentHashMap.newKeySet();
        AtomicInteger adds = new AtomicInteger();
        try (Watch ignored = admin.pods().inNamespace(ns).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                if (action == Action.ADDED) {
                    adds.incrementAndGet();
                    added.add(pod.getMetadata().getName());
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            admin.apps().replicaSets().inNamespace(ns).resource(replicaSet(ns, "burst", 20, Map.of("app", "burst"))).create();
            ObjectKey key = new ObjectKey(ns, "burst");
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < until) {
                replicaSets.enqueue(key);
                Thread.sleep(1);
            }
            await().atMost(WAIT).until(() -> activePods(ns).size() == 20);
            await().atMost(WAIT).until(() -> expectations.satisfied(key));
            replicaSets.enqueue(key);
            await().atMost(WAIT).until(() -> replicaSets.queue().length() == 0);
            Thread.sleep(500);
            assertThat(pods(ns)).hasSize(20);
            assertThat(adds.get()).isEqualTo(20);
            assertThat(events(ns, "SuccessfulCreate")).hasSize(20);
        }
    }

    @Test
    void createFailuresAreReportedAsFailedCreateEventsAndAReplicaFailureCondition() {
        String ns = namespace();
        ReplicaSet spec = replicaSet(ns, "broken", 1, Map.of("app", "broken"));
        // A pod-level rule the template escapes: an invalid annotation key only the pod's validation sees.
        spec.getSpec().getTemplate().getMetadata().setAnnotations(Map.of("not a valid key!", "x"));
        admin.apps().replicaSets().inNamespace(ns).resource(spec).create();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(events(ns, "FailedCreate")).isNotEmpty().allSatisfy(event -> {
                assertThat(event.getType()).isEqualTo("Warning");
                assertThat(event.getMessage()).startsWith("Error creating: ");
            });
            ReplicaSet status = admin.apps().replicaSets().inNamespace(ns).withName("broken").get();
            assertThat(status.getStatus().getConditions()).singleElement().satisfies(condition -> {
                assertThat(condition.getType()).isEqualTo("ReplicaFailure");
                assertThat(condition.getStatus()).isEqualTo("True");
                assertThat(condition.getReason()).isEqualTo("FailedCreate");
            });
        });
        admin.apps().replicaSets().inNamespace(ns).withName("broken").edit(rs -> {
            rs.getSpec().getTemplate().getMetadata().setAnnotations(Map.of());
            return rs;
        });
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(activePods(ns)).hasSize(1);
            assertThat(admin.apps().replicaSets().inNamespace(ns).withName("broken").get().getStatus().getConditions()).isNullOrEmpty();
        });
    }

    @Test
    void replicationControllersShareTheEngine() {
        String ns = namespace();
        ReplicationController rc = admin.replicationControllers().inNamespace(ns).resource(new ReplicationControllerBuilder()
                .withNewMetadata().withName("legacy").endMetadata()
                .withNewSpec().withReplicas(2).withSelector(Map.of("app", "legacy"))
                .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "legacy")).endMetadata()
                .withNewSpec().addNewContainer().withName("nginx").withImage("nginx").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        await().atMost(WAIT).until(() -> activePods(ns).size() == 2);
        assertThat(activePods(ns)).allSatisfy(pod -> {
            OwnerReference owner = pod.getMetadata().getOwnerReferences().get(0);
            assertThat(owner.getApiVersion()).isEqualTo("v1");
            assertThat(owner.getKind()).isEqualTo("ReplicationController");
            assertThat(owner.getUid()).isEqualTo(rc.getMetadata().getUid());
        });
        activePods(ns).forEach(kubelet::ready);
        await().atMost(WAIT).untilAsserted(() -> {
            ReplicationController status = admin.replicationControllers().inNamespace(ns).withName("legacy").get();
            assertThat(status.getStatus().getReplicas()).isEqualTo(2);
            assertThat(status.getStatus().getReadyReplicas()).isEqualTo(2);
            assertThat(status.getStatus().getAvailableReplicas()).isEqualTo(2);
            assertThat(events(ns, "SuccessfulCreate")).allSatisfy(event ->
                    assertThat(event.getSource().getComponent()).isEqualTo("replication-controller"));
        });
    }
}
