package dev.kapal.storage;

import java.util.List;
import java.util.Objects;

/**
 * One page of a list.
 *
 * @param items     the live keys under the prefix at {@code revision}, ordered by key
 * @param revision  the revision the page was read at; later pages must be read at the same one
 * @param more      whether keys after the last item remain (the page was cut by the limit)
 * @param remaining how many keys remain after this page (0 when {@code more} is false)
 */
public record ListResult(List<KeyValue> items, long revision, boolean more, long remaining) {
    public ListResult {
        items = List.copyOf(items);
    }

    /** The key to pass as {@code startAfter} for the next page. */
    public String lastKey() {
        Objects.checkIndex(0, items.size());
        return items.get(items.size() - 1).key();
    }
}
