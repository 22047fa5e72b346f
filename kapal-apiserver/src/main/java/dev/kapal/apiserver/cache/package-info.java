/**
 * The watch cache: one store watch over {@code /registry/} feeds an in-memory copy of every
 * served resource, so lists and watches are answered without touching the store per request.
 */
package dev.kapal.apiserver.cache;
