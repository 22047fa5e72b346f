/**
 * SQL-backed {@link dev.kapal.storage.Store}s on kine's one-table design: every write is a new
 * row whose auto-increment id is the revision. {@link dev.kapal.storage.sql.SqliteStore} is the
 * embedded default; the SQL itself sits behind {@link dev.kapal.storage.sql.SqlDialect} so other
 * databases can follow.
 */
package dev.kapal.storage.sql;
