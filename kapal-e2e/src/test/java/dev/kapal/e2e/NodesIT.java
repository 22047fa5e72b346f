package dev.kapal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 4's "done when" on a real {@code kapal server --sim-nodes 3}, through real kubectl: the
 * three nodes Ready with their labels and zones; cordoned and tainted nodes avoided; the
 * FailedScheduling event naming why, in upstream's words; a lost node (annotation
 * {@code sim.kapal.dev/down}) going Ready=Unknown with the unreachable taints, its pods not ready
 * and evicted after their toleration, and coming back; preemption by priority with the nominated
 * node shown while the preemptor waits.
 *
 * <p>The server runs with {@code --node-monitor-grace-period 20s} (upstream's default is 50 s) so
 * a lost node is noticed in reasonable test time. The tests share the nodes, so they run in order
 * and each puts back what it changed on them.
 */
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodesIT {
    private static final Duration SCHEDULED = Duration.ofSeconds(60);
    private static KapalProcess server;

    @BeforeAll
    static void startServer() throws Exception {
        server = KapalProcess.startFresh("--sim-nodes", "3", "--node-monitor-grace-period", "20s");
        kubectl().awaitOutput(Duration.ofSeconds(60), out -> out.lines().filter(line -> line.contains(" Ready ")).count() == 3,
                "get", "nodes", "--no-headers");
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static Kubectl kubectl() {
        return Kubectl.of("1.33", server.kubeconfig());
    }

    private static Kubectl.Result ok(Kubectl.Result result) {
        assertThat(result.ok()).as("%s", result).isTrue();
        return result;
    }


    private static String jsonpath(Kubectl kubectl, String... getArguments) {
        return ok(kubectl.run(getArguments)).out();
    }

    private static String pod(String name, String extraSpec) {
        return pod(name, "nodes-it", extraSpec, null);
    }

    /** A pause pod labelled {@code role}, with {@code extraSpec} (YAML at the spec's level) and a CPU request when not null. */
    private static String pod(String name, String role, String extraSpec, String cpu) {
        String resources = cpu == null ? "" : """
                    resources:
                      requests:
                        cpu: "%s"
                """.formatted(cpu);
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  labels:
                    role: %s
                spec:
                  terminationGracePeriodSeconds: 5
                  containers:
                  - name: app
                    image: registry.k8s.io/pause:3.10
                %s%s""".formatted(name, role, resources, extraSpec.indent(2));
    }

    @Test
    @Order(1)
    void threeSimulatedNodesAreReadyWithTheirLabelsAndZones() {
        Kubectl kubectl = kubectl();
        String nodes = ok(kubectl.run("get", "nodes", "-L", "topology.kubernetes.io/zone")).out();
        List<String> lines = nodes.lines().toList();
        assertThat(lines.getFirst()).matches("NAME\\s+STATUS\\s+ROLES\\s+AGE\\s+VERSION\\s+ZONE");
        assertThat(lines.subList(1, lines.size())).hasSize(3);
        assertThat(nodes).containsPattern("(?m)^sim-0\\s+Ready\\s+<none>\\s+\\S+\\s+v1\\.33\\.0\\+kapal\\s+zone-a$")
                .containsPattern("(?m)^sim-1\\s+Ready\\s+<none>\\s+\\S+\\s+v1\\.33\\.0\\+kapal\\s+zone-b$")
                .containsPattern("(?m)^sim-2\\s+Ready\\s+<none>\\s+\\S+\\s+v1\\.33\\.0\\+kapal\\s+zone-c$");

        String labels = ok(kubectl.run("get", "node", "sim-1", "--show-labels", "--no-headers")).out();
        assertThat(labels).contains("kubernetes.io/hostname=sim-1", "kubernetes.io/os=linux", "kubernetes.io/arch=amd64",
                "beta.kubernetes.io/os=linux", "beta.kubernetes.io/arch=amd64", "topology.kubernetes.io/zone=zone-b",
                "node.kapal.dev/simulated=true");
        assertThat(jsonpath(kubectl, "get", "node", "sim-1", "-o",
                "jsonpath={.status.capacity.cpu} {.status.allocatable.memory} {.status.capacity.pods} {.status.nodeInfo.operatingSystem}"))
                .isEqualTo("32 256Gi 110 linux");
        assertThat(jsonpath(kubectl, "get", "node", "sim-1", "-o", "jsonpath={.spec.podCIDR}")).matches("10\\.42\\.\\d+\\.0/24");
        assertThat(jsonpath(kubectl, "-n", "kube-node-lease", "get", "lease", "-o", "jsonpath={.items[*].metadata.name}").split(" "))
                .contains("sim-0", "sim-1", "sim-2");
    }

    @Test
    @Order(2)
    void cordonedAndTaintedNodesAreAvoidedAndAnUnschedulablePodIsToldWhy() {
        Kubectl kubectl = kubectl();
        ok(kubectl.run("create", "namespace", "avoid"));
        try {
            assertThat(ok(kubectl.run("cordon", "sim-0")).out()).isEqualTo("node/sim-0 cordoned\n");
            assertThat(ok(kubectl.run("taint", "nodes", "sim-1", "dedicated=x:NoSchedule")).out()).isEqualTo("node/sim-1 tainted\n");

            ok(kubectl.run("-n", "avoid", "create", "deployment", "web", "--image=nginx", "--replicas=6"));
            ok(kubectl.run("-n", "avoid", "rollout", "status", "deployment/web", "--timeout=" + SCHEDULED.toSeconds() + "s"));
            String placed = jsonpath(kubectl, "-n", "avoid", "get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.nodeName}");
            assertThat(placed.split(" ")).hasSize(6).containsOnly("sim-2");

            // A pod tolerating the taint may go to sim-1, never to the cordoned sim-0.
            ok(kubectl.runWithInput(pod("tolerant", """
                    nodeSelector:
                      topology.kubernetes.io/zone: zone-b
                    tolerations:
                    - key: dedicated
                      operator: Equal
                      value: x
                      effect: NoSchedule
                    """), "-n", "avoid", "apply", "-f", "-"));
            assertThat(kubectl.awaitOutput(SCHEDULED, out -> !out.isBlank(), "-n", "avoid", "get", "pod", "tolerant", "-o",
                    "jsonpath={.spec.nodeName}")).isEqualTo("sim-1");

            // Fits nowhere: each node rejects it for its own reason, all three named.
            ok(kubectl.runWithInput(pod("nowhere", """
                    nodeSelector:
                      disktype: ssd
                    """), "-n", "avoid", "apply", "-f", "-"));
            String message = "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, "
                    + "1 node(s) had untolerated taint {dedicated: x}, 1 node(s) were unschedulable. "
                    + "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
            String events = kubectl.awaitOutput(SCHEDULED, out -> out.contains("FailedScheduling"), "-n", "avoid", "get", "events",
                    "--field-selector", "involvedObject.name=nowhere");
            assertThat(events).containsPattern("Warning\\s+FailedScheduling\\s+pod/nowhere\\s+" + java.util.regex.Pattern.quote(message));
            assertThat(jsonpath(kubectl, "-n", "avoid", "get", "pod", "nowhere", "-o",
                    "jsonpath={.status.phase} {.status.conditions[?(@.type==\"PodScheduled\")].status} "
                            + "{.status.conditions[?(@.type==\"PodScheduled\")].reason}"))
                    .isEqualTo("Pending False Unschedulable");
            assertThat(ok(kubectl.run("-n", "avoid", "describe", "pod", "nowhere")).out())
                    .containsPattern("Warning\\s+FailedScheduling\\s+.*default-scheduler\\s+" + java.util.regex.Pattern.quote(message));
            assertThat(ok(kubectl.run("-n", "avoid", "get", "pod", "nowhere", "--no-headers")).out()).matches("nowhere\\s+0/1\\s+Pending\\s+.*\n");

            // Uncordoning makes room at once: the scheduler requeues on the node change.
            assertThat(ok(kubectl.run("uncordon", "sim-0")).out()).isEqualTo("node/sim-0 uncordoned\n");
            ok(kubectl.run("label", "node", "sim-0", "disktype=ssd"));
            assertThat(kubectl.awaitOutput(SCHEDULED, out -> !out.isBlank(), "-n", "avoid", "get", "pod", "nowhere", "-o",
                    "jsonpath={.spec.nodeName}")).isEqualTo("sim-0");
        } finally {
            kubectl.run("uncordon", "sim-0");
            kubectl.run("label", "node", "sim-0", "disktype-");
            kubectl.run("taint", "nodes", "sim-1", "dedicated=x:NoSchedule-");
            kubectl.run("delete", "namespace", "avoid", "--wait=false");
        }
    }

    @Test
    @Order(3)
    void aLostNodeGoesUnknownIsTaintedItsPodsAreEvictedAfterTheirTolerationAndItComesBack() {
        Kubectl kubectl = kubectl();
        ok(kubectl.run("create", "namespace", "lost"));
        try {
            ok(kubectl.runWithInput(pod("short", """
                    nodeSelector:
                      kubernetes.io/hostname: sim-2
                    tolerations:
                    - key: node.kubernetes.io/unreachable
                      operator: Exists
                      effect: NoExecute
                      tolerationSeconds: 5
                    - key: node.kubernetes.io/not-ready
                      operator: Exists
                      effect: NoExecute
                      tolerationSeconds: 5
                    """), "-n", "lost", "apply", "-f", "-"));
            ok(kubectl.runWithInput(pod("patient", """
                    nodeSelector:
                      kubernetes.io/hostname: sim-2
                    """), "-n", "lost", "apply", "-f", "-"));
            ok(kubectl.run("-n", "lost", "wait", "--for=condition=Ready", "pod/short", "pod/patient", "--timeout=50s"));
            // The DefaultTolerationSeconds admission gave the second pod upstream's 300 s.
            assertThat(jsonpath(kubectl, "-n", "lost", "get", "pod", "patient", "-o",
                    "jsonpath={.spec.tolerations[?(@.key==\"node.kubernetes.io/unreachable\")].tolerationSeconds}")).isEqualTo("300");

            assertThat(ok(kubectl.run("annotate", "node", "sim-2", "sim.kapal.dev/down=true")).out()).isEqualTo("node/sim-2 annotated\n");

            // No heartbeats for longer than the grace period: Ready=Unknown, then the unreachable taints.
            kubectl.awaitOutput(Duration.ofSeconds(90), out -> out.equals("Unknown NodeStatusUnknown"), "get", "node", "sim-2", "-o",
                    "jsonpath={.status.conditions[?(@.type==\"Ready\")].status} {.status.conditions[?(@.type==\"Ready\")].reason}");
            assertThat(jsonpath(kubectl, "get", "node", "sim-2", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].message}"))
                    .isEqualTo("Kubelet stopped posting node status.");
            assertThat(ok(kubectl.run("get", "node", "sim-2", "--no-headers")).out()).matches("sim-2\\s+NotReady\\s+.*\n");
            kubectl.awaitOutput(Duration.ofSeconds(30),
                    out -> out.contains("node.kubernetes.io/unreachable:NoSchedule") && out.contains("node.kubernetes.io/unreachable:NoExecute"),
                    "get", "node", "sim-2", "-o", "jsonpath={range .spec.taints[*]}{.key}:{.effect}{\"\\n\"}{end}");

            // Its pods are marked not ready; the one tolerating 5 s is evicted, the one tolerating 300 s stays.
            kubectl.awaitOutput(Duration.ofSeconds(30), out -> out.equals("False False"), "-n", "lost", "get", "pods", "short", "patient",
                    "-o", "jsonpath={.items[*].status.conditions[?(@.type==\"Ready\")].status}");
            kubectl.awaitOutput(Duration.ofSeconds(60), out -> !out.isBlank(), "-n", "lost", "get", "pod", "short", "-o",
                    "jsonpath={.metadata.deletionTimestamp}");
            assertThat(jsonpath(kubectl, "-n", "lost", "get", "pod", "short", "-o",
                    "jsonpath={.status.conditions[?(@.type==\"DisruptionTarget\")].reason}")).isEqualTo("DeletionByTaintManager");
            assertThat(ok(kubectl.run("-n", "lost", "get", "events", "--field-selector", "involvedObject.name=short")).out())
                    .containsPattern("Normal\\s+TaintManagerEviction\\s+pod/short\\s+Marking for deletion Pod lost/short");
            // The lost node cannot finish the deletion: the pod stays Terminating, as upstream.
            assertThat(ok(kubectl.run("-n", "lost", "get", "pod", "short", "--no-headers")).out()).matches("short\\s+\\S+\\s+Terminating\\s+.*\n");
            assertThat(jsonpath(kubectl, "-n", "lost", "get", "pod", "patient", "-o", "jsonpath={.metadata.deletionTimestamp}")).isEmpty();

            // Back: heartbeats resume, Ready, the taints go, and the node finishes the eviction.
            assertThat(ok(kubectl.run("annotate", "node", "sim-2", "sim.kapal.dev/down-")).out()).isEqualTo("node/sim-2 annotated\n");
            kubectl.awaitOutput(Duration.ofSeconds(60), out -> out.equals("True"), "get", "node", "sim-2", "-o",
                    "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}");
            kubectl.awaitOutput(Duration.ofSeconds(60), out -> !out.contains("node.kubernetes.io/unreachable"), "get", "node", "sim-2",
                    "-o", "jsonpath={.spec.taints}");
            kubectl.awaitOutput(Duration.ofSeconds(60), out -> out.strip().equals("pod/patient"), "-n", "lost", "get", "pods", "-o", "name");
            ok(kubectl.run("-n", "lost", "wait", "--for=condition=Ready", "pod/patient", "--timeout=50s"));
            // Field managers are named after the components, as upstream's User-Agents name them.
            assertThat(jsonpath(kubectl, "-n", "lost", "get", "pod", "patient", "--show-managed-fields", "-o",
                    "jsonpath={range .metadata.managedFields[*]}{.manager}/{.subresource} {end}")).contains("kubelet/status");
        } finally {
            kubectl.run("annotate", "node", "sim-2", "sim.kapal.dev/down-");
            kubectl.run("delete", "namespace", "lost", "--wait=false");
        }
    }

    @Test
    @Order(4)
    void aHighPriorityPodPreemptsALowerOneAndShowsItsNominatedNodeWhileWaiting() throws Exception {
        Kubectl kubectl = kubectl();
        ok(kubectl.run("create", "namespace", "preempt"));
        ok(kubectl.runWithInput("""
                apiVersion: scheduling.k8s.io/v1
                kind: PriorityClass
                metadata:
                  name: nodes-it-low
                value: 100
                ---
                apiVersion: scheduling.k8s.io/v1
                kind: PriorityClass
                metadata:
                  name: nodes-it-high
                value: 1000
                """, "apply", "-f", "-"));
        Process watch = null;
        try {
            String onSim0 = """
                    priorityClassName: %s
                    nodeSelector:
                      kubernetes.io/hostname: sim-0
                    """;
            ok(kubectl.runWithInput(pod("low", "victim", onSim0.formatted("nodes-it-low"), "20"), "-n", "preempt", "apply", "-f", "-"));
            ok(kubectl.run("-n", "preempt", "wait", "--for=condition=Ready", "pod/low", "--timeout=50s"));
            assertThat(jsonpath(kubectl, "-n", "preempt", "get", "pod", "low", "-o", "jsonpath={.spec.priority}")).isEqualTo("100");

            // Watch the preemptor's rows from before it exists, so the row with its nominated node is seen.
            watch = kubectl.start("-n", "preempt", "get", "pods", "-l", "role=preemptor", "-o", "wide", "-w");
            Process watching = watch;
            // Its own thread: a blocking read on the common pool would starve Kubectl's output readers.
            java.util.concurrent.CompletableFuture<String> watched = new java.util.concurrent.CompletableFuture<>();
            Thread.ofPlatform().daemon().name("kubectl-watch").start(() -> {
                try {
                    watched.complete(new String(watching.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (java.io.IOException closed) {
                    watched.complete("");
                }
            });
            Thread.sleep(1_000);
            ok(kubectl.runWithInput(pod("high", "preemptor", onSim0.formatted("nodes-it-high"), "20"), "-n", "preempt", "apply", "-f", "-"));

            assertThat(kubectl.awaitOutput(SCHEDULED, out -> !out.isBlank(), "-n", "preempt", "get", "pod", "high", "-o",
                    "jsonpath={.spec.nodeName}")).isEqualTo("sim-0");
            kubectl.awaitOutput(SCHEDULED, out -> out.isBlank(), "-n", "preempt", "get", "pods", "--field-selector=metadata.name=low", "-o", "name");
            String events = kubectl.awaitOutput(SCHEDULED, out -> out.contains("Preempted") && out.contains("Scheduled"),
                    "-n", "preempt", "get", "events");
            String uid = jsonpath(kubectl, "-n", "preempt", "get", "pod", "high", "-o", "jsonpath={.metadata.uid}");
            assertThat(events).containsPattern("Normal\\s+Preempted\\s+pod/low\\s+Preempted by pod " + uid + " on node sim-0");
            assertThat(events).containsPattern("Normal\\s+Scheduled\\s+pod/high\\s+Successfully assigned preempt/high to sim-0");
            assertThat(events).containsPattern("(?m)Warning\\s+FailedScheduling\\s+pod/high\\s+0/3 nodes are available: "
                    + "1 Insufficient cpu, 2 node\\(s\\) didn't match Pod's node affinity/selector\\.$");

            kubectl.awaitOutput(SCHEDULED, out -> out.contains("Running"), "-n", "preempt", "get", "pod", "high", "--no-headers");
            Thread.sleep(1_000);
            watch.toHandle().destroy();  // (Process.destroy would close the stream being read)
            String rows = watched.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(rows.lines().findFirst().orElseThrow())
                    .matches("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s+IP\\s+NODE\\s+NOMINATED NODE\\s+READINESS GATES");
            assertThat(rows).as("the watch's rows").containsPattern("(?m)^high\\s+0/1\\s+Pending\\s+0\\s+\\S+\\s+<none>\\s+<none>\\s+sim-0\\s+<none>$");
        } finally {
            if (watch != null) {
                watch.destroyForcibly();
            }
            kubectl.run("delete", "namespace", "preempt", "--wait=false");
            kubectl.run("delete", "priorityclass", "nodes-it-low", "nodes-it-high");
        }
    }
}
