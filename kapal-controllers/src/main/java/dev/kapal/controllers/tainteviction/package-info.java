/**
 * The taint eviction controller ({@code taint-eviction-controller}, separate from node lifecycle
 * since v1.29): deletes pods from nodes with NoExecute taints they do not tolerate, at once or when
 * their {@code tolerationSeconds} run out.
 */
package dev.kapal.controllers.tainteviction;
