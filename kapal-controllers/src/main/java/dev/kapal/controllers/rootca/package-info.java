/**
 * The root CA publisher ({@code root-ca-cert-publisher}): a {@code kube-root-ca.crt} ConfigMap
 * with the cluster CA in every active namespace, so pods can trust the API server.
 */
package dev.kapal.controllers.rootca;
