/**
 * The HTTP front of the API server on Jetty's core API: request routing
 * ({@link dev.kapal.apiserver.http.RequestInfo}), authentication, content negotiation, the
 * resource handlers and watch streaming. Handlers run on virtual threads and block freely.
 */
package dev.kapal.apiserver.http;
