package dev.kapal.kubelet.runtime.containerd;

import dev.kapal.kubelet.runtime.cri.CriClient;
import dev.kapal.kubelet.runtime.oci.BusyboxImage;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * containerd run by Kapal as a child process, the k3s way.
 *
 * <p>{@link #start} writes the configuration ({@link ContainerdSettings}), writes the busybox
 * sandbox image archive, launches {@code containerd --config …} (output appended to
 * {@code containerd.log}) or adopts one a previous Kapal left running (found through
 * {@code containerd.pid}), waits until the CRI answers {@code Version}, then imports the sandbox
 * image and every archive in the images directory. It returns only once the runtime is usable.
 *
 * <p>Afterwards a supervisor thread restarts containerd whenever it exits (quickly at first, then
 * with a delay doubling to 30 s while it keeps dying within a minute). Containers survive a
 * containerd restart: their shims are separate processes. {@link #close()} stops containerd
 * (SIGTERM, then SIGKILL after 10 s) and leaves the containers running.
 */
public final class ManagedContainerd implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagedContainerd.class);
    private static final Duration FIRST_RESTART_DELAY = Duration.ofMillis(250);
    private static final Duration MAX_RESTART_DELAY = Duration.ofSeconds(30);
    private static final Duration STABLE_RUN = Duration.ofMinutes(1);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    /**
     * What to run.
     *
     * @param settings         configuration and directories
     * @param containerd       the containerd executable
     * @param ctr              the ctr executable (image import)
     * @param busybox          the static busybox the sandbox image is built from
     * @param imagesDirectory  archives imported at every start ({@code <data-dir>/agent/images})
     * @param readyTimeout     how long a start may take until the CRI answers
     */
    public record Options(ContainerdSettings settings, Path containerd, Path ctr, Path busybox,
                          Path imagesDirectory, Duration readyTimeout) {
        public Options {
            Objects.requireNonNull(settings, "settings");
            Objects.requireNonNull(containerd, "containerd");
            Objects.requireNonNull(ctr, "ctr");
            Objects.requireNonNull(busybox, "busybox");
            Objects.requireNonNull(imagesDirectory, "imagesDirectory");
            Objects.requireNonNull(readyTimeout, "readyTimeout");
        }

        /** The usual options for {@code <data-dir>/agent}, with executables found on the host. */
        public static Options forAgentDirectory(Path agentDirectory, RuntimePackages packages) {
            ContainerdSettings settings = ContainerdSettings.underAgentDirectory(agentDirectory,
                    BusyboxImage.PAUSE_REFERENCE);
            return new Options(settings,
                    packages.executable("containerd").orElseThrow(() -> new IllegalStateException("containerd not found")),
                    packages.executable("ctr").orElseThrow(() -> new IllegalStateException("ctr not found")),
                    packages.busybox(), agentDirectory.resolve("images"), Duration.ofSeconds(60));
        }
    }

    private final Options options;
    private final CriClient probe;
    private final AtomicInteger launches = new AtomicInteger();
    private final Object lock = new Object();
    private volatile ProcessHandle process;
    private volatile boolean closed;
    private Thread supervisor;

    private ManagedContainerd(Options options) {
        this.options = options;
        this.probe = CriClient.connect(options.settings().socket());
    }

    /** Configures, launches (or adopts) and readies containerd, then supervises it; see the class comment. */
    public static ManagedContainerd start(Options options) {
        ManagedContainerd managed = new ManagedContainerd(Objects.requireNonNull(options, "options"));
        try {
            managed.configure();
            managed.process = managed.adoptOrLaunch();
            managed.awaitReady(options.readyTimeout());
            ImageImporter importer = new ImageImporter(options.ctr(), options.settings().socket());
            importer.importArchive(options.settings().pauseArchive());
            importer.importDirectory(options.imagesDirectory());
            managed.supervisor = Thread.ofPlatform().name("containerd-supervisor").daemon().start(managed::supervise);
            return managed;
        } catch (RuntimeException e) {
            managed.close();
            throw e;
        }
    }

    /** containerd's CRI socket. */
    public Path socket() {
        return options.settings().socket();
    }

    /** The settings containerd runs with. */
    public ContainerdSettings settings() {
        return options.settings();
    }

    /** The running containerd's process id, if one is running. */
    public Optional<Long> pid() {
        ProcessHandle current = process;
        return current != null && current.isAlive() ? Optional.of(current.pid()) : Optional.empty();
    }

    /** How many times this manager launched containerd (adopting one does not count). */
    public int launches() {
        return launches.get();
    }

    /**
     * Blocks until the CRI answers {@code Version} (again, after a restart).
     *
     * @throws IllegalStateException when it does not within {@code timeout}, with containerd's log tail
     */
    public void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        StatusRuntimeException last = null;
        while (Instant.now().isBefore(deadline) && !closed) {
            try {
                probe.version(Duration.ofSeconds(2));
                return;
            } catch (StatusRuntimeException e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for containerd", e);
            }
        }
        throw new IllegalStateException("containerd did not answer on " + socket() + " within " + timeout
                + (last == null ? "" : " (" + last.getStatus() + ")") + "; log tail:\n" + logTail());
    }

    private void configure() {
        ContainerdSettings settings = options.settings();
        try {
            for (Path directory : List.of(settings.directory(), settings.root(), settings.state(), settings.runcRoot(),
                    settings.cniConfDir(), settings.ipamDataDir())) {
                Files.createDirectories(directory);
            }
            RegistryConfig registries = RegistryConfig.read(settings.registriesFile());
            dev.kapal.kubelet.volumes.AtomicWriter.deleteTree(settings.certsDirectory());
            for (Map.Entry<String, String> hosts : registries.hostsFiles().entrySet()) {
                Path directory = settings.certsDirectory().resolve(hosts.getKey());
                Files.createDirectories(directory);
                Files.writeString(directory.resolve("hosts.toml"), hosts.getValue());
            }
            if (!registries.mirrors().isEmpty() || !registries.configs().isEmpty()) {
                LOG.info("registries from {}: mirrors for {}, settings for {}", settings.registriesFile(),
                        registries.mirrors().keySet(), registries.configs().keySet());
            }
            Files.writeString(settings.configFile(), settings.toml(registries));
            Files.writeString(settings.cniTemplateFile(), settings.cniTemplate());
        } catch (IOException e) {
            throw new UncheckedIOException("writing containerd configuration under " + settings.directory(), e);
        }
        BusyboxImage.writePause(options.busybox(), settings.pauseArchive());
    }

    private ProcessHandle adoptOrLaunch() {
        Optional<ProcessHandle> previous = previouslyStarted();
        if (previous.isPresent()) {
            LOG.info("adopting containerd (pid {}) left running with {}", previous.get().pid(),
                    options.settings().configFile());
            return previous.get();
        }
        return launch();
    }

    /** A containerd still running from the pid file, started with our configuration. */
    private Optional<ProcessHandle> previouslyStarted() {
        Path pidFile = options.settings().pidFile();
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            String configFile = options.settings().configFile().toString();
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(handle -> handle.info().commandLine().map(line -> line.contains(configFile)).orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private ProcessHandle launch() {
        ContainerdSettings settings = options.settings();
        LOG.info("starting containerd with {}", settings.configFile());
        try {
            Process child = new ProcessBuilder(options.containerd().toString(), "--config", settings.configFile().toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(settings.log().toFile()))
                    .start();
            child.getOutputStream().close();
            launches.incrementAndGet();
            Files.writeString(settings.pidFile(), Long.toString(child.pid()));
            return child.toHandle();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + options.containerd(), e);
        }
    }

    private void supervise() {
        Duration delay = FIRST_RESTART_DELAY;
        while (!closed) {
            ProcessHandle running = process;
            Instant started = Instant.now();
            try {
                running.onExit().get();
            } catch (InterruptedException e) {
                return; // close() interrupts
            } catch (ExecutionException e) {
                LOG.warn("watching containerd failed", e);
            }
            if (closed) {
                return;
            }
            if (Duration.between(started, Instant.now()).compareTo(STABLE_RUN) >= 0) {
                delay = FIRST_RESTART_DELAY;
            }
            LOG.warn("containerd (pid {}) exited; restarting in {} ms", running.pid(), delay.toMillis());
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (lock) {
                if (closed) {
                    return;
                }
                try {
                    process = launch();
                } catch (UncheckedIOException e) {
                    LOG.error("could not restart containerd", e);
                }
            }
            delay = delay.multipliedBy(2).compareTo(MAX_RESTART_DELAY) > 0 ? MAX_RESTART_DELAY : delay.multipliedBy(2);
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(options.settings().log(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Stops supervising but leaves containerd running, as a Kapal killed with SIGKILL would: the next
     * {@link #start} with the same settings adopts it. For tests of that adoption.
     */
    void abandon() {
        synchronized (lock) {
            closed = true;
        }
        if (supervisor != null) {
            supervisor.interrupt();
        }
        probe.close();
    }

    /** Stops supervising and stops containerd; containers (their shims) keep running. Idempotent. */
    @Override
    public void close() {
        ProcessHandle running;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            running = process;
        }
        if (supervisor != null) {
            supervisor.interrupt();
        }
        if (running != null && running.isAlive()) {
            LOG.info("stopping containerd (pid {})", running.pid());
            running.destroy();
            try {
                running.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                running.destroyForcibly();
            } catch (InterruptedException e) {
                running.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(options.settings().pidFile());
        } catch (IOException e) {
            LOG.debug("pid file not removed", e);
        }
        probe.close();
    }
}
