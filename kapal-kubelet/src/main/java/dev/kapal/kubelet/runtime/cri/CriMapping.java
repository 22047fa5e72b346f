package dev.kapal.kubelet.runtime.cri;

import dev.kapal.kubelet.runtime.ContainerConfig;
import dev.kapal.kubelet.runtime.ContainerMetadata;
import dev.kapal.kubelet.runtime.ContainerState;
import dev.kapal.kubelet.runtime.ContainerStatus;
import dev.kapal.kubelet.runtime.Image;
import dev.kapal.kubelet.runtime.ImageSpec;
import dev.kapal.kubelet.runtime.PodSandboxConfig;
import dev.kapal.kubelet.runtime.PodSandboxMetadata;
import dev.kapal.kubelet.runtime.PodSandboxState;
import dev.kapal.kubelet.runtime.PodSandboxStatus;
import dev.kapal.kubelet.runtime.PortMapping;
import dev.kapal.kubelet.runtime.RuntimeFailure;
import dev.kapal.kubelet.runtime.RuntimeStatus;
import dev.kapal.kubelet.runtime.RuntimeVersion;
import dev.kapal.kubelet.runtime.cri.v1.KeyValue;
import dev.kapal.kubelet.runtime.cri.v1.LinuxContainerConfig;
import dev.kapal.kubelet.runtime.cri.v1.LinuxPodSandboxConfig;
import dev.kapal.kubelet.runtime.cri.v1.LinuxSandboxSecurityContext;
import dev.kapal.kubelet.runtime.cri.v1.NamespaceMode;
import dev.kapal.kubelet.runtime.cri.v1.NamespaceOption;
import dev.kapal.kubelet.runtime.cri.v1.PodIP;
import dev.kapal.kubelet.runtime.cri.v1.Protocol;
import dev.kapal.kubelet.runtime.cri.v1.StatusResponse;
import dev.kapal.kubelet.runtime.cri.v1.VersionResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Translation between the {@code NodeRuntime} seam's records and the CRI protobuf messages, both
 * ways, and from gRPC failures to {@link RuntimeFailure}. Pure functions; the field-by-field
 * correspondence is the CRI's own, so each method is a plain copy plus the few choices noted.
 */
final class CriMapping {
    private CriMapping() {
    }

    // ------------------------------------------------------------------ runtime

    static RuntimeVersion version(VersionResponse response) {
        return new RuntimeVersion(response.getVersion(), response.getRuntimeName(), response.getRuntimeVersion(),
                response.getRuntimeApiVersion());
    }

    static RuntimeStatus status(StatusResponse response) {
        return new RuntimeStatus(response.getStatus().getConditionsList().stream()
                .map(c -> new RuntimeStatus.Condition(c.getType(), c.getStatus(), c.getReason(), c.getMessage()))
                .toList());
    }

    // ------------------------------------------------------------------ images

    static dev.kapal.kubelet.runtime.cri.v1.ImageSpec imageSpec(ImageSpec image) {
        return dev.kapal.kubelet.runtime.cri.v1.ImageSpec.newBuilder()
                .setImage(image.image()).putAllAnnotations(image.annotations()).build();
    }

    static ImageSpec imageSpec(dev.kapal.kubelet.runtime.cri.v1.ImageSpec image) {
        return new ImageSpec(image.getImage(), image.getAnnotationsMap());
    }

    static Image image(dev.kapal.kubelet.runtime.cri.v1.Image image) {
        return new Image(image.getId(), image.getRepoTagsList(), image.getRepoDigestsList(), image.getSize());
    }

    // ------------------------------------------------------------------ sandboxes

