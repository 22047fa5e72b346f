/**
 * Request and response codecs beyond the shared JSON mapper: YAML request bodies read into the
 * same JSON trees, and HTTP media types ({@code Accept} and {@code Content-Type} headers) for
 * content negotiation.
 */
package dev.kapal.api.codec;
