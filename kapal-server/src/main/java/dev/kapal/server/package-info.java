/**
 * The {@code kapal} binary: the command line ({@link dev.kapal.server.Main}), the server's
 * configuration, and the composition of the control plane out of {@link dev.kapal.server.Component}s
 * started one after another behind readiness gates and closed in reverse order.
 */
package dev.kapal.server;
