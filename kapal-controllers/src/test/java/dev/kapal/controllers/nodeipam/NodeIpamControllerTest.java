package dev.kapal.controllers.nodeipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.apiserver.testing.InProcessApiServer;
import dev.kapal.controllers.runtime.Controller;
import dev.kapal.controllers.runtime.ControllerContext;
import dev.kapal.controllers.runtime.ObjectKey;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Node IPAM against a real API server, over a cluster CIDR with room for four nodes' /24s. */
class NodeIpamControllerTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final NodeIpamController.Settings SMALL = new NodeIpamController.Settings(List.of("10.99.0.0/22"), 24, 64);

    private InProcessApiServer server;
    private KubernetesClient admin;
    private ControllerContext context;
    private Controller<ObjectKey> controller;

    @BeforeEach
    void start() throws Exception {
        server = new InProcessApiServer();
        admin = server.admin();
    }

    @AfterEach
    void stop() {
        if (controller != null) {
            controller.close();
        }
        if (context != null) {
            context.informers().close();
        }
        server.close();
    }

    private void startController() throws Exception {
        context = ControllerContext.standalone(server.clientFor("system:kube-controller-manager"));
        controller = NodeIpamController.create(context, SMALL);
        controller.start();
        controller.synced().get(30, TimeUnit.SECONDS);
    }

    private void restartController() throws Exception {
        controller.close();
        context.informers().close();
        startController();
    }

    @Test
    void nodesGetDistinctSubnetsThatSurviveARestartAndAreReleasedOnDelete() throws Exception {
        startController();
        createNode("a");
        createNode("b");
        String a = awaitCidr("a");
        String b = awaitCidr("b");
        assertThat(a).isNotEqualTo(b).startsWith("10.99.").endsWith("/24");
        assertThat(admin.nodes().withName("a").get().getSpec().getPodCIDRs()).containsExactly(a);

        restartController();
        createNode("c");
        createNode("e");
        String c = awaitCidr("c");
        String e = awaitCidr("e");
        assertThat(List.of(a, b, c, e)).doesNotHaveDuplicates();

        createNode("d");
        await().atMost(PATIENCE).until(() -> admin.v1().events().inNamespace("default").list().getItems().stream()
                .anyMatch(event -> "d".equals(event.getInvolvedObject().getName())
                        && "CIDRNotAvailable".equals(event.getReason())
                        && "Node d status is now: CIDRNotAvailable".equals(event.getMessage())));
        Node unallocated = admin.nodes().withName("d").get();
        assertThat(unallocated.getSpec() == null ? null : unallocated.getSpec().getPodCIDR()).isNull();

        admin.nodes().withName("b").delete();
        assertThat(awaitCidr("d")).isEqualTo(b);
        assertThat(awaitCidr("a")).isEqualTo(a);
    }

    @Test
    void aNodeThatArrivesWithACidrKeepsIt() throws Exception {
        admin.nodes().resource(new NodeBuilder().withNewMetadata().withName("preset").endMetadata()
                .withNewSpec().withPodCIDR("10.99.0.0/24").withPodCIDRs("10.99.0.0/24").endSpec().build()).create();
        startController();
        createNode("fresh");
        assertThat(awaitCidr("fresh")).isNotEqualTo("10.99.0.0/24");
        assertThat(admin.nodes().withName("preset").get().getSpec().getPodCIDR()).isEqualTo("10.99.0.0/24");
    }

    private void createNode(String name) {
        admin.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    private String awaitCidr(String name) {
        return await().atMost(PATIENCE).until(() -> {
            Node node = admin.nodes().withName(name).get();
            return node.getSpec() == null ? null : node.getSpec().getPodCIDR();
        }, cidr -> cidr != null);
    }
}
