package dev.kapal.storage.watch;

import dev.kapal.storage.StoreException;
import dev.kapal.storage.WatchEvent;

import java.util.List;

/** Where a watch reads the history it replays before switching to live events. */
@FunctionalInterface
public interface HistorySource {
    /**
     * The events under {@code prefix} with {@code afterRevision < revision <= upToRevision}, in
     * revision order, at most {@code limit} of them (fewer only when the range is exhausted).
     *
     * @throws StoreException.Compacted if {@code afterRevision} is below the compacted revision
     */
    List<WatchEvent> events(String prefix, long afterRevision, long upToRevision, int limit);
}
