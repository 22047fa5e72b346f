/**
 * Kinds as data: a {@link dev.kapal.apiserver.registry.ResourceDefinition} (catalogue entry plus
 * {@link dev.kapal.apiserver.registry.Strategy}) per resource, the
 * {@link dev.kapal.apiserver.registry.ResourceRegistry} of everything served, and the generic
 * store that does CRUD and watch for all of them over the {@code Store} seam.
 */
package dev.kapal.apiserver.registry;
