package dev.kapal.apiserver.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ResourceInfo;
import java.util.Optional;

/**
 * One admission plugin. The generic store calls {@link #admit} for every create and update of
 * every resource after the kind's defaulting and before validation; a plugin ignores resources
 * that are not its concern. It may change {@code object} and may refuse by throwing an
 * {@link dev.kapal.api.ApiException}. It must not write to storage (it may read through caches),
 * and it runs on dry runs too, so what it reserves must not outlive the request unless the
 * write succeeds.
 */
public interface Admission {
    enum Operation { CREATE, UPDATE }

    void admit(ResourceInfo resource, Operation operation, ObjectNode object, Optional<ObjectNode> old);
}
