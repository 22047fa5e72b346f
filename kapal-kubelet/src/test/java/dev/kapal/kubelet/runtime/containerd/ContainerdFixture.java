package dev.kapal.kubelet.runtime.containerd;

import dev.kapal.kubelet.runtime.cri.CriClient;
import dev.kapal.kubelet.runtime.cri.v1.ListPodSandboxRequest;
import dev.kapal.kubelet.runtime.cri.v1.NetworkConfig;
import dev.kapal.kubelet.runtime.cri.v1.PodSandbox;
import dev.kapal.kubelet.runtime.cri.v1.RemovePodSandboxRequest;
import dev.kapal.kubelet.runtime.cri.v1.RuntimeConfig;
import dev.kapal.kubelet.runtime.cri.v1.StopPodSandboxRequest;
import dev.kapal.kubelet.runtime.cri.v1.UpdateRuntimeConfigRequest;
import dev.kapal.kubelet.runtime.oci.BusyboxImage;
import dev.kapal.kubelet.runtime.oci.OciArchive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real containerd for a test class: installs the host packages when missing (as root, with
 * apt-get), writes a busybox image into the air-gap images directory, starts a
 * {@link ManagedContainerd} on a fresh temporary data directory with its own CNI bridge and pod
 * CIDR, and on {@link #close()} removes every sandbox, stops containerd, deletes the bridge and
 * the directory.
 */
public final class ContainerdFixture implements AutoCloseable {
    /** The test image the fixture imports through the air-gap directory. */
    public static final String BUSYBOX = "docker.io/library/busybox:kapal-test";
    public static final String BRIDGE = "kapalcri0";
    public static final String POD_CIDR = "10.199.77.0/24";

    private final Path dataDirectory;
    private final ManagedContainerd containerd;
    private final CriClient client;
    private final OciArchive.Written busybox;

    private final Path ctr;

    private ContainerdFixture(Path dataDirectory, ManagedContainerd containerd, OciArchive.Written busybox, Path ctr) {
        this.ctr = ctr;
        this.dataDirectory = dataDirectory;
        this.containerd = containerd;
        this.busybox = busybox;
        this.client = CriClient.connect(containerd.socket());
    }

    /** Starts containerd; the CRI network is configured with {@link #POD_CIDR}. */
    public static ContainerdFixture start() {
        return start(agent -> {
        });
    }

    /**
     * Starts containerd after {@code prepare} had its go at the agent directory (to write a
     * {@code registries.yaml}, say).
     */
    public static ContainerdFixture start(java.util.function.Consumer<Path> prepare) {
        RuntimePackages packages = RuntimePackages.host();
        packages.ensureInstalled(RuntimePackages.runningAsRoot(), System.out::println);
        try {
            Path dataDirectory = Files.createTempDirectory("kapal-cri");
            Path agent = dataDirectory.resolve("agent");
            Files.createDirectories(agent.resolve("images"));
            OciArchive.Written busybox = BusyboxImage.write(packages.busybox(),
                    agent.resolve("images/busybox.tar"), BUSYBOX, List.of("sh"));
            prepare.accept(agent);
            ManagedContainerd.Options defaults = ManagedContainerd.Options.forAgentDirectory(agent, packages);
            ContainerdSettings settings = new ContainerdSettings(defaults.settings().directory(),
                    defaults.settings().sandboxImage(), defaults.settings().cniBinDir(), "kapal-cri-test", BRIDGE);
            ManagedContainerd containerd = ManagedContainerd.start(new ManagedContainerd.Options(settings,
                    defaults.containerd(), defaults.ctr(), defaults.busybox(), defaults.imagesDirectory(),
                    Duration.ofSeconds(60)));
            ContainerdFixture fixture = new ContainerdFixture(dataDirectory, containerd, busybox, defaults.ctr());
            fixture.client.runtime().updateRuntimeConfig(UpdateRuntimeConfigRequest.newBuilder()
                    .setRuntimeConfig(RuntimeConfig.newBuilder()
                            .setNetworkConfig(NetworkConfig.newBuilder().setPodCidr(POD_CIDR)))
                    .build());
            return fixture;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ManagedContainerd containerd() {
        return containerd;
    }

    public CriClient client() {
        return client;
    }

    /** The busybox image imported from the images directory. */
    public OciArchive.Written busybox() {
        return busybox;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Runs {@code ctr} on this containerd's {@code k8s.io} namespace; answers its output, failing unless it exits 0. */
    public String ctr(String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of(ctr.toString(), "--address", containerd.socket().toString(),
                "--namespace", "k8s.io"));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            containerd.awaitReady(Duration.ofSeconds(30));
            for (PodSandbox sandbox : client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
                client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(sandbox.getId()).build());
                client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandbox.getId()).build());
            }
        } finally {
            client.close();
            containerd.close();
            run("ip", "link", "delete", BRIDGE);
            deleteTree(dataDirectory);
        }
    }

    private static void run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Best effort, and never while containerd left something mounted inside. */
    private static void deleteTree(Path root) {
        try {
            if (Files.readAllLines(Path.of("/proc/self/mounts")).stream().anyMatch(line -> line.contains(root.toString()))) {
                System.out.println("leaving " + root + ": something is still mounted there");
                return;
            }
        } catch (IOException e) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // mounted or busy: left for the next boot's /tmp cleanup
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // same
        }
    }
}
