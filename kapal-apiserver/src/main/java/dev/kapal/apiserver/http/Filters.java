package dev.kapal.apiserver.http;

import dev.kapal.apiserver.cache.CachedObject;
import dev.kapal.apiserver.registry.ResourceDefinition;
import java.util.function.Predicate;

/** Compiles {@code labelSelector} and {@code fieldSelector} parameters into one filter. */
interface Filters {
    /**
     * @throws dev.kapal.api.ApiException 400 for a malformed selector or an unsupported field
     */
    Predicate<CachedObject> compile(ResourceDefinition definition, String labelSelector, String fieldSelector);
}
