/**
 * The Kapal API server: the HTTP front, authentication and authorization, the generic resource
 * store and the per-kind definitions it serves, discovery. {@link dev.kapal.apiserver.ApiServer}
 * is the entry point.
 */
package dev.kapal.apiserver;
