package dev.kapal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Seed 003 verbatim, on a real kapal server with three simulated nodes: the nginx-deployment's
 * event chain (Deployment controller → ReplicaSet controller → scheduler → node), rolling update,
 * history and rollback, cordon / scale / uncordon / drain (with a PodDisruptionBudget, emptyDir and
 * unmanaged pods), cascading and orphaning deletes, namespace deletion and the controllers'
 * workqueue metrics — all through real kubectl.
 */
@Timeout(240)
class WorkloadsIT {
    private static final Duration ROLLOUT = Duration.ofSeconds(120);
    private static KapalProcess server;

    /** Seed 003's nginx-deployment.yaml, comments and all. */
    static final String NGINX_DEPLOYMENT = """
            ## nginx-deployment.yaml
            ## 기본항목
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: nginx-deployment
            ## 디플로이먼트 스팩
            spec:
              replicas: 3
              selector:
                matchLabels:
                  app: nginx-pod ## 템플릿 검색조건
              ## 파드 템플릿
              template:
                metadata:
                  labels:
                    app: nginx-pod
                spec:
                  containers:
                    - name: nginx
                      image: nginx:1.15 ## 컨테이너 이미지
                      ports:
                        - containerPort: 80
            """;

    /** Seed 003's nginx.yaml (the cordon/drain walk-through), in its own namespace here. */
    static final String NGINX = """
            ## nginx.yaml
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: nginx
              labels:
                app: nginx
            spec:
              replicas: 3
              selector:
                matchLabels:
                  app: nginx
              template:
                metadata:
                  labels:
                    app: nginx
                spec:
                  containers:
                  - name: nginx
                    image: nginx
            """;

