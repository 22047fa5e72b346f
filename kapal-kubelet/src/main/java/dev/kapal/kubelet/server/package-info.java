/**
 * The kubelet's HTTPS API (port 10250): {@link dev.kapal.kubelet.server.KubeletServer} serves
 * {@code /containerLogs}, {@code /exec}, {@code /attach}, {@code /portForward},
 * {@code /stats/summary} and {@code /healthz} to clients with a certificate from the cluster's
 * client CA (the API server's kubelet client), checked by a {@link dev.kapal.kubelet.server.KubeletAuthorizer}.
 * Streaming sessions are proxied, bytes unchanged, to the URL the runtime's CRI streaming server
 * hands out, as the kubelet does.
 */
package dev.kapal.kubelet.server;
