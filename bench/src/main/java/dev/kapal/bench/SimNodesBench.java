package dev.kapal.bench;

import dev.kapal.apiserver.ApiServer;
import dev.kapal.apiserver.ApiServerConfig;
import dev.kapal.apiserver.auth.Authorizer;
import dev.kapal.apiserver.tls.ClusterPki;
import dev.kapal.apiserver.tls.SubjectAlternativeNames;
import dev.kapal.kubelet.KubeletHost;
import dev.kapal.kubelet.SimulatedNodes;
import dev.kapal.server.LoopbackClients;
import dev.kapal.storage.Stores;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Simulated nodes at scale, in one process with an in-process API server (memory store): N sim
 * nodes register (Node, status, Lease) with upstream's heartbeat intervals, get a pod CIDR each
 * (the bench acts as the IPAM controller), then M pods bound round-robin (spec.nodeName set, no
 * scheduler) run. Prints registration time, time until all pods are Running, the heap per 1,000
 * nodes and per 10,000 pods, and the steady write rate of the heartbeats.
 *
 * <p>Memory figures are live heap after full GCs. "process" deltas include the API server's copy
 * of the objects (store, watch cache) as well as the kubelet host's; "kubelet host" is what
 * closing the host (informer caches, pod workers, simulated runtimes) gives back. The baseline is
 * the heap of the idle API server measured in the same run.
 *
 * <p>Kubelet events: the pods are started in two batches of M/2 in the same run, the first with
 * the host's event recording off (the baseline), the second with it on (as upstream, and the
 * default); the bench prints both times to all Running, their ratio, the events written and how
 * long the event queue took to drain. (The second batch runs on a warmer JVM and fuller nodes;
 * both bias the ratio slightly, in opposite directions.)
 *
 * <p>Arguments: {@code nodes=1000} ({@code nodes=5000} for issue 4's goal), {@code pods=10000}.
 */
public final class SimNodesBench {
    private static final int WRITERS = 64;

    private SimNodesBench() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = BenchArgs.intArg(args, "nodes", 1000);
        int pods = BenchArgs.intArg(args, "pods", 10000);
        org.slf4j.Logger root = org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(ch.qos.logback.classic.Level.WARN);
        }
        Path directory = Files.createTempDirectory("kapal-bench-sim-");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        InetAddress serviceIp = InetAddress.getByName("10.43.0.1");
        ClusterPki pki = ClusterPki.loadOrCreate(directory.resolve("tls"), SubjectAlternativeNames.kubernetesApiServer("cluster.local", serviceIp));
        ApiServer server = new ApiServer(new ApiServerConfig(loopback, 0, pki.tlsMaterial(), Stores.open("memory://", directory), List.of(),
                Authorizer.ALLOW_AUTHENTICATED, loopback, serviceIp, "10.43.0.0/16", "cluster.local",
                Duration.ofSeconds(150), ApiServerConfig.DEFAULT_MAX_REQUEST_BYTES));
        server.start();
        server.ready().get(60, TimeUnit.SECONDS);
        LoopbackClients clients = new LoopbackClients(pki, server.port());
        System.out.printf("sim nodes: %d nodes, %d pods; %s%n", nodes, pods, MachineLoad.describe());
        try (KubernetesClient admin = clients.forCertificate(pki.adminCertificate());
             KubernetesClient kubeletClient = clients.forUser("system:kapal-sim-nodes", List.of("system:nodes"))) {
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("bench").endMetadata().build()).create();
            long idle = liveHeap();
            ScheduledExecutorService timers = KubeletHost.newTimers();
            KubeletHost host = SimulatedNodes.host(kubeletClient, nodes, SimulatedNodes.Capacity.DEFAULT,
                    KubeletHost.Options.defaults(), timers, Clock.systemUTC());
            long start = System.nanoTime();
            host.start();
            host.ready().get(30, TimeUnit.MINUTES);
            double registerSeconds = (System.nanoTime() - start) / 1e9;
            parallel(nodes, index -> admin.nodes().withName(SimulatedNodes.name(index)).patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"spec\":{\"podCIDR\":\"" + cidr(index) + "\",\"podCIDRs\":[\"" + cidr(index) + "\"]}}"));
            long withNodes = liveHeap();

            long leasesBefore = host.statistics().leaseRenewals();
            long reportsBefore = host.statistics().nodeStatusReports();
            Thread.sleep(30_000);
            double leaseWrites = (host.statistics().leaseRenewals() - leasesBefore) / 30.0;
            double statusReports = (host.statistics().nodeStatusReports() - reportsBefore) / 30.0;

            int half = pods / 2;
            host.recordEvents(false);
            long podStart = System.nanoTime();
            parallel(half, index -> admin.pods().inNamespace("bench").resource(pod(index, nodes)).create());
            long running = awaitRunning(admin, half, podStart);
            double quietSeconds = (System.nanoTime() - podStart) / 1e9;
            host.recordEvents(true);
            long eventsBefore = host.statistics().eventsWritten();
            long loudStart = System.nanoTime();
            parallel(pods - half, index -> admin.pods().inNamespace("bench").resource(pod(half + index, nodes)).create());
            double createSeconds = (System.nanoTime() - loudStart) / 1e9;
            running += awaitRunning(admin, pods, podStart) - half;
            double loudSeconds = (System.nanoTime() - loudStart) / 1e9;
            while (host.statistics().eventsQueued() > 0 && System.nanoTime() - loudStart < TimeUnit.MINUTES.toNanos(30)) {
                Thread.sleep(200);
            }
            double drainedSeconds = (System.nanoTime() - loudStart) / 1e9;
            long eventsWritten = host.statistics().eventsWritten() - eventsBefore;
            long eventsDropped = host.statistics().eventsDropped();
            double runningSeconds = (System.nanoTime() - podStart) / 1e9;
            long withPods = liveHeap();
            long statusWrites = host.statistics().podStatusWrites();

            host.close();
            timers.shutdownNow();
            host = null;
            long withoutHost = liveHeap();

            System.out.printf("  register %d nodes (Node, status, Lease)   %8.1f s%n", nodes, registerSeconds);
            System.out.printf("  heartbeat writes, steady                  %8.0f leases/s + %.1f node status/s  (upstream's rate: %.0f leases/s + one status per node per 5 min)%n",
                    leaseWrites, statusReports, nodes / 10.0);
            System.out.printf("  create %d bound pods (second batch)     %8.1f s%n", pods - half, createSeconds);
            System.out.printf("  baseline: %d pods Running, no events    %8.1f s%n", half, quietSeconds);
            System.out.printf("  %d pods Running with kubelet events     %8.1f s  (ratio %.2f; %d events written, %d dropped or"
                    + " filtered, queue drained at %.1f s)%n", pods - half, loudSeconds, loudSeconds / quietSeconds, eventsWritten,
                    eventsDropped, drainedSeconds);
            System.out.printf("  all %d pods Running (%d)               %8.1f s  (%d pod status writes)%n", pods, running,
                    runningSeconds, statusWrites);
            System.out.printf("  baseline: idle API server heap            %8.0f MiB%n", idle / 1048576.0);
            System.out.printf("  process heap per 1,000 nodes              %8.1f MiB%n", (withNodes - idle) / 1048576.0 * 1000 / nodes);
            System.out.printf("  process heap per 10,000 pods              %8.1f MiB%n", (withPods - withNodes) / 1048576.0 * 10000 / pods);
            System.out.printf("  kubelet host's share (nodes + pods)       %8.1f MiB  (%.1f MiB per 1,000 nodes + 10,000 pods at this mix)%n",
                    (withPods - withoutHost) / 1048576.0, (withPods - withoutHost) / 1048576.0 * 1000 / nodes);
        } finally {
            server.close();
        }
    }

    /** Waits until {@code expected} pods of the namespace are Running (30 min at most); answers how many are. */
    private static long awaitRunning(KubernetesClient admin, int expected, long since) throws InterruptedException {
        while (true) {
            long running = admin.pods().inNamespace("bench").list().getItems().stream()
                    .filter(pod -> "Running".equals(pod.getStatus().getPhase())).count();
            if (running >= expected || System.nanoTime() - since > TimeUnit.MINUTES.toNanos(30)) {
                return running;
            }
            Thread.sleep(500);
        }
    }

    static String cidr(int index) {
        return "10." + (42 + index / 256) + "." + (index % 256) + ".0/24";
    }

    private static Pod pod(int index, int nodes) {
        return new PodBuilder()
                .withNewMetadata().withName("p-" + index).withNamespace("bench").endMetadata()
                .withNewSpec().withNodeName(SimulatedNodes.name(index % nodes))
                    .addNewContainer().withName("app").withImage("registry.k8s.io/pause:3.10").endContainer()
                .endSpec().build();
    }

    static void parallel(int count, IntConsumer work) throws InterruptedException {
        try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            Semaphore inFlight = new Semaphore(WRITERS);
            for (int i = 0; i < count; i++) {
                int index = i;
                inFlight.acquire();
                writers.execute(() -> {
                    try {
                        work.accept(index);
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
    }

    /** Heap in use after full collections settle. */
    static long liveHeap() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long previous = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            System.gc();
            Thread.sleep(200);
            long used = memory.getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < 1_048_576) {
                return used;
            }
            previous = used;
        }
        return previous;
    }
}
