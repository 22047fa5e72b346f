/**
 * The namespace controller ({@code namespace}): empties a Terminating namespace of every
 * namespaced object, reports progress in the namespace's conditions, then releases the
 * {@code kubernetes} finalizer so the API server removes the namespace.
 */
package dev.kapal.controllers.namespace;