    /**
     * The sandbox configuration: the pod's log directory under {@code podLogRoot}
     * ({@code <namespace>_<name>_<uid>}, the kubelet's layout), the pod network namespace unless
     * {@code hostNetwork} (then no hostname either), a PID namespace per container (the v1 PodSpec default) and a shared IPC
     * namespace.
     */
    static dev.kapal.kubelet.runtime.cri.v1.PodSandboxConfig sandboxConfig(PodSandboxConfig config, Path podLogRoot) {
        PodSandboxMetadata metadata = config.metadata();
        NamespaceOption namespaces = NamespaceOption.newBuilder()
                .setNetwork(config.hostNetwork() ? NamespaceMode.NODE : NamespaceMode.POD)
                .setPid(NamespaceMode.CONTAINER)
                .setIpc(NamespaceMode.POD)
                .build();
        dev.kapal.kubelet.runtime.cri.v1.PodSandboxConfig.Builder builder = dev.kapal.kubelet.runtime.cri.v1.PodSandboxConfig.newBuilder()
                .setMetadata(dev.kapal.kubelet.runtime.cri.v1.PodSandboxMetadata.newBuilder()
                        .setName(metadata.name()).setUid(metadata.uid()).setNamespace(metadata.namespace())
                        .setAttempt(metadata.attempt()))
                // As the kubelet: a host-network pod has the node's UTS namespace, so no hostname of its own.
                .setHostname(config.hostNetwork() ? "" : config.hostname())
                .setLogDirectory(podLogDirectory(podLogRoot, metadata).toString())
                .putAllLabels(config.labels())
                .putAllAnnotations(config.annotations())
                .setLinux(LinuxPodSandboxConfig.newBuilder()
                        .setCgroupParent(config.cgroupParent())
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(namespaces)));
        for (PortMapping port : config.portMappings()) {
            builder.addPortMappings(dev.kapal.kubelet.runtime.cri.v1.PortMapping.newBuilder()
                    .setProtocol(switch (port.protocol()) {
                        case TCP -> Protocol.TCP;
                        case UDP -> Protocol.UDP;
                        case SCTP -> Protocol.SCTP;
                    })
                    .setContainerPort(port.containerPort())
                    .setHostPort(port.hostPort())
                    .setHostIp(port.hostIp()));
        }
        return builder.build();
    }

    /** The kubelet's pod log directory: {@code <root>/<namespace>_<name>_<uid>}. */
    static Path podLogDirectory(Path podLogRoot, PodSandboxMetadata metadata) {
        return podLogRoot.resolve(metadata.namespace() + "_" + metadata.name() + "_" + metadata.uid());
    }

    static PodSandboxMetadata sandboxMetadata(dev.kapal.kubelet.runtime.cri.v1.PodSandboxMetadata metadata) {
        return new PodSandboxMetadata(metadata.getName(), metadata.getUid(), metadata.getNamespace(), metadata.getAttempt());
    }

    static PodSandboxState sandboxState(dev.kapal.kubelet.runtime.cri.v1.PodSandboxState state) {
        return switch (state) {
            case SANDBOX_READY -> PodSandboxState.SANDBOX_READY;
            case SANDBOX_NOTREADY, UNRECOGNIZED -> PodSandboxState.SANDBOX_NOTREADY;
        };
    }

    static dev.kapal.kubelet.runtime.cri.v1.PodSandboxState sandboxState(PodSandboxState state) {
        return switch (state) {
            case SANDBOX_READY -> dev.kapal.kubelet.runtime.cri.v1.PodSandboxState.SANDBOX_READY;
            case SANDBOX_NOTREADY -> dev.kapal.kubelet.runtime.cri.v1.PodSandboxState.SANDBOX_NOTREADY;
        };
    }

    static PodSandboxStatus sandboxStatus(dev.kapal.kubelet.runtime.cri.v1.PodSandboxStatus status) {
        String ip = status.getNetwork().getIp();
        return new PodSandboxStatus(status.getId(), sandboxMetadata(status.getMetadata()), sandboxState(status.getState()),
                instant(status.getCreatedAt()), ip.isEmpty() ? Optional.empty() : Optional.of(ip),
                status.getNetwork().getAdditionalIpsList().stream().map(PodIP::getIp).toList(),
                status.getLabelsMap(), status.getAnnotationsMap());
    }

    // ------------------------------------------------------------------ containers

    /** The container configuration; its log goes to {@code <container name>/<attempt>.log} in the pod's log directory. */
    static dev.kapal.kubelet.runtime.cri.v1.ContainerConfig containerConfig(ContainerConfig config) {
        dev.kapal.kubelet.runtime.cri.v1.ContainerConfig.Builder builder = dev.kapal.kubelet.runtime.cri.v1.ContainerConfig.newBuilder()
                .setMetadata(dev.kapal.kubelet.runtime.cri.v1.ContainerMetadata.newBuilder()
                        .setName(config.metadata().name()).setAttempt(config.metadata().attempt()))
                .setImage(imageSpec(config.image()))
                .addAllCommand(config.command())
                .addAllArgs(config.args())
                .setWorkingDir(config.workingDir())
                .putAllLabels(config.labels())
                .putAllAnnotations(config.annotations())
                .setLogPath(containerLogPath(config.metadata()))
                .setLinux(linux(config.resources()));
        for (ContainerConfig.KeyValue env : config.envs()) {
            builder.addEnvs(KeyValue.newBuilder().setKey(env.key()).setValue(env.value()));
        }
        for (ContainerConfig.Mount mount : config.mounts()) {
            builder.addMounts(dev.kapal.kubelet.runtime.cri.v1.Mount.newBuilder()
                    .setContainerPath(mount.containerPath())
                    .setHostPath(mount.hostPath())
                    .setReadonly(mount.readOnly()));
        }
        return builder.build();
    }

    static LinuxContainerConfig linux(ContainerConfig.LinuxResources resources) {
        if (resources.equals(ContainerConfig.LinuxResources.NONE)) {
            return LinuxContainerConfig.getDefaultInstance();
        }
        return LinuxContainerConfig.newBuilder().setResources(dev.kapal.kubelet.runtime.cri.v1.LinuxContainerResources.newBuilder()
                .setCpuPeriod(resources.cpuPeriod())
                .setCpuQuota(resources.cpuQuota())
                .setCpuShares(resources.cpuShares())
                .setMemoryLimitInBytes(resources.memoryLimitInBytes())
                .setOomScoreAdj(resources.oomScoreAdj())).build();
    }

    /** Relative to the pod log directory, as the kubelet names it. */
    static String containerLogPath(ContainerMetadata metadata) {
        return metadata.name() + "/" + metadata.attempt() + ".log";
    }

    static ContainerState containerState(dev.kapal.kubelet.runtime.cri.v1.ContainerState state) {
        return switch (state) {
            case CONTAINER_CREATED -> ContainerState.CONTAINER_CREATED;
            case CONTAINER_RUNNING -> ContainerState.CONTAINER_RUNNING;
            case CONTAINER_EXITED -> ContainerState.CONTAINER_EXITED;
            case CONTAINER_UNKNOWN, UNRECOGNIZED -> ContainerState.CONTAINER_UNKNOWN;
        };
    }

    static dev.kapal.kubelet.runtime.cri.v1.ContainerState containerState(ContainerState state) {
        return switch (state) {
            case CONTAINER_CREATED -> dev.kapal.kubelet.runtime.cri.v1.ContainerState.CONTAINER_CREATED;
            case CONTAINER_RUNNING -> dev.kapal.kubelet.runtime.cri.v1.ContainerState.CONTAINER_RUNNING;
            case CONTAINER_EXITED -> dev.kapal.kubelet.runtime.cri.v1.ContainerState.CONTAINER_EXITED;
            case CONTAINER_UNKNOWN -> dev.kapal.kubelet.runtime.cri.v1.ContainerState.CONTAINER_UNKNOWN;
        };
    }

    static ContainerStatus containerStatus(dev.kapal.kubelet.runtime.cri.v1.ContainerStatus status, String podSandboxId) {
        return new ContainerStatus(status.getId(), podSandboxId,
                new ContainerMetadata(status.getMetadata().getName(), status.getMetadata().getAttempt()),
                containerState(status.getState()), instant(status.getCreatedAt()),
                optionalInstant(status.getStartedAt()), optionalInstant(status.getFinishedAt()), status.getExitCode(),
                imageSpec(status.getImage()), status.getImageRef(), status.getReason(), status.getMessage(),
                status.getLabelsMap(), status.getAnnotationsMap());
    }

    // ------------------------------------------------------------------ failures

    /**
     * The seam's failure for a gRPC one. containerd answers "the network is not configured yet"
     * with UNKNOWN; the seam promises FAILED_PRECONDITION for it, so that case is recognised by
     * its message.
     */
    static RuntimeFailure failure(String call, StatusRuntimeException e) {
        Status status = e.getStatus();
        String description = status.getDescription() == null ? status.getCode().toString() : status.getDescription();
        RuntimeFailure.Code code = switch (status.getCode()) {
            case NOT_FOUND -> RuntimeFailure.Code.NOT_FOUND;
            case FAILED_PRECONDITION -> RuntimeFailure.Code.FAILED_PRECONDITION;
            case INVALID_ARGUMENT -> RuntimeFailure.Code.INVALID_ARGUMENT;
            case UNAVAILABLE, DEADLINE_EXCEEDED -> RuntimeFailure.Code.UNAVAILABLE;
            default -> networkNotReady(description) ? RuntimeFailure.Code.FAILED_PRECONDITION : RuntimeFailure.Code.UNKNOWN;
        };
        RuntimeFailure failure = new RuntimeFailure(code, call + ": " + description);
        failure.initCause(e);
        return failure;
    }

    private static boolean networkNotReady(String description) {
        return description.contains("cni config uninitialized") || description.contains("cni plugin not initialized")
                || description.contains("network not ready");
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(0, nanos);
    }

    private static Optional<Instant> optionalInstant(long nanos) {
        return nanos > 0 ? Optional.of(instant(nanos)) : Optional.empty();
    }
}
