package dev.kapal.storage.sql;

import java.util.List;

/**
 * The SQL a {@link SqliteStore}-style backend runs, so another database needs only another
 * dialect. The table follows kine: one row per revision with columns {@code id} (auto-increment,
 * the revision), {@code name}, {@code created}, {@code deleted}, {@code create_revision}
 * (0 on rows that created the key: their own id is the create revision), {@code prev_revision},
 * {@code value}, {@code old_value}. Parameters are positional and documented per statement.
 */
public interface SqlDialect {
    /** Statements run on every new connection (pragmas, session settings). */
    List<String> connectionSetup();

    /** Idempotent DDL creating the table, its (name, id) index and the metadata table. */
    List<String> schema();

    /** Params: none. One row: the highest id ever written, or 0. */
    String maxRevision();

    /** Params: none. Zero or one row: the compacted revision. */
    String compactedRevision();

    /** Params: revision. Records the compacted revision. */
    String setCompactedRevision();

    /**
     * Params: name. Zero or one row, the key's newest row:
     * id, created, deleted, create_revision, value.
     */
    String latestByName();

    /**
     * Params: name, created, deleted, create_revision, prev_revision, value, old_value.
     * One row: the new id.
     */
    String insert();

    /**
     * Params: lower bound (inclusive), startAfter (exclusive), upper bound (exclusive), revision,
     * limit. Rows: the newest row per name with id at most revision, skipping deleted ones,
     * ordered by name: id, name, created, create_revision, value.
     */
    String listAt();

    /** Params as {@link #listAt()} without limit. One row: how many such names. */
    String countAt();

    /**
     * Params: after revision (exclusive), up to revision (inclusive), lower bound (inclusive),
     * upper bound (exclusive), limit. Rows in id order:
     * id, name, created, deleted, create_revision, prev_revision, value, old_value.
     */
    String history();

    /**
     * Params: revision, revision. Deletes rows made obsolete at that revision: rows replaced by a
     * later row at or before it, and delete markers at or before it, never the row with the
     * highest id (it carries the revision counter across restarts).
     */
    String compact();
}
