package dev.kapal.storage.sql;

import java.util.List;
import java.util.Objects;

/**
 * SQLite: WAL journal, one table with {@code INTEGER PRIMARY KEY AUTOINCREMENT} so ids are never
 * reused even if the newest row were deleted (the compaction keeps it anyway, see
 * {@link SqlDialect#compact()}).
 */
public final class SqliteDialect implements SqlDialect {
    private static final String TABLE = "kapal_kv";
    private final SqliteStore.Synchronous synchronous;

    public SqliteDialect(SqliteStore.Synchronous synchronous) {
        this.synchronous = Objects.requireNonNull(synchronous, "synchronous");
    }

    @Override
    public List<String> connectionSetup() {
        return List.of(
                "PRAGMA journal_mode=WAL",
                "PRAGMA synchronous=" + synchronous.name(),
                // Readers never wait on the writer in WAL mode; this only covers checkpoints and
                // another process briefly holding the file.
                "PRAGMA busy_timeout=10000");
    }

    @Override
    public List<String> schema() {
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + TABLE + " ("
                        + "id INTEGER PRIMARY KEY AUTOINCREMENT, "
                        + "name TEXT NOT NULL, "
                        + "created INTEGER NOT NULL, "
                        + "deleted INTEGER NOT NULL, "
                        + "create_revision INTEGER NOT NULL, "
                        + "prev_revision INTEGER NOT NULL, "
                        + "value BLOB NOT NULL, "
                        + "old_value BLOB)",
                "CREATE INDEX IF NOT EXISTS " + TABLE + "_name_id ON " + TABLE + " (name, id)",
                "CREATE TABLE IF NOT EXISTS kapal_meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
    }

    @Override
    public String maxRevision() {
        return "SELECT COALESCE(MAX(id), 0) FROM " + TABLE;
    }

    @Override
    public String compactedRevision() {
        return "SELECT value FROM kapal_meta WHERE name = 'compacted_revision'";
    }

    @Override
    public String setCompactedRevision() {
        return "INSERT INTO kapal_meta (name, value) VALUES ('compacted_revision', ?) "
                + "ON CONFLICT (name) DO UPDATE SET value = excluded.value";
    }

    @Override
    public String latestByName() {
        return "SELECT id, created, deleted, create_revision, value FROM " + TABLE
                + " WHERE name = ? ORDER BY id DESC LIMIT 1";
    }

    @Override
    public String insert() {
        return "INSERT INTO " + TABLE
                + " (name, created, deleted, create_revision, prev_revision, value, old_value)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
    }

    private static String newestPerName() {
        return "SELECT MAX(id) AS id FROM " + TABLE
                + " WHERE name >= ? AND name > ? AND name < ? AND id <= ? GROUP BY name";
    }

    @Override
    public String listAt() {
        return "SELECT kv.id, kv.name, kv.created, kv.create_revision, kv.value FROM " + TABLE + " kv"
                + " JOIN (" + newestPerName() + ") newest ON newest.id = kv.id"
                + " WHERE kv.deleted = 0 ORDER BY kv.name LIMIT ?";
    }

    @Override
    public String countAt() {
        return "SELECT COUNT(*) FROM " + TABLE + " kv"
                + " JOIN (" + newestPerName() + ") newest ON newest.id = kv.id"
                + " WHERE kv.deleted = 0";
    }

    @Override
    public String history() {
        return "SELECT id, name, created, deleted, create_revision, prev_revision, value, old_value FROM " + TABLE
                + " WHERE id > ? AND id <= ? AND name >= ? AND name < ? ORDER BY id LIMIT ?";
    }

    @Override
    public String compact() {
        return "DELETE FROM " + TABLE + " WHERE id IN ("
                + "SELECT prev_revision FROM " + TABLE + " WHERE prev_revision != 0 AND id <= ?"
                + " UNION SELECT id FROM " + TABLE + " WHERE deleted != 0 AND id <= ?)"
                + " AND id != (SELECT MAX(id) FROM " + TABLE + ")";
    }
}
