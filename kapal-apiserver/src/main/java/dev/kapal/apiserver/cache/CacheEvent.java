package dev.kapal.apiserver.cache;

import java.util.Objects;
import java.util.Optional;

/**
 * A change as the cache records it. For {@code DELETED} the object is the last state, stamped
 * with the revision of the delete.
 */
public record CacheEvent(Type type, CachedObject object, Optional<CachedObject> previous) {
    public enum Type { ADDED, MODIFIED, DELETED }

    public CacheEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(previous, "previous");
    }

    public long revision() {
        return object.revision();
    }
}
