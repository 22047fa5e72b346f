/**
 * Admission: changes and checks that need more than one object or belong to no kind (allocating a
 * service's cluster IP, the default not-ready/unreachable tolerations of pods, later quotas, limit
 * ranges, service accounts), run by the generic store between defaulting and validation, as
 * upstream's mutating admission runs before validation.
 */
package dev.kapal.apiserver.admission;
