package dev.kapal.storage;

import dev.kapal.storage.memory.MemoryStore;
import dev.kapal.storage.sql.SqliteStore;

import java.nio.file.Path;
import java.util.Objects;

/** Opens the store a {@code --datastore-endpoint} names. */
public final class Stores {
    /** Where the default SQLite database lives under the data dir, as in k3s. */
    public static final String DEFAULT_SQLITE_PATH = "server/db/state.db";

    private Stores() {
    }

    /**
     * Opens a store.
     * <ul>
     * <li>empty or {@code sqlite://}: SQLite in {@code <dataDir>/server/db/state.db}
     * <li>{@code sqlite://<path>}: SQLite in that file; a relative path is resolved against
     *     {@code dataDir} ({@code sqlite:///abs/state.db} is absolute)
     * <li>{@code memory://}: an in-memory store (nothing survives the process)
     * </ul>
     * Parent directories are created.
     *
     * @throws IllegalArgumentException for any other endpoint, including ones we may support later
     *                                  ({@code etcd://}, {@code postgres://}, {@code mysql://})
     */
    public static Store open(String endpoint, Path dataDir) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(dataDir, "dataDir");
        String trimmed = endpoint.strip();
        if (trimmed.isEmpty()) {
            return SqliteStore.open(dataDir.resolve(DEFAULT_SQLITE_PATH));
        }
        int schemeEnd = trimmed.indexOf("://");
        if (schemeEnd < 0) {
            throw new IllegalArgumentException("invalid datastore endpoint '" + endpoint
                    + "': expected sqlite://<path>, memory:// or etcd://host:port");
        }
        String scheme = trimmed.substring(0, schemeEnd).toLowerCase(java.util.Locale.ROOT);
        String rest = trimmed.substring(schemeEnd + 3);
        return switch (scheme) {
            case "memory" -> {
                if (!rest.isEmpty()) {
                    throw new IllegalArgumentException("memory datastore takes no path: '" + endpoint + "'");
                }
                yield new MemoryStore();
            }
            case "sqlite" -> {
                if (rest.contains("?")) {
                    // k3s accepts driver parameters here; ours are fixed (WAL, synchronous=FULL).
                    throw new IllegalArgumentException("sqlite datastore parameters are not supported: '" + endpoint + "'");
                }
                Path file = rest.isEmpty() ? dataDir.resolve(DEFAULT_SQLITE_PATH) : dataDir.resolve(rest);
                yield SqliteStore.open(file);
            }
            case "etcd", "http", "https" -> throw new IllegalArgumentException("etcd datastore is not supported yet");
            case "postgres", "postgresql", "mysql", "nats" ->
                    throw new IllegalArgumentException(scheme + " datastore is not supported yet");
            default -> throw new IllegalArgumentException("unknown datastore endpoint scheme '" + scheme
                    + "' in '" + endpoint + "': expected sqlite://<path>, memory:// or etcd://host:port");
        };
    }
}
