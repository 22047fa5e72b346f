package dev.kapal.controllers.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.apiserver.testing.InProcessApiServer;
import dev.kapal.controllers.ControllerManager;
import dev.kapal.controllers.nodelifecycle.NodeLifecycleController;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Upstream's master disruption mode: when every node of every zone is not Ready, the controller
 * takes the problem to be its own (or the network's) and adds no NoExecute taints; once a node is
 * Ready again, tainting resumes for the ones still silent.
 */
class DisruptionModeTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Duration MONITOR_PERIOD = Duration.ofMillis(200);
    private InProcessApiServer server;
    private KubernetesClient admin;
    private ControllerManager manager;
    private SimulatedKubelets kubelets;

    @BeforeEach
    void start() throws Exception {
        server = new InProcessApiServer();
        admin = server.admin();
        kubelets = new SimulatedKubelets(admin);
        kubelets.register("zone-a-1", Map.of("topology.kubernetes.io/zone", "a"));
        kubelets.register("zone-a-2", Map.of("topology.kubernetes.io/zone", "a"));
        var parameters = ControllerManager.Parameters.defaults(server.serverCaPem())
                .withNodeLifecycle(NodeLifecycleController.Settings.defaults()
                        .withPeriods(MONITOR_PERIOD, Duration.ofSeconds(3), Duration.ofSeconds(6)));
        manager = new ControllerManager(server.clientFor("system:kube-controller-manager"),
                ControllerManager.select(ControllerManager.builtIn(parameters), List.of("nodelifecycle")), "");
        manager.start();
        manager.ready().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        kubelets.close();
        manager.close();
        server.close();
    }

    @Test
    void whenEveryNodeIsLostNoneIsTaintedNoExecuteUntilOneComesBack() throws Exception {
        kubelets.silence("zone-a-1");
        kubelets.silence("zone-a-2");
        await().atMost(PATIENCE).until(() -> taints("zone-a-1").contains("node.kubernetes.io/unreachable:NoSchedule")
                && taints("zone-a-2").contains("node.kubernetes.io/unreachable:NoSchedule"));
        // Several monitor passes with the whole zone down: still no NoExecute taint.
        Thread.sleep(MONITOR_PERIOD.multipliedBy(10).toMillis());
        assertThat(taints("zone-a-1")).doesNotContain("node.kubernetes.io/unreachable:NoExecute");
        assertThat(taints("zone-a-2")).doesNotContain("node.kubernetes.io/unreachable:NoExecute");

        kubelets.revive("zone-a-1");
        await().atMost(PATIENCE).until(() -> taints("zone-a-2").contains("node.kubernetes.io/unreachable:NoExecute"));
        assertThat(taints("zone-a-1")).isEmpty();
    }

    private List<String> taints(String name) {
        Node node = admin.nodes().withName(name).get();
        return node.getSpec().getTaints() == null ? List.of()
                : node.getSpec().getTaints().stream().map(taint -> taint.getKey() + ":" + taint.getEffect()).toList();
    }
}
