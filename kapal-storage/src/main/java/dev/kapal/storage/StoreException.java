package dev.kapal.storage;

import java.util.Optional;

/**
 * The failures a {@link Store} reports. Each subclass is a precise condition the API server maps
 * to a Kubernetes status; anything else (I/O, a broken database) is a plain {@code StoreException}.
 */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@link Store#create} of a key that is live. */
    public static final class KeyExists extends StoreException {
        public KeyExists(String key) {
            super("key exists: " + key);
        }
    }

    /** update/delete of a key that is not live. */
    public static final class KeyNotFound extends StoreException {
        public KeyNotFound(String key) {
            super("key not found: " + key);
        }
    }

    /** A compare-and-swap whose expected revision is not the key's current one. */
    public static final class Conflict extends StoreException {
        private final transient Optional<KeyValue> current;

        public Conflict(String key, Optional<KeyValue> current) {
            super("revision conflict on " + key);
            this.current = current;
        }

        /** The key's current value, so a retry need not read again. */
        public Optional<KeyValue> current() {
            return current;
        }
    }

    /** A read or watch at a revision older than the compacted history. */
    public static final class Compacted extends StoreException {
        private final long compactRevision;

        public Compacted(long requested, long compactRevision) {
            super("required revision " + requested + " has been compacted (compacted up to " + compactRevision + ")");
            this.compactRevision = compactRevision;
        }

        public long compactRevision() {
            return compactRevision;
        }
    }

    /** A read at a revision the store has not reached yet. */
    public static final class FutureRevision extends StoreException {
        public FutureRevision(long requested, long current) {
            super("required revision " + requested + " is a future revision (current " + current + ")");
        }
    }
}
