package dev.kapal.kubelet.it;

import dev.kapal.apiserver.testing.InProcessApiServer;
import dev.kapal.kubelet.KubeletHost;
import dev.kapal.kubelet.NodeConfig;
import dev.kapal.kubelet.runtime.containerd.ContainerdFixture;
import dev.kapal.kubelet.runtime.cri.CriClient;
import dev.kapal.kubelet.runtime.cri.CriRuntime;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One real node for integration tests: a managed containerd ({@link ContainerdFixture}), an
 * in-process API server, and a kubelet host with one node on {@link CriRuntime}, its pod CIDR the
 * one the fixture configured containerd's CNI with (the node IPAM controller's part). Runs
 * containerd: tests using it run under {@code flock /tmp/kapal-containerd.lock}.
 */
final class ContainerdNodeCluster implements AutoCloseable {
    final ContainerdFixture fixture;
    final InProcessApiServer cluster;
    final KubernetesClient admin;
    final CriRuntime runtime;
    private final ScheduledExecutorService timers;
    private final KubeletHost host;

    private ContainerdNodeCluster(ContainerdFixture fixture, InProcessApiServer cluster, ScheduledExecutorService timers, KubeletHost host,
                                  CriRuntime runtime) {
        this.fixture = fixture;
        this.cluster = cluster;
        this.admin = cluster.admin();
        this.timers = timers;
        this.host = host;
        this.runtime = runtime;
    }

    /** A node of 2 cpus and 4 GiB with status every second and a report every 2 s. */
    static ContainerdNodeCluster start(String node) throws Exception {
        return start(node, KubeletHost.Options.defaults().withIntervals(Duration.ofSeconds(1), Duration.ofSeconds(2)));
    }

    static ContainerdNodeCluster start(String node, KubeletHost.Options options) throws Exception {
        return start(node, options, agent -> {
        });
    }

    /** A node whose agent directory {@code prepare} fills before containerd starts (registries.yaml). */
    static ContainerdNodeCluster start(String node, KubeletHost.Options options, java.util.function.Consumer<java.nio.file.Path> prepare)
            throws Exception {
        ContainerdFixture fixture = ContainerdFixture.start(prepare);
        InProcessApiServer cluster = new InProcessApiServer();
        ScheduledExecutorService timers = KubeletHost.newTimers();
        KubeletHost host = new KubeletHost(cluster.clientFor("system:node:" + node, "system:nodes"), options, Clock.systemUTC(), timers);
        Map<String, Quantity> capacity = Map.of("cpu", new Quantity("2"), "memory", new Quantity("4Gi"), "pods", new Quantity("110"));
        CriRuntime runtime = new CriRuntime(CriClient.connect(fixture.containerd().socket()), fixture.dataDirectory().resolve("pod-logs"),
                Duration.ofSeconds(60), Duration.ofMillis(500));
        host.addNode(new NodeConfig(node, Map.of("kubernetes.io/hostname", node, "kubernetes.io/os", "linux"), Map.of(),
                        capacity, capacity, List.of(new NodeAddress("127.0.0.1", "InternalIP")),
                        new NodeConfig.NodeInfo("m", "s", "b", System.getProperty("os.version"), "Debian", "linux", "amd64",
                                "v1.33.0+kapal"), false),
                runtime);
        ContainerdNodeCluster started = new ContainerdNodeCluster(fixture, cluster, timers, host, runtime);
        try {
            host.start();
            host.ready().get(60, TimeUnit.SECONDS);
            started.admin.nodes().withName(node).patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"spec\":{\"podCIDR\":\"" + ContainerdFixture.POD_CIDR + "\",\"podCIDRs\":[\"" + ContainerdFixture.POD_CIDR + "\"]}}");
        } catch (Exception failed) {
            started.close();
            throw failed;
        }
        return started;
    }

    @Override
    public void close() {
        host.close();
        timers.shutdownNow();
        cluster.close();
        fixture.close();
    }
}
