package dev.kapal.controllers.garbagecollector;

import java.util.Objects;

/**
 * The coordinates of an object in the ownership graph, as upstream's {@code objectReference}: an
 * owner reference (apiVersion, kind, name, uid) plus the namespace ({@code ""} when cluster-scoped
 * or unknown).
 */
public record Identity(String apiVersion, String kind, String namespace, String name, String uid) {
    public Identity {
        Objects.requireNonNull(apiVersion, "apiVersion");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uid, "uid");
    }

    /** The API group of {@link #apiVersion()}. */
    public String group() {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    /** Equal coordinates, with the API version compared by group only (as upstream compares references). */
    public boolean sameCoordinates(Identity other) {
        return group().equals(other.group()) && kind.equals(other.kind) && name.equals(other.name)
                && namespace.equals(other.namespace) && uid.equals(other.uid);
    }

    /** Upstream's rendering, used in event messages. */
    @Override
    public String toString() {
        return "[" + apiVersion + "/" + kind + ", namespace: " + namespace + ", name: " + name + ", uid: " + uid + "]";
    }
}
