package dev.kapal.kubelet;

import dev.kapal.kubelet.runtime.ContainerConfig;
import dev.kapal.kubelet.volumes.AtomicWriter;
import dev.kapal.kubelet.volumes.AtomicWriter.FileContent;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volumes of pods on a node with a filesystem (not simulated nodes): each volume gets a
 * directory under {@code <root>/<pod uid>/volumes/kubernetes.io~<plugin>/<name>}, as upstream's
 * {@code /var/lib/kubelet/pods}, which the containers' {@code volumeMounts} bind (through CRI
 * mounts) at their {@code mountPath}, optionally one {@code subPath} of it.
 * <ul>
 * <li>{@code emptyDir}: a directory (mode 0777), or a tmpfs for {@code medium: Memory} (sized
 *     by {@code sizeLimit}), removed with the pod;</li>
 * <li>{@code hostPath}: the node's path itself, after upstream's {@code type} check
 *     (DirectoryOrCreate and FileOrCreate create it);</li>
 * <li>{@code configMap}, {@code secret}, {@code downwardAPI} and {@code projected} (of those
 *     three): files written by {@link AtomicWriter} with {@code items}, {@code mode},
 *     {@code defaultMode} (0644) and {@code optional}; mounted read-only. {@link #setUp} runs at
 *     every pod sync, so a changed ConfigMap or Secret reaches running containers (except through
 *     a {@code subPath}, as upstream).</li>
 * </ul>
 * A {@code serviceAccountToken} projection gets a token bound to the pod from the API server
 * (TokenRequest), kept until 80% of its life or a day has passed; the ServiceAccount admission
 * plugin gives every pod one in its {@code kube-api-access-*} volume.
 * Other volume types (persistentVolumeClaim, ...) fail the mount
 * with a message saying so. Failures are {@link MountFailure}s: the kubelet reports them as
 * {@code FailedMount} events and retries, the pod waiting in {@code ContainerCreating}.
 */
final class PodVolumes {
    private static final Logger log = LoggerFactory.getLogger(PodVolumes.class);
    private static final int DEFAULT_MODE = 0644;
    /** A serviceAccountToken projection without expirationSeconds asks for an hour, as upstream defaults it. */
    private static final long DEFAULT_TOKEN_SECONDS = 3600;
    /** Upstream's token manager refreshes a token at the latest a day after it got it. */
    private static final Duration MAX_TOKEN_AGE = Duration.ofHours(24);

    /** A volume that could not be set up; the message is upstream's text after the volume name. */
    static final class MountFailure extends RuntimeException {
        private final String volume;

        MountFailure(String volume, String message) {
            super(message);
            this.volume = volume;
        }

        /** Upstream's FailedMount event message. */
        String eventMessage() {
            return "MountVolume.SetUp failed for volume \"" + volume + "\" : " + getMessage();
        }
    }

    private final Path root;
    private final Clock clock;
    /** Service account tokens by pod uid, account, audience and requested lifetime. */
    private final Map<String, CachedToken> tokens = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param root where pod directories go ({@code <root>/<pod uid>}) */
    PodVolumes(Path root, Clock clock) {
        this.root = Objects.requireNonNull(root, "root");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Sets up (or refreshes) every volume of the pod; answers each volume's host path by name. */
    Map<String, Path> setUp(Pod pod, ContainerEnvironment.Facts facts, ContainerEnvironment.Lookup lookup) {
        Map<String, Path> paths = new LinkedHashMap<>();
        for (Volume volume : pod.getSpec().getVolumes()) {
            paths.put(volume.getName(), setUp(pod, volume, facts, lookup));
        }
        return paths;
    }

    private Path setUp(Pod pod, Volume volume, ContainerEnvironment.Facts facts, ContainerEnvironment.Lookup lookup) {
        String name = volume.getName();
        try {
            if (volume.getHostPath() != null) {
                return hostPath(name, volume.getHostPath().getPath(), volume.getHostPath().getType());
            }
            if (volume.getEmptyDir() != null) {
                return emptyDir(pod, name, "Memory".equals(volume.getEmptyDir().getMedium()), volume.getEmptyDir().getSizeLimit());
            }
            Map<String, FileContent> files;
            String plugin;
            if (volume.getConfigMap() != null) {
                var source = volume.getConfigMap();
                plugin = "configmap";
                files = configMapFiles(pod, name, source.getName(), source.getItems(), mode(source.getDefaultMode()),
                        Boolean.TRUE.equals(source.getOptional()), lookup);
            } else if (volume.getSecret() != null) {
                var source = volume.getSecret();
                plugin = "secret";
                files = secretFiles(pod, name, source.getSecretName(), source.getItems(), mode(source.getDefaultMode()),
                        Boolean.TRUE.equals(source.getOptional()), lookup);
            } else if (volume.getDownwardAPI() != null) {
                plugin = "downward-api";
                files = downwardFiles(pod, volume.getDownwardAPI().getItems(), mode(volume.getDownwardAPI().getDefaultMode()), facts);
            } else if (volume.getProjected() != null) {
                plugin = "projected";
                files = projectedFiles(pod, name, volume.getProjected().getSources(), mode(volume.getProjected().getDefaultMode()),
                        facts, lookup);
            } else {
                throw new MountFailure(name, "volume type not supported by this kubelet yet (emptyDir, hostPath, configMap, "
                        + "secret, downwardAPI and projected are)");
            }
            Path directory = volumeDirectory(pod, plugin, name);
            if (new AtomicWriter(directory, clock).write(files)) {
                log.debug("volume {} of {}/{} written", name, pod.getMetadata().getNamespace(), pod.getMetadata().getName());
            }
            return directory;
        } catch (IllegalArgumentException | UncheckedIOException | ContainerEnvironment.ConfigError problem) {
            throw new MountFailure(name, problem.getMessage());
        }
    }

    /** The CRI mounts of one container's {@code volumeMounts}. */
    static List<ContainerConfig.Mount> mounts(Pod pod, Container container, Map<String, Path> volumes) {
        List<ContainerConfig.Mount> mounts = new ArrayList<>();
        for (VolumeMount mount : container.getVolumeMounts()) {
            Path host = volumes.get(mount.getName());
            if (host == null) {
                throw new ContainerEnvironment.ConfigError("cannot find volume \"" + mount.getName() + "\" to mount into container \""
                        + container.getName() + "\"");
            }
            boolean readOnly = Boolean.TRUE.equals(mount.getReadOnly()) || writtenByTheKubelet(pod, mount.getName());
            String subPath = mount.getSubPath() == null ? "" : mount.getSubPath();
            if (!subPath.isEmpty()) {
                try {
                    AtomicWriter.checkPath(subPath);
                } catch (IllegalArgumentException invalid) {
                    throw new ContainerEnvironment.ConfigError("failed to prepare subPath for volumeMount \"" + mount.getName()
                            + "\" of container \"" + container.getName() + "\": " + invalid.getMessage());
                }
                Path target = host.resolve(subPath);
                try {
                    if (!Files.exists(target)) {
                        Files.createDirectories(target);  // upstream creates a missing subPath as a directory
                    }
                    target = target.toRealPath();
                } catch (IOException e) {
                    throw new ContainerEnvironment.ConfigError("failed to prepare subPath for volumeMount \"" + mount.getName()
                            + "\" of container \"" + container.getName() + "\": " + e.getMessage());
                }
                host = target;
            }
            mounts.add(new ContainerConfig.Mount(mount.getMountPath(), host.toString(), readOnly));
        }
        return mounts;
    }

    /**
     * The file a container's {@code terminationMessagePath} is bound to, as upstream's
     * {@code <pod dir>/containers/<name>/<id>}: one per attempt, created empty and writable by
     * anyone, so whatever user the container runs as can write its message.
     */
    Path terminationMessageFile(String podUid, String container, int attempt) {
        Path file = root.resolve(podUid).resolve("containers").resolve(container).resolve(Integer.toString(attempt));
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
            Files.setPosixFilePermissions(file, AtomicWriter.permissions(0666));
        } catch (IOException e) {
            throw new UncheckedIOException("termination message file " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /** Removes the pod's directory, unmounting its memory-backed emptyDirs first. */
    void tearDown(String podUid) {
        tokens.keySet().removeIf(key -> key.startsWith(podUid + "/"));
        Path pod = root.resolve(podUid);
        Path emptyDirs = pod.resolve("volumes").resolve("kubernetes.io~empty-dir");
        if (Files.isDirectory(emptyDirs)) {
            try (var entries = Files.list(emptyDirs)) {
                entries.forEach(PodVolumes::unmountIfMounted);
            } catch (IOException e) {
                log.debug("listing {}: {}", emptyDirs, e.getMessage());
            }
        }
        try {
            AtomicWriter.deleteTree(pod);
        } catch (IOException e) {
            log.warn("removing the volumes of pod {}: {}", podUid, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- plugins

    private static Path hostPath(String name, String path, String type) {
        Path host = Path.of(path);
        String kind = type == null ? "" : type;
        try {
            switch (kind) {
                case "", "Unset" -> { }
                case "DirectoryOrCreate" -> {
                    if (!Files.exists(host)) {
                        Files.createDirectories(host);
                        Files.setPosixFilePermissions(host, AtomicWriter.permissions(0755));
                    } else if (!Files.isDirectory(host)) {
                        throw new MountFailure(name, "hostPath type check failed: " + path + " is not a directory");
                    }
                }
                case "Directory" -> {
                    if (!Files.isDirectory(host)) {
                        throw new MountFailure(name, "hostPath type check failed: " + path + " is not a directory");
                    }
                }
                case "FileOrCreate" -> {
                    if (!Files.exists(host)) {
                        Files.createFile(host);
                        Files.setPosixFilePermissions(host, AtomicWriter.permissions(0644));
                    } else if (!Files.isRegularFile(host)) {
                        throw new MountFailure(name, "hostPath type check failed: " + path + " is not a file");
                    }
                }
                case "File" -> {
                    if (!Files.isRegularFile(host)) {
                        throw new MountFailure(name, "hostPath type check failed: " + path + " is not a file");
                    }
                }
                case "Socket", "CharDevice", "BlockDevice" -> {
                    String expected = switch (kind) {
                        case "Socket" -> "socket";
                        case "CharDevice" -> "character device";
                        default -> "block device";
                    };
                    if (!fileType(host).equals(expected)) {
                        throw new MountFailure(name, "hostPath type check failed: " + path + " is not a " + expected);
                    }
                }
                default -> throw new MountFailure(name, "hostPath type " + kind + " is not supported");
            }
        } catch (IOException e) {
            throw new MountFailure(name, e.getMessage());
        }
        return host;
    }

    private static String fileType(Path path) throws IOException {
        if (!Files.exists(path)) {
            return "";
        }
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isOther()) {
            Object mode = Files.getAttribute(path, "unix:mode");
            int format = ((Integer) mode) & 0170000;
            return switch (format) {
                case 0140000 -> "socket";
                case 0020000 -> "character device";
                case 0060000 -> "block device";
                default -> "other";
            };
        }
        return attributes.isDirectory() ? "directory" : "file";
    }

    private Path emptyDir(Pod pod, String name, boolean memory, Quantity sizeLimit) {
        Path directory = volumeDirectory(pod, "empty-dir", name);
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory);
                Files.setPosixFilePermissions(directory, AtomicWriter.permissions(0777));
            }
            if (memory && !mounted(directory)) {
                List<String> command = new ArrayList<>(List.of("mount", "-t", "tmpfs"));
                if (sizeLimit != null) {
                    command.addAll(List.of("-o", "size=" + Quantity.getAmountInBytes(sizeLimit).toBigInteger()));
                }
                command.addAll(List.of("tmpfs", directory.toString()));
                run(command);
                Files.setPosixFilePermissions(directory, AtomicWriter.permissions(0777));
            }
        } catch (IOException e) {
            throw new MountFailure(name, e.getMessage());
        }
        return directory;
    }

    private Map<String, FileContent> configMapFiles(Pod pod, String volume, String name, List<KeyToPath> items, int defaultMode,
                                                    boolean optional, ContainerEnvironment.Lookup lookup) {
        Optional<ConfigMap> found = lookup.configMap(pod.getMetadata().getNamespace(), name);
        if (found.isEmpty()) {
            if (optional) {
                return Map.of();
            }
            throw new MountFailure(volume, "configmap \"" + name + "\" not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (found.get().getData() != null) {
            found.get().getData().forEach((key, value) -> data.put(key, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8)));
        }
        if (found.get().getBinaryData() != null) {
            found.get().getBinaryData().forEach((key, value) -> data.put(key, Base64.getDecoder().decode(value == null ? "" : value)));
        }
        return project(volume, "configmap references non-existent config key: ", data, items, defaultMode, optional);
    }

    private Map<String, FileContent> secretFiles(Pod pod, String volume, String name, List<KeyToPath> items, int defaultMode,
                                                 boolean optional, ContainerEnvironment.Lookup lookup) {
        Optional<Secret> found = lookup.secret(pod.getMetadata().getNamespace(), name);
        if (found.isEmpty()) {
            if (optional) {
                return Map.of();
            }
            throw new MountFailure(volume, "secret \"" + name + "\" not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (found.get().getData() != null) {
            found.get().getData().forEach((key, value) -> data.put(key, Base64.getDecoder().decode(value == null ? "" : value)));
        }
        if (found.get().getStringData() != null) {
            found.get().getStringData().forEach((key, value) -> data.put(key, value.getBytes(StandardCharsets.UTF_8)));
        }
        return project(volume, "secret references non-existent secret key: ", data, items, defaultMode, optional);
    }

    /** Every key as a file of its name, or just {@code items} (key → path, own mode). */
    private static Map<String, FileContent> project(String volume, String missingKey, Map<String, byte[]> data, List<KeyToPath> items,
                                                    int defaultMode, boolean optional) {
        Map<String, FileContent> files = new LinkedHashMap<>();
        if (items == null || items.isEmpty()) {
            data.forEach((key, value) -> files.put(key, new FileContent(value, defaultMode)));
            return files;
        }
        for (KeyToPath item : items) {
            byte[] value = data.get(item.getKey());
            if (value == null) {
                if (optional) {
                    continue;
                }
                throw new MountFailure(volume, missingKey + item.getKey());
            }
            files.put(item.getPath(), new FileContent(value, item.getMode() == null ? defaultMode : item.getMode()));
        }
        return files;
    }

    private static Map<String, FileContent> downwardFiles(Pod pod, List<DownwardAPIVolumeFile> items, int defaultMode,
                                                          ContainerEnvironment.Facts facts) {
        Map<String, FileContent> files = new LinkedHashMap<>();
        for (DownwardAPIVolumeFile item : items == null ? List.<DownwardAPIVolumeFile>of() : items) {
            String value;
            if (item.getFieldRef() != null) {
                value = ContainerEnvironment.field(pod, item.getFieldRef().getFieldPath(), facts);
            } else if (item.getResourceFieldRef() != null) {
                Container container = pod.getSpec().getContainers().isEmpty() ? null : pod.getSpec().getContainers().getFirst();
                value = ContainerEnvironment.resource(pod, container, item.getResourceFieldRef(), facts);
            } else {
                continue;
            }
            files.put(item.getPath(), new FileContent(value.getBytes(StandardCharsets.UTF_8),
                    item.getMode() == null ? defaultMode : item.getMode()));
        }
        return files;
    }

    private Map<String, FileContent> projectedFiles(Pod pod, String volume, List<VolumeProjection> sources, int defaultMode,
                                                    ContainerEnvironment.Facts facts, ContainerEnvironment.Lookup lookup) {
        Map<String, FileContent> files = new LinkedHashMap<>();
        for (VolumeProjection source : sources == null ? List.<VolumeProjection>of() : sources) {
            if (source.getConfigMap() != null) {
                var cm = source.getConfigMap();
                files.putAll(configMapFiles(pod, volume, cm.getName(), cm.getItems(), defaultMode, Boolean.TRUE.equals(cm.getOptional()), lookup));
            } else if (source.getSecret() != null) {
                var secret = source.getSecret();
                files.putAll(secretFiles(pod, volume, secret.getName(), secret.getItems(), defaultMode,
                        Boolean.TRUE.equals(secret.getOptional()), lookup));
            } else if (source.getDownwardAPI() != null) {
                files.putAll(downwardFiles(pod, source.getDownwardAPI().getItems(), defaultMode, facts));
            } else if (source.getServiceAccountToken() != null) {
                var token = source.getServiceAccountToken();
                long seconds = token.getExpirationSeconds() == null ? DEFAULT_TOKEN_SECONDS : token.getExpirationSeconds();
                String audience = token.getAudience() == null ? "" : token.getAudience();
                files.put(token.getPath(), new FileContent(serviceAccountToken(pod, audience, seconds, lookup)
                        .getBytes(StandardCharsets.US_ASCII), defaultMode));
            } else {
                throw new MountFailure(volume, "this projected volume source is not supported by this kubelet yet "
                        + "(configMap, secret, downwardAPI and serviceAccountToken are)");
            }
        }
        return files;
    }

    /**
     * The pod's token for {@code audience}: the cached one until 80% of its life or 24 hours have
     * passed (as upstream's token manager), then a new one from the API server.
     */
    private String serviceAccountToken(Pod pod, String audience, long seconds, ContainerEnvironment.Lookup lookup) {
        String key = pod.getMetadata().getUid() + "/" + pod.getSpec().getServiceAccountName() + "/" + audience + "/" + seconds;
        Instant now = clock.instant();
        CachedToken cached = tokens.get(key);
        if (cached == null || !now.isBefore(cached.refreshAt())) {
            ContainerEnvironment.ServiceAccountToken fresh = lookup.token(pod, audience, seconds);
            Duration life = Duration.between(now, fresh.expiration());
            Duration refreshAfter = life.multipliedBy(8).dividedBy(10);
            cached = new CachedToken(fresh.token(), now.plus(refreshAfter.compareTo(MAX_TOKEN_AGE) > 0 ? MAX_TOKEN_AGE : refreshAfter));
            tokens.put(key, cached);
        }
        return cached.token();
    }

    private record CachedToken(String token, Instant refreshAt) {
    }

    // ---------------------------------------------------------------- helpers

    private Path volumeDirectory(Pod pod, String plugin, String name) {
        return root.resolve(pod.getMetadata().getUid()).resolve("volumes").resolve("kubernetes.io~" + plugin).resolve(name);
    }

    /** Whether the volume's files are the kubelet's (configMap, secret, downwardAPI, projected): mounted read-only. */
    private static boolean writtenByTheKubelet(Pod pod, String volume) {
        return pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals(volume)).findFirst()
                .map(v -> v.getConfigMap() != null || v.getSecret() != null || v.getDownwardAPI() != null || v.getProjected() != null)
                .orElse(false);
    }

    private static int mode(Integer mode) {
        return mode == null ? DEFAULT_MODE : mode;
    }

    private static boolean mounted(Path directory) {
        try {
            String target = directory.toRealPath().toString();
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .map(line -> line.split(" "))
                    .anyMatch(fields -> fields.length > 4 && fields[4].equals(target));
        } catch (IOException e) {
            return false;
        }
    }

    private static void unmountIfMounted(Path directory) {
        if (mounted(directory)) {
            try {
                run(List.of("umount", directory.toString()));
            } catch (MountFailure | IOException failed) {
                log.warn("unmounting {}: {}", directory, failed.getMessage());
            }
        }
    }

    private static void run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + ": " + output);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command));
        }
    }
}
