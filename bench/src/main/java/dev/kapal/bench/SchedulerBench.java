package dev.kapal.bench;

import dev.kapal.apiserver.ApiServer;
import dev.kapal.apiserver.ApiServerConfig;
import dev.kapal.apiserver.auth.Authorizer;
import dev.kapal.apiserver.tls.ClusterPki;
import dev.kapal.apiserver.tls.SubjectAlternativeNames;
import dev.kapal.scheduler.Scheduler;
import dev.kapal.server.LoopbackClients;
import dev.kapal.storage.Stores;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * scheduler_perf's basic case, end to end through an in-process API server (memory store): N
 * nodes (4 CPU, 8 GiB, 110 pods each), then M pods created by 64 concurrent writers while the
 * scheduler binds them. Prints pods/s end to end (first create to last binding), the scheduler's
 * own throughput (pods per second of time inside scheduling cycles), and the baseline measured
 * in the same run: the same M pod creates with no scheduler running (the floor: the scheduler
 * can only be as fast as pods arrive and bindings are written).
 *
 * <p>Arguments: {@code nodes=500} ({@code nodes=5000} for upstream's size), {@code pods=2000}.
 */
public final class SchedulerBench {
    private static final int WRITERS = 64;

    private SchedulerBench() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = BenchArgs.intArg(args, "nodes", 500);
        int pods = BenchArgs.intArg(args, "pods", 2000);
        org.slf4j.Logger root = org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(ch.qos.logback.classic.Level.WARN);
        }
        Path directory = Files.createTempDirectory("kapal-bench-scheduler-");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        InetAddress serviceIp = InetAddress.getByName("10.43.0.1");
        ClusterPki pki = ClusterPki.loadOrCreate(directory.resolve("tls"), SubjectAlternativeNames.kubernetesApiServer("cluster.local", serviceIp));
        ApiServer server = new ApiServer(new ApiServerConfig(loopback, 0, pki.tlsMaterial(), Stores.open("memory://", directory), List.of(),
                Authorizer.ALLOW_AUTHENTICATED, loopback, serviceIp, "10.43.0.0/16", "cluster.local",
                Duration.ofSeconds(150), ApiServerConfig.DEFAULT_MAX_REQUEST_BYTES));
        server.start();
        server.ready().get(60, TimeUnit.SECONDS);
        LoopbackClients clients = new LoopbackClients(pki, server.port());
        try (KubernetesClient admin = clients.forCertificate(pki.adminCertificate());
             KubernetesClient schedulerClient = clients.forUser("system:kube-scheduler", List.of())) {
            for (String namespace : List.of("baseline", "bench")) {
                admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
            }
            long nodeStart = System.nanoTime();
            try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
                Semaphore inFlight = new Semaphore(WRITERS);
                for (int i = 0; i < nodes; i++) {
                    int index = i;
                    inFlight.acquire();
                    writers.execute(() -> {
                        try {
                            createNode(admin, "node-" + index);
                        } finally {
                            inFlight.release();
                        }
                    });
                }
            }
            System.out.printf("%d nodes created in %.1f s%n", nodes, (System.nanoTime() - nodeStart) / 1e9);

            // Warm-up and baseline: the pod creates alone, with no scheduler (they stay pending; their own namespace).
            createPods(admin, "baseline", Math.min(pods, 500), "warm-");
            long baselineStart = System.nanoTime();
            createPods(admin, "baseline", pods, "p-");
            double baselineSeconds = (System.nanoTime() - baselineStart) / 1e9;

            Scheduler scheduler = new Scheduler(schedulerClient, binder -> List.of(
                    dev.kapal.scheduler.plugins.Registry.inTree(binder).defaultProfile()));
            // Pods of the baseline namespace are not for it: give them to another scheduler name by deleting them first.
            admin.pods().inNamespace("baseline").delete();
            scheduler.start();
            scheduler.ready().get(60, TimeUnit.SECONDS);
            long boundBefore = scheduler.statistics().bound();
            long cycleBefore = scheduler.statistics().cycleTime().toNanos();
            long scheduledBefore = scheduler.statistics().scheduled();
            long start = System.nanoTime();
            createPods(admin, "bench", pods, "p-");
            while (scheduler.statistics().bound() - boundBefore < pods) {
                Thread.sleep(5);
                if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(10)) {
                    throw new IllegalStateException("only " + (scheduler.statistics().bound() - boundBefore) + " of " + pods + " bound");
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cycleSeconds = (scheduler.statistics().cycleTime().toNanos() - cycleBefore) / 1e9;
            long scheduled = scheduler.statistics().scheduled() - scheduledBefore;
            scheduler.close();
            long bound = admin.pods().inNamespace("bench").list().getItems().stream()
                    .filter(p -> p.getSpec().getNodeName() != null).count();
            System.out.printf("scheduler basic: %d nodes, %d pods (%d bound per the API)%n", nodes, pods, bound);
            System.out.printf("  baseline: pod creates alone       %8.0f pods/s%n", pods / baselineSeconds);
            System.out.printf("  end to end: create to bound       %8.0f pods/s  (%.2f of baseline)%n",
                    pods / seconds, (pods / seconds) / (pods / baselineSeconds));
            System.out.printf("  scheduler only: time in cycles    %8.0f pods/s  (%.0f us per pod)%n",
                    scheduled / cycleSeconds, cycleSeconds * 1e6 / scheduled);
            System.out.printf("  anchors: kube-scheduler CI gate 270 pods/s, reported ~600; issue goal >= 1000 on 2 cores%n");
        } finally {
            server.close();
            InProcessApiServer.deleteRecursively(directory);
        }
    }

    private static void createNode(KubernetesClient admin, String name) {
        Node node = admin.nodes().resource(new NodeBuilder()
                .withNewMetadata().withName(name).withLabels(Map.of("kubernetes.io/hostname", name)).endMetadata()
                .withNewSpec().endSpec().build()).create();
        Map<String, Quantity> resources = Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi"), "pods", new Quantity("110"));
        node.setStatus(new NodeStatusBuilder().withCapacity(resources).withAllocatable(resources)
                .withConditions(new NodeConditionBuilder().withType("Ready").withStatus("True").build()).build());
        admin.nodes().resource(node).updateStatus();
    }

    private static void createPods(KubernetesClient admin, String namespace, int count, String prefix) throws InterruptedException {
        try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            Semaphore inFlight = new Semaphore(WRITERS);
            for (int i = 0; i < count; i++) {
                Pod pod = new PodBuilder()
                        .withNewMetadata().withName(prefix + i).withNamespace(namespace).endMetadata()
                        .withNewSpec().addNewContainer().withName("app").withImage("registry.k8s.io/pause:3.10")
                            .withNewResources().withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi"))).endResources()
                        .endContainer().endSpec().build();
                inFlight.acquire();
                writers.execute(() -> {
                    try {
                        admin.pods().inNamespace(namespace).resource(pod).create();
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
    }
}
