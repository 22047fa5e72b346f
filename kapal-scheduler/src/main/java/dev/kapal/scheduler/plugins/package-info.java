/**
 * The in-tree plugins, each named as upstream's, and the {@link dev.kapal.scheduler.plugins.Registry}
 * that lists them and builds the default profile.
 */
package dev.kapal.scheduler.plugins;
