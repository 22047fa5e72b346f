package dev.kapal.bench;

import dev.kapal.apiserver.ApiServer;
import dev.kapal.apiserver.ApiServerConfig;
import dev.kapal.apiserver.auth.Authorizer;
import dev.kapal.apiserver.tls.ClusterPki;
import dev.kapal.apiserver.tls.SubjectAlternativeNames;
import dev.kapal.kubelet.KubeletHost;
import dev.kapal.kubelet.LocalMachine;
import dev.kapal.kubelet.NodeConfig;
import dev.kapal.kubelet.runtime.ContainerConfig;
import dev.kapal.kubelet.runtime.ContainerMetadata;
import dev.kapal.kubelet.runtime.ImageSpec;
import dev.kapal.kubelet.runtime.NodeRuntime;
import dev.kapal.kubelet.runtime.PodSandboxConfig;
import dev.kapal.kubelet.runtime.PodSandboxMetadata;
import dev.kapal.kubelet.runtime.PodSandboxStatus;
import dev.kapal.kubelet.runtime.containerd.ContainerdSettings;
import dev.kapal.kubelet.runtime.containerd.ManagedContainerd;
import dev.kapal.kubelet.runtime.containerd.RuntimePackages;
import dev.kapal.kubelet.runtime.cri.CriClient;
import dev.kapal.kubelet.runtime.cri.CriRuntime;
import dev.kapal.kubelet.runtime.oci.BusyboxImage;
import dev.kapal.server.LoopbackClients;
import dev.kapal.storage.Stores;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Pod start-up on real containerd: N pods (1, 10, 50) created at once through the API server, from
 * each create call until the pod's Ready condition is True as a watch sees it (bound already:
 * {@code spec.nodeName} set, so the scheduler is not measured), beside the floor measured on the
 * same containerd in the same run: the raw CRI sequence RunPodSandbox + CreateContainer +
 * StartContainer for N pods at once, timed per pod from the batch start; batches under ten pods
 * are repeated (raw and agent rounds alternating) until ten pods were measured. Prints p50/p99 of both
 * and their ratio (issue 6's goal: ≤ 1.3×), and the agent's memory with 50 pods.
 *
 * <p>One process holds an in-process API server (memory store), a managed containerd on its own
 * bridge ({@value #BRIDGE}, {@value #POD_CIDR}) and the agent's kubelet core; the memory figures
 * are live heap after full GCs (what closing the kubelet host gives back) and the process' RSS.
 * Must run under the containerd lock (bench/run takes it). Needs root.
 */
public final class PodStartBench {
    private static final String BRIDGE = "kapalbench0";
    private static final String POD_CIDR = "10.199.88.0/24";
    private static final String NODE = "bench-node";
    private static final String IMAGE = "docker.io/library/busybox:kapal-bench";
    private static final List<Integer> SIZES = List.of(1, 10, 50);

    private PodStartBench() {
    }

    public static void main(String[] args) throws Exception {
        org.slf4j.Logger root = org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(ch.qos.logback.classic.Level.WARN);
        }
        Path directory = Files.createTempDirectory(Path.of("/tmp"), "kapal-podstart-");
        RuntimePackages packages = RuntimePackages.host();
        packages.ensureInstalled(RuntimePackages.runningAsRoot(), System.out::println);
        Path agent = directory.resolve("agent");
        Files.createDirectories(agent.resolve("images"));
        BusyboxImage.write(packages.busybox(), agent.resolve("images/busybox.tar"), IMAGE, List.of("sh"));
        ManagedContainerd.Options defaults = ManagedContainerd.Options.forAgentDirectory(agent, packages);
        ContainerdSettings settings = new ContainerdSettings(defaults.settings().directory(), defaults.settings().sandboxImage(),
                defaults.settings().cniBinDir(), "kapal-bench", BRIDGE);
        ManagedContainerd containerd = ManagedContainerd.start(new ManagedContainerd.Options(settings, defaults.containerd(),
                defaults.ctr(), defaults.busybox(), defaults.imagesDirectory(), Duration.ofSeconds(60)));

        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        InetAddress serviceIp = InetAddress.getByName("10.43.0.1");
        ClusterPki pki = ClusterPki.loadOrCreate(directory.resolve("tls"), SubjectAlternativeNames.kubernetesApiServer("cluster.local", serviceIp));
        ApiServer server = new ApiServer(new ApiServerConfig(loopback, 0, pki.tlsMaterial(), Stores.open("memory://", directory), List.of(),
                Authorizer.ALLOW_AUTHENTICATED, loopback, serviceIp, "10.43.0.0/16", "cluster.local",
                Duration.ofSeconds(150), ApiServerConfig.DEFAULT_MAX_REQUEST_BYTES));
        server.start();
        server.ready().get(60, TimeUnit.SECONDS);
        LoopbackClients clients = new LoopbackClients(pki, server.port());
        NodeRuntime raw = new CriRuntime(CriClient.connect(containerd.socket()), agent.resolve("pod-logs-raw"),
                Duration.ofMinutes(2), Duration.ofSeconds(1));
        raw.updateRuntimeConfig(POD_CIDR);
        System.out.printf("pod start-up: %s, raw CRI vs. the agent on the same containerd; %s%n",
                raw.version().nodeRuntimeVersion(), MachineLoad.describe());
        ScheduledExecutorService timers = KubeletHost.newTimers();
        KubeletHost host = null;
        try (KubernetesClient admin = clients.forCertificate(pki.adminCertificate());
             KubernetesClient kubeletClient = clients.forUser("system:node:" + NODE, List.of("system:nodes"))) {
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("bench").endMetadata().build()).create();
            long idleHeap = liveHeap();
            KubeletHost.Options base = KubeletHost.Options.defaults();
            host = new KubeletHost(kubeletClient, new KubeletHost.Options(base.leaseDuration(), base.leaseRenewInterval(),
                    base.statusUpdateFrequency(), base.statusReportFrequency(), 4, 0, Optional.of(Map.entry("spec.nodeName", NODE))),
                    Clock.systemUTC(), timers);
            NodeConfig node = LocalMachine.detect(directory).nodeConfig(NODE, "127.0.0.1", NODE, "v1.33.0+kapal", false);
            host.addNode(node, new CriRuntime(CriClient.connect(containerd.socket()), agent.resolve("pod-logs"),
                    Duration.ofMinutes(2), Duration.ofSeconds(1)));
            host.start();
            host.ready().get(2, TimeUnit.MINUTES);
            admin.nodes().withName(NODE).patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"spec\":{\"podCIDR\":\"" + POD_CIDR + "\",\"podCIDRs\":[\"" + POD_CIDR + "\"]}}");

            // Warm-up of both paths (JIT, snapshot unpacking, first CNI set-up), not reported.
            rawRound(raw, 2);
            agentRound(admin, raw, 2, "warm");

            System.out.printf("  %-5s %12s %12s %12s %12s %9s %9s%n", "pods", "raw p50 ms", "raw p99 ms", "agent p50", "agent p99",
                    "p50 ×", "p99 ×");
            long heapWith50 = 0;
            for (int size : SIZES) {
                // Small batches are repeated (alternating raw and agent) so a percentile rests on ten or more pods.
                List<Latencies> floors = new ArrayList<>();
                List<Latencies> agents = new ArrayList<>();
                for (int round = 0; round < Math.max(1, 10 / size); round++) {
                    floors.add(rawRound(raw, size));
                    agents.add(agentRound(admin, raw, size, "n" + size + "r" + round));
                }
                Latencies floor = merge(floors);
                Latencies agentLatencies = merge(agents);
                System.out.printf("  %-5d %12.0f %12.0f %12.0f %12.0f %8.2f× %8.2f×%n", size, floor.p50(), floor.p99(),
                        agentLatencies.p50(), agentLatencies.p99(), agentLatencies.p50() / floor.p50(), agentLatencies.p99() / floor.p99());
                if (size == 50) {
                    createPods(admin, 50, "mem");
                    awaitReady(admin, 50);
                    heapWith50 = liveHeap();
                    System.out.printf("  with 50 pods running: process RSS %.0f MiB, live heap %.0f MiB (idle API server alone: %.0f MiB)%n",
                            rssBytes() / 1048576.0, heapWith50 / 1048576.0, idleHeap / 1048576.0);
                    deleteAll(admin, raw);
                }
            }
            host.close();
            host = null;
            long withoutHost = liveHeap();
            System.out.printf("  the kubelet host's live heap with 50 pods (what closing it gave back): %.1f MiB%n",
                    (heapWith50 - withoutHost) / 1048576.0);
        } finally {
            if (host != null) {
                host.close();
            }
            timers.shutdownNow();
            for (PodSandboxStatus sandbox : raw.listPodSandbox(NodeRuntime.PodSandboxFilter.ALL)) {
                raw.stopPodSandbox(sandbox.id());
                raw.removePodSandbox(sandbox.id());
            }
            raw.close();
            server.close();
            containerd.close();
            new ProcessBuilder("ip", "link", "delete", BRIDGE).redirectErrorStream(true).start().waitFor();
            InProcessApiServer.deleteRecursively(directory);
        }
    }

    /** N raw CRI pod starts at once; each latency runs from the batch start to its StartContainer's return. */
    private static Latencies rawRound(NodeRuntime runtime, int count) throws Exception {
        long[] latencies = new long[count];
        long start = System.nanoTime();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                done.add(threads.submit(() -> {
                    String uid = UUID.randomUUID().toString();
                    PodSandboxConfig sandbox = new PodSandboxConfig(new PodSandboxMetadata("raw-" + index, uid, "bench", 0), "raw-" + index,
                            List.of(), Map.of("io.kubernetes.pod.uid", uid), Map.of(), false);
                    String sandboxId = runtime.runPodSandbox(sandbox);
                    String id = runtime.createContainer(sandboxId, new ContainerConfig(new ContainerMetadata("app", 0), ImageSpec.of(IMAGE),
                            List.of("sleep", "100000"), List.of(), "", List.of(), Map.of(), Map.of()), sandbox);
                    runtime.startContainer(id);
                    latencies[index] = System.nanoTime() - start;
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        }
        for (PodSandboxStatus sandbox : runtime.listPodSandbox(NodeRuntime.PodSandboxFilter.ALL)) {
            runtime.stopPodSandbox(sandbox.id());
            runtime.removePodSandbox(sandbox.id());
        }
        return Latencies.of(latencies);
    }

    private static Latencies merge(List<Latencies> rounds) {
        return Latencies.of(rounds.stream().flatMapToLong(round -> java.util.Arrays.stream(round.sortedNanos())).toArray());
    }

    /** N pods created at once through the API; each latency runs from its create call to Ready=True seen by a watch. */
    private static Latencies agentRound(KubernetesClient admin, NodeRuntime runtime, int count, String prefix) throws Exception {
        Map<String, Long> created = new ConcurrentHashMap<>();
        Map<String, Long> ready = new ConcurrentHashMap<>();
        try (Watch ignored = admin.pods().inNamespace("bench").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                if (isReady(pod)) {
                    ready.putIfAbsent(pod.getMetadata().getName(), System.nanoTime());
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < count; i++) {
                    String name = prefix + "-" + i;
                    threads.execute(() -> {
                        created.put(name, System.nanoTime());
                        admin.pods().inNamespace("bench").resource(pod(name)).create();
                    });
                }
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (ready.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        long[] latencies = created.entrySet().stream()
                .mapToLong(entry -> ready.getOrDefault(entry.getKey(), Long.MAX_VALUE / 2) - entry.getValue()).toArray();
        deleteAll(admin, runtime);
        return Latencies.of(latencies);
    }

    private static void createPods(KubernetesClient admin, int count, String prefix) throws InterruptedException {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                String name = prefix + "-" + i;
                threads.execute(() -> admin.pods().inNamespace("bench").resource(pod(name)).create());
            }
        }
    }

    private static void awaitReady(KubernetesClient admin, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline
                && admin.pods().inNamespace("bench").list().getItems().stream().filter(PodStartBench::isReady).count() < count) {
            Thread.sleep(200);
        }
    }

    /** Deletes every pod (grace 0) and waits until the agent removed them and their sandboxes. */
    private static void deleteAll(KubernetesClient admin, NodeRuntime runtime) throws InterruptedException {
        admin.pods().inNamespace("bench").withGracePeriod(0).delete();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline
                && (!admin.pods().inNamespace("bench").list().getItems().isEmpty()
                    || !runtime.listPodSandbox(NodeRuntime.PodSandboxFilter.ALL).isEmpty())) {
            Thread.sleep(200);
        }
    }

    private static boolean isReady(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions().stream()
                .anyMatch(condition -> "Ready".equals(condition.getType()) && "True".equals(condition.getStatus()));
    }

    private static Pod pod(String name) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("bench").endMetadata()
                .withNewSpec().withNodeName(NODE).withTerminationGracePeriodSeconds(0L)
                    .addNewContainer().withName("app").withImage(IMAGE).withImagePullPolicy("IfNotPresent")
                        .withCommand("sleep", "100000").endContainer()
                .endSpec().build();
    }

    private static long rssBytes() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024)
                    .findFirst().orElse(0);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static long liveHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
