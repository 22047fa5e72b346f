/**
 * OCI image archives written from plain files, with nothing but tar, gzip and SHA-256: the
 * sandbox ("pause") image Kapal provides locally, and the images tests build from the host's
 * {@code busybox-static}. Archives are reproducible: the same inputs give the same digests.
 */
package dev.kapal.kubelet.runtime.oci;
