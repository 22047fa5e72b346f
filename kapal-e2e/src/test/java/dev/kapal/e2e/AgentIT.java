package dev.kapal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapal.kubelet.runtime.oci.BusyboxImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * {@code kapal server} WITH its node agent on real containerd (the only end-to-end test that runs
 * one; the others pass {@code --disable-agent}): a busybox image from the air-gap directory, the
 * node registered from this machine, a real pod serving HTTP at its pod IP, a Deployment's three
 * replicas as three containerd containers, logs, exec and port-forward through the agent's kubelet
 * API, and a {@code kill -9} of the whole server (containerd
 * included) after which the restarted agent adopts the running containers.
 *
 * <p>Runs under the machine's containerd lock ({@link ContainerdLock}) and cleans up after itself:
 * pods deleted through the agent, the server stopped (which stops containerd), leftover shims
 * killed, the {@code cni0} bridge deleted, the data dir removed.
 */
@Timeout(600)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentIT {
    private static final String NODE = "kapal-e2e-agent";
    private static final String IMAGE = "docker.io/library/busybox:kapal-e2e";
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ContainerdLock lock;
    private static KapalProcess server;
    private static Map<String, String> containersBeforeKill = Map.of();

    @BeforeAll
    static void startServerWithAgent() throws Exception {
        lock = ContainerdLock.acquire();
        server = KapalProcess.startFreshWithAgent(NODE, dataDir -> {
            try {
                Path images = Files.createDirectories(dataDir.resolve("agent/images"));
                BusyboxImage.write(BusyboxImage.HOST_BUSYBOX, images.resolve("busybox.tar"), IMAGE, List.of("sh"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try {
            if (server != null) {
                Kubectl kubectl = kubectl();
                kubectl.run("delete", "deployment", "--all", "--wait=false");
                kubectl.run("delete", "pods", "--all", "--grace-period=1", "--timeout=90s");
                server.terminate(Duration.ofSeconds(60));
                server.close();
                keepLogs(server);
                killLeftovers(server.dataDir());
                run("ip", "link", "delete", "cni0");
                deleteTree(server.dataDir().getParent());
            }
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }

    @Test
    @Order(1)
    void theNodeRegistersReadyFromThisMachineWithAServerNodesLabelsAndContainerd() throws Exception {
        awaitAgentReady(1);
        Kubectl kubectl = kubectl();
        String wide = kubectl.awaitOutput(WAIT, out -> out.lines().anyMatch(line -> line.startsWith(NODE) && line.contains(" Ready ")),
                "get", "nodes", "-o", "wide");
        assertThat(wide).contains("control-plane,master").contains("containerd://").contains("+kapal");

        JsonNode node = JSON.readTree(ok(kubectl.run("get", "node", NODE, "-o", "json")).out());
        JsonNode labels = node.path("metadata").path("labels");
        assertThat(labels.path("kubernetes.io/hostname").asText()).isEqualTo(NODE);
        assertThat(labels.path("kubernetes.io/os").asText()).isEqualTo("linux");
        assertThat(labels.path("kubernetes.io/arch").asText()).isNotEmpty();
        assertThat(labels.path("node-role.kubernetes.io/control-plane").asText()).isEqualTo("true");
        assertThat(labels.path("node-role.kubernetes.io/master").asText()).isEqualTo("true");
        JsonNode status = node.path("status");
        assertThat(status.path("capacity").path("cpu").asText()).isEqualTo(Integer.toString(Runtime.getRuntime().availableProcessors()));
        assertThat(status.path("capacity").path("pods").asText()).isEqualTo("110");
        assertThat(status.path("capacity").path("memory").asText()).endsWith("Ki");
        assertThat(status.path("allocatable").has("ephemeral-storage")).isTrue();
        JsonNode info = status.path("nodeInfo");
        assertThat(info.path("kernelVersion").asText()).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip());
        assertThat(info.path("machineID").asText()).isEqualTo(Files.readString(Path.of("/etc/machine-id")).strip());
        assertThat(info.path("containerRuntimeVersion").asText()).startsWith("containerd://");
        assertThat(info.path("kubeletVersion").asText()).matches("v1\\.33\\.\\d+\\+kapal");
        assertThat(info.path("osImage").asText()).isNotEmpty();
        List<String> addressTypes = new ArrayList<>();
        status.path("addresses").forEach(address -> addressTypes.add(address.path("type").asText()));
        assertThat(addressTypes).containsExactly("InternalIP", "Hostname");
        assertThat(node.path("spec").path("podCIDR").asText()).startsWith("10.42.");
    }

    @Test
    @Order(2)
    void aBusyboxHttpdPodServesAtItsPodIpWithItsEnvironmentExpanded() throws Exception {
        Kubectl kubectl = kubectl();
        ok(kubectl.runWithInput("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: httpd
                    image: %s
                    imagePullPolicy: Never
                    env:
                    - name: POD_NAME
                      valueFrom:
                        fieldRef:
                          fieldPath: metadata.name
                    command: ["sh", "-c", "mkdir -p /www && echo hello from $(POD_NAME) > /www/index.html && exec httpd -f -p 8080 -h /www"]
                    ports:
                    - containerPort: 8080
                """.formatted(IMAGE), "apply", "-f", "-"));
        kubectl.awaitOutput(WAIT, "True"::equals, "get", "pod", "web", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}");
        JsonNode pod = JSON.readTree(ok(kubectl.run("get", "pod", "web", "-o", "json")).out());
        String podIp = pod.path("status").path("podIP").asText();
        assertThat(podIp).startsWith(JSON.readTree(ok(kubectl.run("get", "node", NODE, "-o", "json")).out())
                .path("spec").path("podCIDR").asText().replaceAll("0/24$", ""));
        assertThat(pod.path("status").path("hostIP").asText()).isNotEmpty();
        assertThat(pod.path("status").path("containerStatuses").get(0).path("containerID").asText()).startsWith("containerd://");

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String body = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (body == null && System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://" + podIp + ":8080/"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                body = response.body();
            } catch (IOException notYetListening) {
                Thread.sleep(250);
            }
        }
        assertThat(body).isEqualTo("hello from web\n");
    }

    @Test
    @Order(3)
    void logsExecAndPortForwardReachTheContainersThroughTheAgentsKubeletApi() throws Exception {
        Kubectl kubectl = kubectl();
        JsonNode node = JSON.readTree(ok(kubectl.run("get", "node", NODE, "-o", "json")).out());
        assertThat(node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt()).isEqualTo(10250);

        assertThat(ok(kubectl.run("exec", "web", "--", "cat", "/www/index.html")).out()).isEqualTo("hello from web\n");
        Kubectl.Result failing = kubectl.run("exec", "web", "--", "sh", "-c", "exit 3");
        assertThat(failing.exitCode()).isEqualTo(3);

        ok(kubectl.run("run", "talker", "--image=" + IMAGE, "--image-pull-policy=Never", "--restart=Never",
                "--", "sh", "-c", "echo first line; echo second line; exec sleep 100000"));
        kubectl.awaitOutput(WAIT, "Running"::equals, "get", "pod", "talker", "-o", "jsonpath={.status.phase}");
        kubectl.awaitOutput(WAIT, out -> out.equals("first line\nsecond line\n"), "logs", "talker");
        assertThat(ok(kubectl.run("logs", "talker", "--tail=1")).out()).isEqualTo("second line\n");
        ok(kubectl.run("delete", "pod", "talker", "--grace-period=1"));

        Process forward = kubectl.start("port-forward", "pod/web", ":8080");
        try {
            // kubectl's output is read to its end: a closed pipe would kill it (SIGPIPE) at its next line.
            java.util.concurrent.CompletableFuture<Integer> port = new java.util.concurrent.CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                java.util.regex.Pattern forwarding = java.util.regex.Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+) -> 8080");
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(forward.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        java.util.regex.Matcher matcher = forwarding.matcher(line);
                        if (matcher.find()) {
                            port.complete(Integer.parseInt(matcher.group(1)));
                        }
                    }
                } catch (IOException ended) {
                    // kubectl was stopped
                }
                port.complete(-1);
            });
            int local = port.get(60, TimeUnit.SECONDS);
            assertThat(local).as("kubectl port-forward printed its local port").isPositive();
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + local + "/")).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("hello from web\n");
        } finally {
            forward.destroyForcibly();
        }
    }

    @Test
    @Order(4)
    void aDeploymentOfThreeReplicasRunsThreeRealContainers() throws Exception {
        Kubectl kubectl = kubectl();
        ok(kubectl.runWithInput("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: sleepers
                spec:
                  replicas: 3
                  selector:
                    matchLabels:
                      app: sleepers
                  template:
                    metadata:
                      labels:
                        app: sleepers
                    spec:
                      terminationGracePeriodSeconds: 1
                      containers:
                      - name: sleep
                        image: %s
                        imagePullPolicy: IfNotPresent
                        command: ["sleep", "100000"]
                """.formatted(IMAGE), "apply", "-f", "-"));
        ok(kubectl.run("rollout", "status", "deployment/sleepers", "--timeout=" + WAIT.toSeconds() + "s"));
        Map<String, String> containers = runningContainers(kubectl);
        assertThat(containers).hasSize(4);  // web and the three replicas
        List<String> ids = ctr("containers", "ls", "-q").lines().toList();
        assertThat(ids).containsAll(containers.values());
        String tasks = ctr("tasks", "ls");
        for (String id : containers.values()) {
            assertThat(tasks.lines().filter(line -> line.startsWith(id)).findFirst().orElse("")).contains("RUNNING");
        }
        containersBeforeKill = containers;
    }

    @Test
    @Order(5)
    void afterKillNineOfTheWholeServerTheRestartedAgentAdoptsTheRunningContainers() throws Exception {
        assertThat(containersBeforeKill).as("the previous test ran").hasSize(4);
        server.killHard();  // the JVM and its children, containerd included; the shims and containers live on
        String runc = runcList();
        for (String id : containersBeforeKill.values()) {
            assertThat(runc.lines().filter(line -> line.startsWith(id)).findFirst().orElse("")).as(runc).contains("running");
        }

        server.start();
        // /readyz answers before the agent starts (after the scheduler's and controllers' leader leases of the killed
        // server expired): until then the pods' statuses are the old agent's.
        awaitAgentReady(2);
        Kubectl kubectl = kubectl();
        kubectl.awaitOutput(WAIT, out -> out.lines().anyMatch(line -> line.startsWith(NODE) && line.contains(" Ready ")),
                "get", "nodes");
        // The agent has re-read every pod once it wrote their status again: wait until all are Ready.
        kubectl.awaitOutput(WAIT, out -> out.lines().skip(1).count() == 4 && out.lines().skip(1).allMatch(line -> line.contains(" 1/1 ")
                && line.contains(" Running ")), "get", "pods");
        Thread.sleep(5_000);  // a wrongly restarted container would show within a few sync rounds
        assertThat(runningContainers(kubectl)).isEqualTo(containersBeforeKill);
        JsonNode pods = JSON.readTree(ok(kubectl.run("get", "pods", "-o", "json")).out());
        for (JsonNode pod : pods.path("items")) {
            JsonNode container = pod.path("status").path("containerStatuses").get(0);
            assertThat(container.path("restartCount").asInt()).as(pod.path("metadata").path("name").asText()).isZero();
            assertThat(container.path("ready").asBoolean()).isTrue();
        }
        String listed = ctr("containers", "ls", "-q");
        assertThat(listed.lines().filter(line -> line.matches("[0-9a-f]{64}")).count())
                .as("no new containers besides the 4 sandboxes' and the 4 adopted ones: %s", listed).isEqualTo(8);
        assertThat(ok(kubectl.run("get", "pod", "web", "-o", "jsonpath={.status.podIP}")).out()).isNotEmpty();
    }

    @Test
    @Order(6)
    void aKilledContainerdIsRestartedAndThePodsReconciled() throws Exception {
        Path pidFile = server.dataDir().resolve("agent/containerd/containerd.pid");
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle containerd = ProcessHandle.of(pid).orElseThrow();
        Map<String, String> before = runningContainers(kubectl());
        containerd.destroyForcibly();
        containerd.onExit().get(30, TimeUnit.SECONDS);

        Kubectl kubectl = kubectl();
        // The agent's supervisor starts a new containerd; the running containers are untouched and a new pod starts.
        ok(kubectl.runWithInput("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: after-restart
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: sleep
                    image: %s
                    imagePullPolicy: IfNotPresent
                    command: ["sleep", "100000"]
                """.formatted(IMAGE), "apply", "-f", "-"));
        kubectl.awaitOutput(WAIT, "True"::equals, "get", "pod", "after-restart", "-o",
                "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}");
        long newPid = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(newPid).isNotEqualTo(pid);
        assertThat(ProcessHandle.of(newPid).map(ProcessHandle::isAlive)).contains(true);
        Map<String, String> after = runningContainers(kubectl);
        after.remove("after-restart");
        assertThat(after).isEqualTo(before);
        kubectl.awaitOutput(WAIT, out -> out.lines().anyMatch(line -> line.startsWith(NODE) && line.contains(" Ready ")),
                "get", "nodes");
    }

    // ---------------------------------------------------------------- helpers

    /** Pod name → container id (without {@code containerd://}) of every pod whose first container runs. */
    private static Map<String, String> runningContainers(Kubectl kubectl) throws IOException {
        JsonNode pods = JSON.readTree(ok(kubectl.run("get", "pods", "-o", "json")).out());
        Map<String, String> containers = new TreeMap<>();
        for (JsonNode pod : pods.path("items")) {
            JsonNode status = pod.path("status").path("containerStatuses");
            if (status.size() > 0 && status.get(0).path("state").has("running")) {
                containers.put(pod.path("metadata").path("name").asText(),
                        status.get(0).path("containerID").asText().replace("containerd://", ""));
            }
        }
        return containers;
    }

    private static Path socket() {
        return server.dataDir().resolve("agent/containerd/containerd.sock");
    }

    /** {@code ctr} against the agent's containerd, in the CRI's namespace. */
    private static String ctr(String... arguments) {
        List<String> command = new ArrayList<>(List.of("ctr", "--address", socket().toString(), "--namespace", "k8s.io"));
        command.addAll(List.of(arguments));
        return run(command.toArray(String[]::new));
    }

    /** With containerd down: runc's list of the containers under containerd's runc root (id, pid, status…). */
    private static String runcList() {
        return run("runc", "--root", server.dataDir().resolve("agent/containerd/runc/k8s.io").toString(), "list");
    }

    /** Waits until the server's log says the agent became ready {@code times} times (once per start). */
    private static void awaitAgentReady(int times) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.readAllLines(server.log()).stream().filter(line -> line.contains(" agent ready ")).count() >= times) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the agent did not become ready; server log:\n" + server.tail());
    }

    /** The server's and containerd's logs survive the clean-up in target/agent-it, for a failed run. */
    private static void keepLogs(KapalProcess process) {
        try {
            Path kept = Files.createDirectories(Path.of("target/agent-it"));
            try (Stream<Path> logs = Files.list(process.dataDir().getParent())) {
                for (Path log : logs.filter(path -> path.getFileName().toString().endsWith(".log")).toList()) {
                    Files.copy(log, kept.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Path containerdLog = process.dataDir().resolve("agent/containerd/containerd.log");
            if (Files.exists(containerdLog)) {
                Files.copy(containerdLog, kept.resolve("containerd.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException ignored) {
            // Logs are a help, not a result.
        }
    }

    private static Kubectl kubectl() {
        return Kubectl.of("1.33", server.kubeconfig());
    }

    private static Kubectl.Result ok(Kubectl.Result result) {
        assertThat(result.ok()).as("%s", result).isTrue();
        return result;
    }


    private static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(60, TimeUnit.SECONDS);
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Shims (and their containers) of this data dir that outlived the cleanup: a failed test must not leave them behind. */
    private static void killLeftovers(Path dataDir) {
        ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().map(line -> line.contains(dataDir.toString())).orElse(false))
                .forEach(process -> {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                });
        try {
            List<String> mounts = Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .map(line -> line.split(" ")[1])
                    .filter(mount -> mount.startsWith(dataDir.toString()))
                    .sorted(Comparator.reverseOrder())
                    .toList();
            for (String mount : mounts) {
                run("umount", "-l", mount);
            }
        } catch (IOException ignored) {
            // Nothing mounted to look at.
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException busy) {
                    // Left for the next boot's /tmp cleanup.
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // Same.
        }
    }
}
