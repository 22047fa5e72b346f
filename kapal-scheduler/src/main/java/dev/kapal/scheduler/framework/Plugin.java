package dev.kapal.scheduler.framework;

/**
 * A scheduling plugin. A plugin implements one or more extension-point interfaces; the {@link
 * Profile} calls them in the order they are listed. Plugins must be thread-safe: filters and
 * scores run on several threads at once (one node each), and PreFilter/PreScore state lives in
 * the {@link CycleState}, never in plugin fields.
 */
public interface Plugin {
    /** The upstream plugin name ({@code NodeResourcesFit}); it appears in statuses and logs. */
    String name();
}
