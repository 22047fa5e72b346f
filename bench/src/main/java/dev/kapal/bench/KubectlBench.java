package dev.kapal.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * kubectl as a user feels it on Kapal (issue 3's benchmark): the wall time of real kubectl 1.33
 * processes, start to exit, for {@code get}, {@code apply} and {@code describe} of 1 and of 1,000
 * ConfigMaps, beside {@code kubectl version --client} (the process-start floor, no server) measured
 * in the same run; each printed as p50/p99 and as a ratio to the floor's p50. Then server-side
 * apply against plain updates on the same server: N ConfigMap changes as {@code PATCH}
 * {@code application/apply-patch+yaml} versus N {@code PUT}s, sequential over one HTTP/2
 * connection, as a throughput ratio.
 *
 * <p>One process holds an in-process API server (memory store) and runs kubectl as child processes
 * on the same 2 cores, as a laptop would. Arguments: {@code runs=N} (default 15; the 1,000-object
 * cases run a third as often), {@code writes=N} for the SSA comparison (default 500).
 */
public final class KubectlBench {
    private static final String NAMESPACE_ONE = "bench-one";
    private static final String NAMESPACE_MANY = "bench-many";
    private static final int MANY = 1000;

    private KubectlBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = BenchArgs.intArg(args, "runs", 15);
        int writes = BenchArgs.intArg(args, "writes", 500);
        Path kubectl = kubectlBinary();
        try (InProcessApiServer server = InProcessApiServer.start("memory://")) {
            Path work = Files.createTempDirectory("kapal-kubectl-bench");
            Path kubeconfig = server.writeAdminKubeconfig(work.resolve("kubeconfig"));
            HttpClient client = server.newClient(HttpClient.Version.HTTP_2);
            server.createNamespace(client, NAMESPACE_ONE);
            server.createNamespace(client, NAMESPACE_MANY);
            Path one = work.resolve("one.yaml");
            Files.writeString(one, configMap("one", NAMESPACE_ONE, "v"));
            Path many = work.resolve("many.yaml");
            StringBuilder list = new StringBuilder();
            for (int i = 0; i < MANY; i++) {
                list.append("---\n").append(configMap("cm-" + i, NAMESPACE_MANY, "v"));
            }
            Files.writeString(many, list.toString());
            // Created once with kubectl itself, so later applies are the steady state ("unchanged").
            run(kubectl, kubeconfig, "apply", "-f", one.toString());
            run(kubectl, kubeconfig, "apply", "-f", many.toString());

            System.out.printf("kubectl 1.33 against Kapal (in-process API server, memory store); 2 cores, load %s%n",
                    MachineLoad.describe());
            System.out.printf("  %-38s %9s %9s %9s%n", "command", "p50 ms", "p99 ms", "p50 ×");
            Latencies floor = measure(kubectl, kubeconfig, runs, "version", "--client");
            print("version --client (process start floor)", floor, floor);
            int fewer = Math.max(3, runs / 3);
            print("get configmap (1)", measure(kubectl, kubeconfig, runs, "get", "configmap", "one", "-n", NAMESPACE_ONE), floor);
            print("get configmaps (1,000)", measure(kubectl, kubeconfig, fewer, "get", "configmaps", "-n", NAMESPACE_MANY), floor);
            print("apply -f (1, unchanged)", measure(kubectl, kubeconfig, runs, "apply", "-f", one.toString()), floor);
            print("apply -f (1,000, unchanged)", measure(kubectl, kubeconfig, fewer, "apply", "-f", many.toString()), floor);
            print("describe configmap (1)", measure(kubectl, kubeconfig, runs, "describe", "configmap", "one", "-n", NAMESPACE_ONE),
                    floor);
            print("describe configmaps (1,000)", measure(kubectl, kubeconfig, fewer, "describe", "configmaps", "-n", NAMESPACE_MANY),
                    floor);

            ssaVersusUpdate(server, client, writes);
            InProcessApiServer.deleteRecursively(work);
        }
    }

    private static String configMap(String name, String namespace, String value) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  namespace: " + namespace
                + "\ndata:\n  key: \"" + value + "\"\n";
    }

    private static Path kubectlBinary() throws IOException {
        Path dispatcher = Path.of("/usr/bin/kubectl").toRealPath();
        Path versioned = dispatcher.resolveSibling("kubectl.1.33");
        return Files.isExecutable(versioned) ? versioned : dispatcher;
    }

    private static Latencies measure(Path kubectl, Path kubeconfig, int runs, String... arguments) throws Exception {
        run(kubectl, kubeconfig, arguments);  // warm-up: discovery cache, OpenAPI rendering, page cache
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            run(kubectl, kubeconfig, arguments);
            nanos[i] = System.nanoTime() - start;
        }
        return Latencies.of(nanos);
    }

    private static void run(Path kubectl, Path kubeconfig, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", arguments) + " failed: "
                    + new String(output, 0, Math.min(output.length, 2000), StandardCharsets.UTF_8));
        }
    }

    private static void print(String label, Latencies latencies, Latencies floor) {
        System.out.printf("  %-38s %9.0f %9.0f %8.2f×%n", label, latencies.p50(), latencies.p99(), latencies.p50() / floor.p50());
    }

    /** N server-side applies against N plain updates of the same ConfigMaps; throughput of each and their ratio. */
    private static void ssaVersusUpdate(InProcessApiServer server, HttpClient client, int writes) throws Exception {
        for (int i = 0; i < 2; i++) {  // warm-up rounds, not reported
            updates(server, client, Math.min(writes, 100), "warm" + i);
            applies(server, client, Math.min(writes, 100), "warm" + i);
        }
        double updatesPerSecond = updates(server, client, writes, "final");
        double appliesPerSecond = applies(server, client, writes, "final");
        System.out.printf("  server-side apply vs update, %d sequential writes each: update %.0f/s, apply %.0f/s -> %.2f×%n",
                writes, updatesPerSecond, appliesPerSecond, appliesPerSecond / updatesPerSecond);
    }

    private static double updates(InProcessApiServer server, HttpClient client, int count, String round) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String name = "cm-" + (i % MANY);
            String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\""
                    + NAMESPACE_MANY + "\"},\"data\":{\"key\":\"update-" + round + "-" + i + "\"}}";
            send(client, HttpRequest.newBuilder(server.uri("/api/v1/namespaces/" + NAMESPACE_MANY + "/configmaps/" + name))
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private static double applies(InProcessApiServer server, HttpClient client, int count, String round) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String name = "cm-" + (i % MANY);
            String body = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  namespace: " + NAMESPACE_MANY
                    + "\ndata:\n  key: apply-" + round + "-" + i + "\n";
            send(client, HttpRequest.newBuilder(server.uri("/api/v1/namespaces/" + NAMESPACE_MANY + "/configmaps/" + name
                            + "?fieldManager=bench&force=true"))
                    .header("Content-Type", "application/apply-patch+yaml")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build());
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private static void send(HttpClient client, HttpRequest request) throws Exception {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " -> " + response.statusCode() + ": "
                    + response.body());
        }
    }
}
