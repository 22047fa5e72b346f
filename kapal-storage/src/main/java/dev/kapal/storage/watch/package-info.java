/**
 * Watch fan-out shared by the backends that see every write in-process (memory, SQLite): one
 * {@link dev.kapal.storage.watch.WatchHub} per store, one queue and one virtual delivery thread
 * per watch, history replay stitched to live events without gaps.
 */
package dev.kapal.storage.watch;
