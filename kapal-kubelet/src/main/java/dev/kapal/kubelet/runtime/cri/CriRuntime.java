package dev.kapal.kubelet.runtime.cri;

import dev.kapal.kubelet.runtime.ContainerConfig;
import dev.kapal.kubelet.runtime.ContainerEvent;
import dev.kapal.kubelet.runtime.ContainerStatus;
import dev.kapal.kubelet.runtime.ExecResult;
import dev.kapal.kubelet.runtime.ExecTimeout;
import dev.kapal.kubelet.runtime.Image;
import dev.kapal.kubelet.runtime.ImageSpec;
import dev.kapal.kubelet.runtime.NodeRuntime;
import dev.kapal.kubelet.runtime.PodSandboxConfig;
import dev.kapal.kubelet.runtime.PodSandboxStatus;
import dev.kapal.kubelet.runtime.RuntimeFailure;
import dev.kapal.kubelet.runtime.RuntimeStatus;
import dev.kapal.kubelet.runtime.RuntimeVersion;
import dev.kapal.kubelet.runtime.cri.v1.Container;
import dev.kapal.kubelet.runtime.cri.v1.ContainerStateValue;
import dev.kapal.kubelet.runtime.cri.v1.ContainerStatusRequest;
import dev.kapal.kubelet.runtime.cri.v1.CreateContainerRequest;
import dev.kapal.kubelet.runtime.cri.v1.ExecSyncRequest;
import dev.kapal.kubelet.runtime.cri.v1.ExecSyncResponse;
import dev.kapal.kubelet.runtime.cri.v1.ImageStatusRequest;
import dev.kapal.kubelet.runtime.cri.v1.ImageStatusResponse;
import dev.kapal.kubelet.runtime.cri.v1.ListContainersRequest;
import dev.kapal.kubelet.runtime.cri.v1.ListImagesRequest;
import dev.kapal.kubelet.runtime.cri.v1.ListPodSandboxRequest;
import dev.kapal.kubelet.runtime.cri.v1.NetworkConfig;
import dev.kapal.kubelet.runtime.cri.v1.PodSandbox;
import dev.kapal.kubelet.runtime.cri.v1.PodSandboxStateValue;
import dev.kapal.kubelet.runtime.cri.v1.PodSandboxStatusRequest;
import dev.kapal.kubelet.runtime.cri.v1.PullImageRequest;
import dev.kapal.kubelet.runtime.cri.v1.RemoveContainerRequest;
import dev.kapal.kubelet.runtime.cri.v1.RemoveImageRequest;
import dev.kapal.kubelet.runtime.cri.v1.RemovePodSandboxRequest;
import dev.kapal.kubelet.runtime.cri.v1.RunPodSandboxRequest;
import dev.kapal.kubelet.runtime.cri.v1.StartContainerRequest;
import dev.kapal.kubelet.runtime.cri.v1.StatusRequest;
import dev.kapal.kubelet.runtime.cri.v1.StopContainerRequest;
import dev.kapal.kubelet.runtime.cri.v1.StopPodSandboxRequest;
import dev.kapal.kubelet.runtime.cri.v1.UpdateRuntimeConfigRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The {@link NodeRuntime} seam over a CRI runtime (containerd) through {@link CriClient}: each seam
 * call is the CRI call of the same name, with records mapped to messages by {@link CriMapping} and
 * gRPC failures turned into {@link RuntimeFailure}s of the matching code.
 *
 * <p>Where the CRI and the seam differ in shape:
 * <ul>
 *   <li>Idempotence: stop and remove calls answered NOT_FOUND succeed; status calls answered
 *       NOT_FOUND give an empty result.</li>
 *   <li>The CRI's {@code ContainerStatus} does not name the sandbox; the sandbox of each container
 *       this runtime created or listed is remembered, and otherwise found with a filtered
 *       {@code ListContainers}. Listings that the seam returns as full statuses
 *       ({@code listContainers}, {@code listPodSandbox}) cost one status call per item.</li>
 *   <li>Container events come from {@link ContainerEventPoller} (listing every
 *       {@code eventInterval}), as containerd 1.6 has no event stream.</li>
 *   <li>The pod's log directory ({@code <podLogRoot>/<namespace>_<name>_<uid>/<container>/}) is
 *       created here before the runtime writes to it.</li>
 * </ul>
 * Thread-safe. {@link #close()} closes the client; containers keep running.
 */
public final class CriRuntime implements NodeRuntime {
    private final CriClient client;
    private final Path podLogRoot;
    private final Duration timeout;
    private final ContainerEventPoller events;
    private final Map<String, String> sandboxOfContainer = new ConcurrentHashMap<>();

    /**
     * @param client        the connection (owned: closed with this runtime)
     * @param podLogRoot    where pod log directories go ({@code /var/log/pods} for a real kubelet)
     * @param timeout       deadline of each call (image pulls included)
     * @param eventInterval how often container events are looked for
     */
    public CriRuntime(CriClient client, Path podLogRoot, Duration timeout, Duration eventInterval) {
        this.client = Objects.requireNonNull(client, "client");
        this.podLogRoot = podLogRoot.toAbsolutePath();
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.events = new ContainerEventPoller(this::observeContainers, eventInterval, Clock.systemUTC());
    }

    /** With the kubelet's defaults: two-minute calls, events looked for every second. */
    public static CriRuntime connect(Path socket, Path podLogRoot) {
        return new CriRuntime(CriClient.connect(socket), podLogRoot, CriClient.DEFAULT_TIMEOUT, Duration.ofSeconds(1));
    }

    // ---------------------------------------------------------------- runtime

    @Override
    public RuntimeVersion version() {
        return call("Version", () -> CriMapping.version(client.version(timeout)));
    }

    @Override
    public RuntimeStatus status() {
        return call("Status", () -> CriMapping.status(client.runtime(timeout).status(StatusRequest.getDefaultInstance())));
    }

    @Override
    public void updateRuntimeConfig(String podCidr) {
        call("UpdateRuntimeConfig", () -> client.runtime(timeout).updateRuntimeConfig(UpdateRuntimeConfigRequest.newBuilder()
                .setRuntimeConfig(dev.kapal.kubelet.runtime.cri.v1.RuntimeConfig.newBuilder()
                        .setNetworkConfig(NetworkConfig.newBuilder().setPodCidr(podCidr)))
                .build()));
    }

    // ---------------------------------------------------------------- images

    @Override
    public String pullImage(ImageSpec image) {
        return pullImage(image, Optional.empty());
    }

    @Override
    public String pullImage(ImageSpec image, Optional<dev.kapal.kubelet.runtime.RegistryAuth> auth) {
        PullImageRequest.Builder request = PullImageRequest.newBuilder().setImage(CriMapping.imageSpec(image));
        auth.ifPresent(credentials -> request.setAuth(dev.kapal.kubelet.runtime.cri.v1.AuthConfig.newBuilder()
                .setUsername(credentials.username()).setPassword(credentials.password()).setAuth(credentials.auth())
                .setIdentityToken(credentials.identityToken())));
        return call("PullImage", () -> client.images(timeout).pullImage(request.build()).getImageRef());
    }

    @Override
    public Optional<Image> imageStatus(ImageSpec image) {
        ImageStatusResponse response = call("ImageStatus", () -> client.images(timeout).imageStatus(
                ImageStatusRequest.newBuilder().setImage(CriMapping.imageSpec(image)).build()));
        return response.hasImage() ? Optional.of(CriMapping.image(response.getImage())) : Optional.empty();
    }

    @Override
    public List<Image> listImages() {
        return call("ListImages", () -> client.images(timeout).listImages(ListImagesRequest.getDefaultInstance())
                .getImagesList().stream().map(CriMapping::image).toList());
    }

    @Override
    public void removeImage(ImageSpec image) {
        idempotent("RemoveImage", () -> client.images(timeout).removeImage(RemoveImageRequest.newBuilder()
                .setImage(CriMapping.imageSpec(image)).build()));
    }

    /** Beside the pod log root: {@code <podLogRoot>/../pods}. */
    @Override
    public Optional<Path> podDirectoryRoot() {
        return Optional.of(podLogRoot.resolveSibling("pods"));
    }

    // ---------------------------------------------------------------- sandboxes

    @Override
    public String runPodSandbox(PodSandboxConfig config) {
        createDirectories(CriMapping.podLogDirectory(podLogRoot, config.metadata()));
        return call("RunPodSandbox", () -> client.runtime(timeout).runPodSandbox(RunPodSandboxRequest.newBuilder()
                .setConfig(CriMapping.sandboxConfig(config, podLogRoot)).build()).getPodSandboxId());
    }

    @Override
    public void stopPodSandbox(String podSandboxId) {
        idempotent("StopPodSandbox", () -> client.runtime(timeout).stopPodSandbox(StopPodSandboxRequest.newBuilder()
                .setPodSandboxId(podSandboxId).build()));
    }

    @Override
    public void removePodSandbox(String podSandboxId) {
        idempotent("RemovePodSandbox", () -> client.runtime(timeout).removePodSandbox(RemovePodSandboxRequest.newBuilder()
                .setPodSandboxId(podSandboxId).build()));
        sandboxOfContainer.values().removeIf(podSandboxId::equals);
    }

    @Override
    public Optional<PodSandboxStatus> podSandboxStatus(String podSandboxId) {
        return orEmpty("PodSandboxStatus", () -> CriMapping.sandboxStatus(client.runtime(timeout).podSandboxStatus(
                PodSandboxStatusRequest.newBuilder().setPodSandboxId(podSandboxId).build()).getStatus()));
    }

    @Override
    public List<PodSandboxStatus> listPodSandbox(PodSandboxFilter filter) {
        dev.kapal.kubelet.runtime.cri.v1.PodSandboxFilter.Builder criFilter = dev.kapal.kubelet.runtime.cri.v1.PodSandboxFilter.newBuilder()
                .putAllLabelSelector(filter.labelSelector());
        filter.id().ifPresent(criFilter::setId);
        filter.state().ifPresent(state -> criFilter.setState(PodSandboxStateValue.newBuilder()
                .setState(CriMapping.sandboxState(state))));
        List<PodSandbox> items = call("ListPodSandbox", () -> client.runtime(timeout).listPodSandbox(
                ListPodSandboxRequest.newBuilder().setFilter(criFilter).build()).getItemsList());
        List<PodSandboxStatus> statuses = new ArrayList<>();
        for (PodSandbox item : items) {
            podSandboxStatus(item.getId()).ifPresent(statuses::add); // gone in between: not listed
        }
        return statuses;
    }

    // ---------------------------------------------------------------- containers

    @Override
    public String createContainer(String podSandboxId, ContainerConfig config, PodSandboxConfig sandboxConfig) {
        createDirectories(CriMapping.podLogDirectory(podLogRoot, sandboxConfig.metadata()).resolve(config.metadata().name()));
        String id = call("CreateContainer", () -> client.runtime(timeout).createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId(podSandboxId)
                .setConfig(CriMapping.containerConfig(config))
                .setSandboxConfig(CriMapping.sandboxConfig(sandboxConfig, podLogRoot))
                .build()).getContainerId());
        sandboxOfContainer.put(id, podSandboxId);
        return id;
    }

    @Override
    public void startContainer(String containerId) {
        call("StartContainer", () -> client.runtime(timeout).startContainer(StartContainerRequest.newBuilder()
                .setContainerId(containerId).build()));
    }

    @Override
    public void stopContainer(String containerId, Duration timeout) {
        // The call lasts as long as the grace period, plus the usual allowance.
        Duration deadline = this.timeout.plus(timeout);
        idempotent("StopContainer", () -> client.runtime(deadline).stopContainer(StopContainerRequest.newBuilder()
                .setContainerId(containerId).setTimeout(timeout.toSeconds()).build()));
    }

    @Override
    public void removeContainer(String containerId) {
        idempotent("RemoveContainer", () -> client.runtime(timeout).removeContainer(RemoveContainerRequest.newBuilder()
                .setContainerId(containerId).build()));
        sandboxOfContainer.remove(containerId);
    }

    @Override
    public List<ContainerStatus> listContainers(ContainerFilter filter) {
        List<ContainerStatus> statuses = new ArrayList<>();
        for (Container container : listCriContainers(filter)) {
            sandboxOfContainer.put(container.getId(), container.getPodSandboxId());
            containerStatus(container.getId()).ifPresent(statuses::add); // gone in between: not listed
        }
        return statuses;
    }

    @Override
    public Optional<ContainerStatus> containerStatus(String containerId) {
        Optional<dev.kapal.kubelet.runtime.cri.v1.ContainerStatus> status = orEmpty("ContainerStatus",
                () -> client.runtime(timeout).containerStatus(ContainerStatusRequest.newBuilder()
                        .setContainerId(containerId).build()).getStatus());
        if (status.isEmpty()) {
            sandboxOfContainer.remove(containerId);
            return Optional.empty();
        }
        String sandbox = sandboxOfContainer.get(containerId);
        if (sandbox == null) {
            List<Container> listed = listCriContainers(new ContainerFilter(Optional.of(containerId), Optional.empty(),
                    Optional.empty(), Map.of()));
            if (listed.isEmpty()) {
                return Optional.empty();
            }
            sandbox = listed.getFirst().getPodSandboxId();
            sandboxOfContainer.put(containerId, sandbox);
        }
        return Optional.of(CriMapping.containerStatus(status.get(), sandbox));
    }

    // ---------------------------------------------------------------- streaming

    @Override
    public java.net.URI exec(String containerId, List<String> command, StreamOptions streams) {
        return streamUrl(call("Exec", () -> client.runtime(timeout).exec(dev.kapal.kubelet.runtime.cri.v1.ExecRequest.newBuilder()
                .setContainerId(containerId).addAllCmd(command).setTty(streams.tty()).setStdin(streams.stdin())
                .setStdout(streams.stdout()).setStderr(streams.stderr()).build()).getUrl()));
    }

    @Override
    public java.net.URI attach(String containerId, StreamOptions streams) {
        return streamUrl(call("Attach", () -> client.runtime(timeout).attach(dev.kapal.kubelet.runtime.cri.v1.AttachRequest.newBuilder()
                .setContainerId(containerId).setTty(streams.tty()).setStdin(streams.stdin())
                .setStdout(streams.stdout()).setStderr(streams.stderr()).build()).getUrl()));
    }

    @Override
    public java.net.URI portForward(String podSandboxId, List<Integer> ports) {
        return streamUrl(call("PortForward", () -> client.runtime(timeout).portForward(
                dev.kapal.kubelet.runtime.cri.v1.PortForwardRequest.newBuilder()
                        .setPodSandboxId(podSandboxId).addAllPort(ports).build()).getUrl()));
    }

    /** The log path from the runtime's status (relative ones are relative to the sandbox's log directory). */
    @Override
    public Optional<Path> containerLogPath(String containerId) {
        return orEmpty("ContainerStatus", () -> client.runtime(timeout).containerStatus(ContainerStatusRequest.newBuilder()
                .setContainerId(containerId).build()).getStatus().getLogPath())
                .filter(path -> !path.isEmpty())
                .map(Path::of)
                .map(path -> path.isAbsolute() ? path : containerStatus(containerId)
                        .flatMap(status -> podSandboxStatus(status.podSandboxId()))
                        .map(sandbox -> CriMapping.podLogDirectory(podLogRoot, sandbox.metadata()).resolve(path))
                        .orElse(path));
    }

    @Override
    public List<dev.kapal.kubelet.runtime.ContainerStats> listContainerStats() {
        return call("ListContainerStats", () -> client.runtime(timeout).listContainerStats(
                dev.kapal.kubelet.runtime.cri.v1.ListContainerStatsRequest.getDefaultInstance()).getStatsList()).stream()
                .map(stats -> new dev.kapal.kubelet.runtime.ContainerStats(stats.getAttributes().getId(),
                        new dev.kapal.kubelet.runtime.ContainerMetadata(stats.getAttributes().getMetadata().getName(),
                                stats.getAttributes().getMetadata().getAttempt()),
                        stats.getAttributes().getLabelsMap(),
                        java.time.Instant.EPOCH.plusNanos(Math.max(stats.getCpu().getTimestamp(), stats.getMemory().getTimestamp())),
                        stats.getCpu().hasUsageCoreNanoSeconds()
                                ? java.util.OptionalLong.of(stats.getCpu().getUsageCoreNanoSeconds().getValue())
                                : java.util.OptionalLong.empty(),
                        stats.getMemory().hasWorkingSetBytes()
                                ? java.util.OptionalLong.of(stats.getMemory().getWorkingSetBytes().getValue())
                                : java.util.OptionalLong.empty()))
                .toList();
    }

    private static java.net.URI streamUrl(String url) {
        return java.net.URI.create(url);
    }

    @Override
    public ExecResult execSync(String containerId, List<String> command, Duration timeout) {
        // The runtime enforces the command's timeout (whole seconds, at least one); the call's own
        // deadline allows for that plus the usual allowance, and ends it at the latest.
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        ExecSyncResponse response;
        try {
            response = client.runtime(this.timeout.plus(timeout)).execSync(ExecSyncRequest.newBuilder()
                    .setContainerId(containerId).addAllCmd(command).setTimeout(seconds).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
                throw new ExecTimeout(command);
            }
            throw CriMapping.failure("ExecSync", e);
        }
        return new ExecResult(response.getExitCode(), response.getStdout().toByteArray(), response.getStderr().toByteArray());
    }

    @Override
    public AutoCloseable containerEvents(Consumer<ContainerEvent> listener) {
        return events.subscribe(listener);
    }

    @Override
    public void close() {
        events.close();
        client.close();
    }

    // ---------------------------------------------------------------- helpers

    private List<Container> listCriContainers(ContainerFilter filter) {
        dev.kapal.kubelet.runtime.cri.v1.ContainerFilter.Builder criFilter = dev.kapal.kubelet.runtime.cri.v1.ContainerFilter.newBuilder()
                .putAllLabelSelector(filter.labelSelector());
        filter.id().ifPresent(criFilter::setId);
        filter.podSandboxId().ifPresent(criFilter::setPodSandboxId);
        filter.state().ifPresent(state -> criFilter.setState(ContainerStateValue.newBuilder()
                .setState(CriMapping.containerState(state))));
        return call("ListContainers", () -> client.runtime(timeout).listContainers(ListContainersRequest.newBuilder()
                .setFilter(criFilter).build()).getContainersList());
    }

    private List<ContainerEventPoller.Observed> observeContainers() {
        return listCriContainers(ContainerFilter.ALL).stream()
                .map(c -> new ContainerEventPoller.Observed(c.getId(), c.getPodSandboxId(), CriMapping.containerState(c.getState())))
                .toList();
    }

    private static <T> T call(String name, Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            throw CriMapping.failure(name, e);
        }
    }

    private static void idempotent(String name, Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw CriMapping.failure(name, e);
            }
        }
    }

    private static <T> Optional<T> orEmpty(String name, Supplier<T> call) {
        try {
            return Optional.of(call.get());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw CriMapping.failure(name, e);
        }
    }

    private static void createDirectories(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("creating " + directory, e);
        }
    }
}
