package dev.kapal.apiserver.registry;

import java.util.Objects;

/**
 * How the {@code scale} subresource maps onto an object, as a CRD's
 * {@code subresources.scale} declares it: JSON paths in dotted form ({@code .spec.replicas}).
 *
 * @param specReplicasPath   where the desired replicas live
 * @param statusReplicasPath where the observed replicas live
 * @param labelSelectorPath  where the label selector string lives (empty if none); for built-ins
 *                           the selector object at {@code .spec.selector} is rendered as a string
 */
public record ScaleSpec(String specReplicasPath, String statusReplicasPath, String labelSelectorPath) {
    public static final ScaleSpec WORKLOAD = new ScaleSpec(".spec.replicas", ".status.replicas", ".spec.selector");

    public ScaleSpec {
        Objects.requireNonNull(specReplicasPath, "specReplicasPath");
        Objects.requireNonNull(statusReplicasPath, "statusReplicasPath");
        Objects.requireNonNull(labelSelectorPath, "labelSelectorPath");
    }
}
