package dev.kapal.storage;

import java.util.Arrays;
import java.util.Objects;

/**
 * A stored value at one revision.
 *
 * @param key            the full key, {@code /registry/<resource>/<namespace>/<name>}
 * @param value          the stored bytes (callers must not modify the array)
 * @param createRevision the revision that created this incarnation of the key
 * @param modRevision    the revision of the write that produced this value (for a delete event,
 *                       the revision of the delete)
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision) {
    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyValue that
                && key.equals(that.key)
                && Arrays.equals(value, that.value)
                && createRevision == that.createRevision
                && modRevision == that.modRevision;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, Arrays.hashCode(value), createRevision, modRevision);
    }

    @Override
    public String toString() {
        return "KeyValue[" + key + ", create=" + createRevision + ", mod=" + modRevision + ", " + value.length + " bytes]";
    }
}
