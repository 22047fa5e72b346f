package dev.kapal.kubelet.runtime;

import java.util.Map;
import java.util.Objects;

/** CRI {@code ImageSpec}: an image reference as the pod spec names it, with annotations. */
public record ImageSpec(String image, Map<String, String> annotations) {
    public ImageSpec {
        Objects.requireNonNull(image, "image");
        annotations = Map.copyOf(annotations);
    }

    public static ImageSpec of(String image) {
        return new ImageSpec(image, Map.of());
    }
}
