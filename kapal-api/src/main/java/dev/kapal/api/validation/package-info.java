/**
 * Name and label checks with upstream's exact messages ({@code k8s.io/apimachinery/pkg/util/validation}),
 * shared by the API server's validation and the selector parsers.
 */
package dev.kapal.api.validation;
