/**
 * Label and field selectors: the string syntax of the {@code labelSelector} and
 * {@code fieldSelector} query parameters and the {@code metav1.LabelSelector} object, parsed
 * and matched as upstream's {@code k8s.io/apimachinery/pkg/labels} and {@code .../fields} do,
 * with the same error messages, so clients see the answers they would get from Kubernetes.
 */
package dev.kapal.api.selector;
