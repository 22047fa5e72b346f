package dev.kapal.controllers.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/**
 * The key of one object in a workqueue: its namespace ({@code ""} for cluster-scoped objects)
 * and name. A record, so keys compare by value and never need parsing.
 */
public record ObjectKey(String namespace, String name) {
    public ObjectKey {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("an object key needs a name");
        }
    }

    /** The key of a cluster-scoped object. */
    public static ObjectKey cluster(String name) {
        return new ObjectKey("", name);
    }

    /** The key of {@code object}, from its metadata. */
    public static ObjectKey of(HasMetadata object) {
        String namespace = object.getMetadata().getNamespace();
        return new ObjectKey(namespace == null ? "" : namespace, object.getMetadata().getName());
    }

    /** The key fabric8's informer indexers use: {@code namespace/name}, or the name alone. */
    public String indexerKey() {
        return namespace.isEmpty() ? name : namespace + "/" + name;
    }

    @Override
    public String toString() {
        return indexerKey();
    }
}
