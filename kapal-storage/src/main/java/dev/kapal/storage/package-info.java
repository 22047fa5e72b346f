/**
 * The {@link dev.kapal.storage.Store} seam: a revisioned key-value store with watch, modelled on
 * the Kubernetes storage interface and kine's backend, and its backends. Only the API server
 * touches a store.
 */
package dev.kapal.storage;
