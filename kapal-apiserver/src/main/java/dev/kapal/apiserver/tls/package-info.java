/**
 * The cluster's PKI: the server and client certificate authorities, the API server's serving
 * certificate, the admin client certificate, and issuing client certificates for other users.
 * Files live under {@code <data-dir>/server/tls} with the names k3s uses, so operators who know
 * k3s find them where they expect. Keys are ECDSA P-256, written PKCS#8 PEM with mode 0600.
 */
package dev.kapal.apiserver.tls;
