/**
 * The API server's self-description, rendered without any HTTP library: discovery
 * ({@code /api}, {@code /apis}, {@code /api/v1}, {@code /apis/<group>[/<version>]}, plain and
 * aggregated), {@code /version}, and the health endpoints ({@code /healthz}, {@code /livez},
 * {@code /readyz}). Each answer is a plain response record that the HTTP layer copies onto the
 * wire; documents are rendered once per registry generation and served from memory.
 */
package dev.kapal.apiserver.discovery;