    /** A Deployment whose pods use an emptyDir, guarded by a budget that allows no disruption. */
    static final String GUARDED = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: guarded
            spec:
              replicas: 3
              selector:
                matchLabels:
                  app: guarded
              template:
                metadata:
                  labels:
                    app: guarded
                spec:
                  containers:
                  - name: web
                    image: nginx
                    volumeMounts:
                    - name: scratch
                      mountPath: /scratch
                  volumes:
                  - name: scratch
                    emptyDir: {}
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: guarded
            spec:
              minAvailable: 3
              selector:
                matchLabels:
                  app: guarded
            """;

    @BeforeAll
    static void startServer() throws Exception {
        server = KapalProcess.startFresh("--sim-nodes", "3");
        Kubectl kubectl = kubectl();
        kubectl.awaitOutput(Duration.ofSeconds(60), out -> out.lines().filter(line -> line.contains(" Ready ")).count() == 3,
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


    private static void rolledOut(Kubectl kubectl, String namespace, String deployment) {
        Kubectl.Result status = ok(kubectl.run("-n", namespace, "rollout", "status", "deployment/" + deployment,
                "--timeout=" + ROLLOUT.toSeconds() + "s"));
        assertThat(status.out()).contains("deployment \"" + deployment + "\" successfully rolled out");
    }

    /** Pod name → node name of the pods matching {@code selector}. */
    private static Map<String, String> podNodes(Kubectl kubectl, String namespace, String selector) {
        String out = ok(kubectl.run("-n", namespace, "get", "pods", "-l", selector, "-o",
                "custom-columns=NAME:.metadata.name,NODE:.spec.nodeName", "--no-headers")).out();
        return out.lines().map(String::strip).filter(line -> !line.isEmpty())
                .map(line -> line.split("\\s+"))
                .collect(Collectors.toMap(fields -> fields[0], fields -> fields[1]));
    }

    @Test
    void seedDeploymentRollsOutUpdatesAndRollsBack() {
        Kubectl kubectl = kubectl();
        assertThat(ok(kubectl.runWithInput(NGINX_DEPLOYMENT, "apply", "-f", "-")).out())
                .isEqualTo("deployment.apps/nginx-deployment created\n");
        rolledOut(kubectl, "default", "nginx-deployment");

        String pods = ok(kubectl.run("get", "pods", "-l", "app=nginx-pod", "-o", "wide")).out();
        List<String> rows = pods.lines().skip(1).toList();
        assertThat(pods.lines().findFirst().orElseThrow())
                .matches("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s+IP\\s+NODE\\s+NOMINATED NODE\\s+READINESS GATES");
        assertThat(rows).hasSize(3).allSatisfy(row -> assertThat(row)
                .matches("nginx-deployment-[a-z0-9]+-[a-z0-9]{5}\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+10\\.42\\.\\d+\\.\\d+\\s+sim-\\d\\s+<none>\\s+<none>"));

        // The event chain of the seed: Deployment → ReplicaSet → pods → scheduler.
        String events = kubectl.awaitOutput(Duration.ofSeconds(30),
                out -> out.contains("SuccessfulCreate") && out.contains("Scheduled"), "get", "events");
        assertThat(events.lines().findFirst().orElseThrow()).matches("LAST SEEN\\s+TYPE\\s+REASON\\s+OBJECT\\s+MESSAGE");
        assertThat(events).containsPattern("Normal\\s+ScalingReplicaSet\\s+deployment/nginx-deployment\\s+"
                + "Scaled up replica set nginx-deployment-[a-z0-9]+ (from 0 )?to 3");
        assertThat(events).containsPattern("Normal\\s+SuccessfulCreate\\s+replicaset/nginx-deployment-[a-z0-9]+\\s+"
                + "Created pod: nginx-deployment-[a-z0-9]+-[a-z0-9]{5}");
        assertThat(events).containsPattern("Normal\\s+Scheduled\\s+pod/nginx-deployment-[a-z0-9]+-[a-z0-9]{5}\\s+"
                + "Successfully assigned default/nginx-deployment-[a-z0-9]+-[a-z0-9]{5} to sim-\\d");

        // Rolling update: a new ReplicaSet, two revisions.
        assertThat(ok(kubectl.run("set", "image", "deployment/nginx-deployment", "nginx=nginx:1.16")).out())
                .isEqualTo("deployment.apps/nginx-deployment image updated\n");
        rolledOut(kubectl, "default", "nginx-deployment");
        String replicaSets = ok(kubectl.run("get", "rs", "-l", "app=nginx-pod", "--no-headers")).out();
        assertThat(replicaSets.lines().toList()).hasSize(2);
        assertThat(replicaSets).containsPattern("nginx-deployment-[a-z0-9]+\\s+3\\s+3\\s+3\\s");
        assertThat(replicaSets).containsPattern("nginx-deployment-[a-z0-9]+\\s+0\\s+0\\s+0\\s");
        String history = ok(kubectl.run("rollout", "history", "deployment/nginx-deployment")).out();
        assertThat(history).startsWith("deployment.apps/nginx-deployment \nREVISION  CHANGE-CAUSE\n");
        assertThat(history).containsPattern("(?m)^1\\s+<none>$").containsPattern("(?m)^2\\s+<none>$");
        assertThat(ok(kubectl.run("get", "pods", "-l", "app=nginx-pod", "-o", "jsonpath={.items[*].spec.containers[0].image}")).out()
                .split(" ")).containsOnly("nginx:1.16");

        // Rollback to the first revision restores its image.
        assertThat(ok(kubectl.run("rollout", "undo", "deployment/nginx-deployment", "--to-revision=1")).out())
                .isEqualTo("deployment.apps/nginx-deployment rolled back\n");
        rolledOut(kubectl, "default", "nginx-deployment");
        assertThat(ok(kubectl.run("get", "deployment", "nginx-deployment", "-o", "jsonpath={.spec.template.spec.containers[0].image}")).out())
                .isEqualTo("nginx:1.15");
        kubectl.awaitOutput(Duration.ofSeconds(60), out -> Arrays.stream(out.split(" ")).allMatch("nginx:1.15"::equals),
                "get", "pods", "-l", "app=nginx-pod", "--field-selector=status.phase=Running",
                "-o", "jsonpath={.items[*].spec.containers[0].image}");
        assertThat(ok(kubectl.run("rollout", "history", "deployment/nginx-deployment")).out())
                .containsPattern("(?m)^2\\s+<none>$").containsPattern("(?m)^3\\s+<none>$");
    }

    @Test
    void cordonKeepsNewPodsAwayAndDrainEvictsEverythingWhileTheDeploymentStaysAvailable() {
        Kubectl kubectl = kubectl();
        ok(kubectl.run("create", "namespace", "seed-drain"));
        ok(kubectl.runWithInput(NGINX, "-n", "seed-drain", "apply", "-f", "-"));
        rolledOut(kubectl, "seed-drain", "nginx");

        assertThat(ok(kubectl.run("cordon", "sim-1")).out()).isEqualTo("node/sim-1 cordoned\n");
        assertThat(ok(kubectl.run("get", "node", "sim-1", "--no-headers")).out())
                .matches("sim-1\\s+Ready,SchedulingDisabled\\s+.*\n");
        Map<String, String> before = podNodes(kubectl, "seed-drain", "app=nginx");
        ok(kubectl.run("-n", "seed-drain", "scale", "deployment/nginx", "--replicas=6"));
        rolledOut(kubectl, "seed-drain", "nginx");
        Map<String, String> after = podNodes(kubectl, "seed-drain", "app=nginx");
        assertThat(after).hasSize(6);
        after.forEach((pod, node) -> {
            if (!before.containsKey(pod)) {
                assertThat(node).as("new pod %s went to a cordoned node", pod).isNotEqualTo("sim-1");
            }
        });
        assertThat(ok(kubectl.run("uncordon", "sim-1")).out()).isEqualTo("node/sim-1 uncordoned\n");
        assertThat(ok(kubectl.run("get", "node", "sim-1", "--no-headers")).out()).matches("sim-1\\s+Ready\\s+.*\n");

        // Drain the busiest node (all namespaces: the other test's pods may live there too).
        Map<String, Long> perNode = after.values().stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        String busiest = perNode.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        Kubectl.Result drained = ok(kubectl.run("drain", busiest, "--ignore-daemonsets", "--timeout=120s"));
        assertThat(drained.out()).contains("node/" + busiest + " cordoned")
                .contains("evicting pod seed-drain/nginx-")
                .contains("node/" + busiest + " drained");
        assertThat(ok(kubectl.run("get", "pods", "-A", "--field-selector=spec.nodeName=" + busiest, "--no-headers")).out()
                + ok(kubectl.run("get", "pods", "-A", "--field-selector=spec.nodeName=" + busiest, "--no-headers")).err())
                .contains("No resources found");
        rolledOut(kubectl, "seed-drain", "nginx");
        assertThat(podNodes(kubectl, "seed-drain", "app=nginx")).hasSize(6).doesNotContainValue(busiest);
        ok(kubectl.run("uncordon", busiest));
    }

    @Test
    void drainHonoursTheDisruptionBudgetAndNeedsFlagsForEmptyDirAndUnmanagedPods() {
        Kubectl kubectl = kubectl();
        ok(kubectl.run("create", "namespace", "seed-pdb"));
        ok(kubectl.runWithInput(GUARDED, "-n", "seed-pdb", "apply", "-f", "-"));
        rolledOut(kubectl, "seed-pdb", "guarded");
        kubectl.awaitOutput(Duration.ofSeconds(60), "3 0"::equals, "-n", "seed-pdb", "get", "pdb", "guarded",
                "-o", "jsonpath={.status.currentHealthy} {.status.disruptionsAllowed}");
        String node = podNodes(kubectl, "seed-pdb", "app=guarded").values().iterator().next();
        ok(kubectl.run("-n", "seed-pdb", "run", "loner", "--image=nginx", "--overrides={\"spec\":{\"nodeName\":\"" + node + "\"}}"));
        kubectl.awaitOutput(Duration.ofSeconds(60), "Running"::equals, "-n", "seed-pdb", "get", "pod", "loner",
                "-o", "jsonpath={.status.phase}");

        // Without the flags, kubectl refuses the emptyDir pod and the unmanaged one (after cordoning).
        Kubectl.Result refused = kubectl.run("drain", node, "--ignore-daemonsets", "--timeout=60s");
        assertThat(refused.ok()).as("%s", refused).isFalse();
        assertThat(refused.err())
                .contains("cannot delete Pods with local storage (use --delete-emptydir-data to override): seed-pdb/guarded-")
                .contains("cannot delete Pods that declare no controller (use --force to override): seed-pdb/loner");

        // With them, the unmanaged pod goes, but the budget answers 429 until --timeout.
        Kubectl.Result blocked = kubectl.run("drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--force",
                "--timeout=15s");
        assertThat(blocked.ok()).as("%s", blocked).isFalse();
        assertThat(blocked.out() + blocked.err())
                .contains("Warning: deleting Pods that declare no controller: seed-pdb/loner")
                .contains("pod/loner evicted")
                .containsPattern("error when evicting pods/\"guarded-[a-z0-9]+-[a-z0-9]{5}\" -n \"seed-pdb\" \\(will retry after 5s\\): "
                        + "Cannot evict pod as it would violate the pod's disruption budget\\.")
                .contains("global timeout reached: 15s");
        assertThat(kubectl.run("-n", "seed-pdb", "get", "pod", "loner").err()).contains("NotFound");

        // A budget that allows one disruption lets the drain finish; the Deployment stays available.
        ok(kubectl.run("-n", "seed-pdb", "patch", "pdb", "guarded", "--type=merge", "-p", "{\"spec\":{\"minAvailable\":2}}"));
        kubectl.awaitOutput(Duration.ofSeconds(60), "1"::equals, "-n", "seed-pdb", "get", "pdb", "guarded",
                "-o", "jsonpath={.status.disruptionsAllowed}");
        Kubectl.Result drained = ok(kubectl.run("drain", node, "--ignore-daemonsets", "--delete-emptydir-data",
                "--timeout=120s"));
        assertThat(drained.out()).contains("evicting pod seed-pdb/guarded-").contains("node/" + node + " drained");
        rolledOut(kubectl, "seed-pdb", "guarded");
        assertThat(podNodes(kubectl, "seed-pdb", "app=guarded")).hasSize(3).doesNotContainValue(node);
        ok(kubectl.run("uncordon", node));
        // emptyDir pods would make the other drain test's plain drain refuse: leave none behind.
        ok(kubectl.run("delete", "namespace", "seed-pdb", "--timeout=120s"));
    }

    /** One sample of {@code /metrics}, read through kubectl. */
    private static double metric(Kubectl kubectl, String series) {
        return ok(kubectl.run("get", "--raw", "/metrics")).out().lines().filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1))).findFirst().orElse(0);
    }

    @Test
    void controllerWorkqueueMetricsAreServedAtMetricsAndMove() {
        Kubectl kubectl = kubectl();
        double adds = metric(kubectl, "workqueue_adds_total{name=\"deployment\"}");
        double worked = metric(kubectl, "workqueue_work_duration_seconds_count{name=\"replicaset\"}");
        ok(kubectl.run("create", "namespace", "seed-metrics"));
        ok(kubectl.run("-n", "seed-metrics", "create", "deployment", "counted", "--image=nginx", "--replicas=1"));
        rolledOut(kubectl, "seed-metrics", "counted");
        assertThat(metric(kubectl, "workqueue_adds_total{name=\"deployment\"}")).isGreaterThan(adds);
        assertThat(metric(kubectl, "workqueue_work_duration_seconds_count{name=\"replicaset\"}")).isGreaterThan(worked);
        String metrics = ok(kubectl.run("get", "--raw", "/metrics")).out();
        assertThat(metrics).contains("# TYPE workqueue_depth gauge", "# TYPE workqueue_retries_total counter",
                "# TYPE workqueue_queue_duration_seconds histogram", "# TYPE workqueue_unfinished_work_seconds gauge",
                "# TYPE workqueue_longest_running_processor_seconds gauge", "workqueue_depth{name=\"garbagecollector\"} ");
    }

    @Test
    void deletingADeploymentCascadesAndOrphanLeavesTheReplicaSetAndPods() {
        Kubectl kubectl = kubectl();
        ok(kubectl.run("create", "namespace", "seed-cascade"));
        ok(kubectl.run("-n", "seed-cascade", "create", "deployment", "cascade", "--image=nginx", "--replicas=2"));
        ok(kubectl.run("-n", "seed-cascade", "create", "deployment", "orphaned", "--image=nginx", "--replicas=2"));
        rolledOut(kubectl, "seed-cascade", "cascade");
        rolledOut(kubectl, "seed-cascade", "orphaned");

        assertThat(ok(kubectl.run("-n", "seed-cascade", "delete", "deployment", "cascade")).out())
                .isEqualTo("deployment.apps \"cascade\" deleted\n");
        kubectl.awaitOutput(Duration.ofSeconds(60), String::isBlank, "-n", "seed-cascade", "get", "rs,pods", "-l", "app=cascade",
                "-o", "name");

        assertThat(ok(kubectl.run("-n", "seed-cascade", "delete", "deployment", "orphaned", "--cascade=orphan")).out())
                .isEqualTo("deployment.apps \"orphaned\" deleted\n");
        kubectl.awaitOutput(Duration.ofSeconds(30), String::isBlank, "-n", "seed-cascade", "get", "rs", "-l", "app=orphaned",
                "-o", "jsonpath={.items[*].metadata.ownerReferences}");
        assertThat(ok(kubectl.run("-n", "seed-cascade", "get", "rs", "-l", "app=orphaned", "-o", "name")).out().lines()).hasSize(1);
        assertThat(ok(kubectl.run("-n", "seed-cascade", "get", "pods", "-l", "app=orphaned", "-o", "name")).out().lines()).hasSize(2);
    }

    @Test
    void deletingANamespaceRemovesItsContentThenItself() {
        Kubectl kubectl = kubectl();
        ok(kubectl.run("create", "namespace", "seed-gone"));
        ok(kubectl.run("-n", "seed-gone", "create", "configmap", "settings", "--from-literal=a=b"));
        ok(kubectl.run("-n", "seed-gone", "create", "deployment", "web", "--image=nginx", "--replicas=2"));
        rolledOut(kubectl, "seed-gone", "web");

        Kubectl.Result deleted = ok(kubectl.run("delete", "namespace", "seed-gone", "--timeout=120s"));
        assertThat(deleted.out()).isEqualTo("namespace \"seed-gone\" deleted\n");
        Kubectl.Result gone = kubectl.run("get", "namespace", "seed-gone");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err()).contains("Error from server (NotFound): namespaces \"seed-gone\" not found");
    }

    @ParameterizedTest(name = "kubectl {0}")
    @FieldSource("dev.kapal.e2e.Kubectl#VERSIONS")
    void rolloutCommandsWorkForEveryKubectl(String version) {
        Kubectl kubectl = Kubectl.of(version, server.kubeconfig());
        String namespace = "seed-rollout-" + version.replace(".", "-");
        ok(kubectl.run("create", "namespace", namespace));
        ok(kubectl.run("-n", namespace, "create", "deployment", "web", "--image=nginx:1.15", "--replicas=2"));
        rolledOut(kubectl, namespace, "web");
        ok(kubectl.run("-n", namespace, "set", "image", "deployment/web", "nginx=nginx:1.16"));
        rolledOut(kubectl, namespace, "web");
        assertThat(ok(kubectl.run("-n", namespace, "rollout", "restart", "deployment/web")).out())
                .isEqualTo("deployment.apps/web restarted\n");
        rolledOut(kubectl, namespace, "web");
        assertThat(ok(kubectl.run("-n", namespace, "rollout", "history", "deployment/web")).out())
                .containsPattern("(?m)^1\\s").containsPattern("(?m)^2\\s").containsPattern("(?m)^3\\s");
        assertThat(ok(kubectl.run("-n", namespace, "rollout", "pause", "deployment/web")).out())
                .isEqualTo("deployment.apps/web paused\n");
        assertThat(ok(kubectl.run("-n", namespace, "rollout", "resume", "deployment/web")).out())
                .isEqualTo("deployment.apps/web resumed\n");
        ok(kubectl.run("delete", "namespace", namespace, "--wait=false"));
    }
}
