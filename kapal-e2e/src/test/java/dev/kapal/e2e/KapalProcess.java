package dev.kapal.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One real {@code kapal server} as a child process: {@code bin/kapal} when its jar is up to date
 * (the launcher would otherwise start a Maven build), else {@code java -jar kapal.jar} with the
 * launcher's JVM flags. Output goes to {@code <data-dir>/../kapal-<n>.log}.
 */
final class KapalProcess implements AutoCloseable {
    static final Path ROOT = Path.of(System.getProperty("kapal.root", "..")).toAbsolutePath().normalize();
    static final Path JAR = ROOT.resolve("kapal-server/target/kapal.jar");
    /**
     * Generous: the first start after a build trains the AOT cache and, on a machine loaded by
     * other builds, takes far longer than a warm start.
     */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    /** How many lines of the server log a start-up failure carries. */
    private static final int TAIL_LINES = 60;
    private static int starts;

    private final Path dataDir;
    private final int port;
    private final Path log;
    private Process process;
    private Duration lastStartToReady = Duration.ZERO;

    private final List<String> extraFlags;
    // Empty: --disable-agent (the control plane only, as most tests want); else the agent's node name.
    private final java.util.Optional<String> agentNode;

    private KapalProcess(Path dataDir, int port, List<String> extraFlags, java.util.Optional<String> agentNode) {
        this.dataDir = dataDir;
        this.port = port;
        this.extraFlags = List.copyOf(extraFlags);
        this.agentNode = agentNode;
        this.log = dataDir.resolveSibling("kapal-" + (++starts) + ".log");
    }

    /** Starts a server on a fresh data dir and a free port, with {@code extraFlags}, and waits until it is ready. */
    static KapalProcess startFresh(String... extraFlags) throws Exception {
        Path dir = Files.createTempDirectory("kapal-e2e-");
        KapalProcess server = new KapalProcess(dir.resolve("data"), freePort(), List.of(extraFlags), java.util.Optional.empty());
        server.start();
        return server;
    }

    /**
     * Starts a server WITH its node agent (real containerd; needs root and the containerd lock) on a
     * fresh data dir, after {@code prepare} has filled that data dir (air-gap images, say).
     */
    static KapalProcess startFreshWithAgent(String nodeName, java.util.function.Consumer<Path> prepare, String... extraFlags)
            throws Exception {
        // Short: containerd's socket lives under the data dir, and unix socket paths are short.
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "kapal-agent-");
        KapalProcess server = new KapalProcess(dir.resolve("data"), freePort(), List.of(extraFlags), java.util.Optional.of(nodeName));
        Files.createDirectories(server.dataDir);
        prepare.accept(server.dataDir);
        server.start();
        return server;
    }

    Path dataDir() {
        return dataDir;
    }

    int port() {
        return port;
    }

    Path kubeconfig() {
        return dataDir.resolve("kubeconfig.yaml");
    }

    Path log() {
        return log;
    }

    /** The server JVM's process handle. */
    ProcessHandle handle() {
        return process.toHandle();
    }

    Duration lastStartToReady() {
        return lastStartToReady;
    }

    private List<String> command() {
        Path launcher = ROOT.resolve("bin/kapal");
        List<String> server = new ArrayList<>(List.of("server", "--data-dir", dataDir.toString(), "--https-listen-port",
                String.valueOf(port)));
        if (agentNode.isPresent()) {
            server.addAll(List.of("--node-name", agentNode.get()));
        } else {
            server.addAll(List.of("--disable-agent", "--node-name", "e2e-node"));
        }
        server.addAll(extraFlags);
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(launcher) && !jarIsStale()) {
            command.add(launcher.toString());
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(List.of("-XX:+UseSerialGC", "-Xss512k", "--enable-native-access=ALL-UNNAMED", "-jar", JAR.toString()));
        }
        command.addAll(server);
        return command;
    }

    /** The launcher's own staleness rule: any source or pom newer than the jar. */
    private static boolean jarIsStale() {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run ./mvnw -pl kapal-e2e -am verify");
        }
        try (Stream<Path> files = Files.walk(ROOT)) {
            FileTime built = Files.getLastModifiedTime(JAR);
            return files.filter(path -> !path.toString().contains("/target/") && !path.toString().contains("/.git/"))
                    .filter(path -> path.toString().contains("/src/") || path.getFileName().toString().equals("pom.xml"))
                    .filter(Files::isRegularFile)
                    .anyMatch(path -> {
                        try {
                            return Files.getLastModifiedTime(path).compareTo(built) > 0;
                        } catch (IOException e) {
                            return false;
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts (or restarts, on the same data dir and port) and waits for {@code /readyz}. If the
     * server does not get ready (it exits, times out, or waiting is interrupted), it is killed
     * with everything it started before the failure propagates, so no stray server outlives a
     * failed test; the failure carries the tail of the server log.
     */
    void start() throws Exception {
        Files.createDirectories(dataDir);
        long started = System.nanoTime();
        List<String> command = command();
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            awaitReady();
        } catch (Exception | Error failure) {
            try {
                killHard();
            } catch (RuntimeException | InterruptedException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
        lastStartToReady = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("kapal server (%s) start-to-ready: %d ms%n", command.get(0).endsWith("kapal") ? "bin/kapal" : "java -jar",
                lastStartToReady.toMillis());
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        HttpClient client = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("kapal exited with " + process.exitValue() + "; log " + log + " ends:\n" + tail());
            }
            if (client == null && Files.exists(kubeconfig())) {
                client = Tls.anonymousClient(Kubeconfig.read(kubeconfig()), HttpClient.Version.HTTP_1_1);
            }
            if (client != null) {
                try {
                    HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/readyz"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // Not listening yet.
                }
            }
            Thread.sleep(25);
        }
        throw new IllegalStateException("kapal not ready within " + READY_TIMEOUT + "; log " + log + " ends:\n" + tail());
    }

    String baseUrl() {
        return "https://127.0.0.1:" + port;
    }

    /** The end of the server's log, for failure messages. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGKILL to the server JVM (and anything it started), as a power cut would. */
    void killHard() throws InterruptedException {
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        for (ProcessHandle handle : all) {
            handle.destroyForcibly();
        }
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().orTimeout(10, TimeUnit.SECONDS).join();
            } catch (java.util.concurrent.CompletionException stillAlive) {
                // Reported by waitFor below if it is the server itself; a child is best effort.
            }
        }
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM; returns the exit code, or empty when the process did not exit within {@code timeout}. */
    java.util.OptionalInt terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return java.util.OptionalInt.of(process.exitValue());
        }
        return java.util.OptionalInt.empty();
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            killHard();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
