/**
 * The in-memory {@link dev.kapal.storage.Store}: full contract with history kept until
 * compaction, nothing durable. For tests and the in-JVM simulated cluster.
 */
package dev.kapal.storage.memory;
