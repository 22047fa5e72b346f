package dev.kapal.kubelet.runtime;

import java.util.List;
import java.util.Objects;

/**
 * CRI {@code Image}: a stored image. {@code id} is the image's config digest
 * ({@code sha256:…}); {@code repoTags} like {@code docker.io/library/busybox:1.36};
 * {@code repoDigests} like {@code docker.io/library/busybox@sha256:…}.
 */
public record Image(String id, List<String> repoTags, List<String> repoDigests, long size) {
    public Image {
        Objects.requireNonNull(id, "id");
        repoTags = List.copyOf(repoTags);
        repoDigests = List.copyOf(repoDigests);
    }
}
