/**
 * The controller runtime: the key {@link dev.kapal.controllers.runtime.WorkQueue} with its rate
 * limiter, {@link dev.kapal.controllers.runtime.Controller} (informers that only enqueue keys,
 * workers that call {@code reconcile} and act on its sealed
 * {@link dev.kapal.controllers.runtime.Result}), the event recorder and the leader elector.
 */
package dev.kapal.controllers.runtime;
