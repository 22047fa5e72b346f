package dev.kapal.storage;

import java.util.Objects;
import java.util.Optional;

/**
 * One change seen by a watch.
 *
 * @param type     what happened
 * @param current  for CREATE/UPDATE the new value; for DELETE the last value the key held, with
 *                 {@code modRevision} set to the revision of the delete
 * @param previous the value before this change (empty for CREATE)
 */
public record WatchEvent(Type type, KeyValue current, Optional<KeyValue> previous) {
    public enum Type { CREATE, UPDATE, DELETE }

    public WatchEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(previous, "previous");
    }

    /** The revision at which this change happened. */
    public long revision() {
        return current.modRevision();
    }
}
