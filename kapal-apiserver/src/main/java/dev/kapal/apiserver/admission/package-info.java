/**
 * Admission: changes and checks that need more than one object (allocating a service's cluster IP,
 * later quotas, limit ranges, service accounts), run by the generic store between defaulting and
 * validation, as upstream's mutating admission runs before validation.
 */
package dev.kapal.apiserver.admission;
