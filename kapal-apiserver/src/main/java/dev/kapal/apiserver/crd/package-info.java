/**
 * CustomResourceDefinitions: the controller that turns stored CRDs into served resources (names
 * check, registration, status conditions, cleanup of custom resources on deletion), the strategy
 * of the {@code customresourcedefinitions} kind itself, and the strategy of custom resources
 * (structural-schema pruning, defaulting and validation with upstream's messages).
 *
 * <p>Custom resources go through the same generic store as built-in kinds; what differs is data:
 * one {@link dev.kapal.apiserver.registry.ResourceDefinition} per served version, stored under
 * {@code /registry/<group>/<plural>/}, as upstream lays them out.
 */
package dev.kapal.apiserver.crd;
