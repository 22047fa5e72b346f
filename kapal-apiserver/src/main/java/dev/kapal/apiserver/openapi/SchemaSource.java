package dev.kapal.apiserver.openapi;

import dev.kapal.api.GroupVersionKind;

/**
 * Where the OpenAPI documents get the schema of each kind they publish: the served resources'
 * kinds and the kinds their subresources carry ({@code autoscaling/v1 Scale}, {@code policy/v1
 * Eviction}, ...).
 *
 * <p>Contract: the returned {@link KindSchema#schema()} is an object schema carrying
 * {@code x-kubernetes-group-version-kind} with {@code kind}, and {@code apiVersion}, {@code kind}
 * and {@code metadata} properties (metadata referring to {@code io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta}).
 * References may name the shared meta types of {@link MetaSchemas} and the source's own
 * {@link KindSchema#dependencies()}, nothing else. A source may return
 * {@link KindSchema.Coverage#FULL} only when the tree is upstream's field for field, merge
 * metadata included: kubectl computes client-side apply patches from such a schema. Called once
 * per kind and registry generation, from request threads; implementations must be thread-safe and
 * must return trees that nobody modifies afterwards (the renderer copies them).
 */
public interface SchemaSource {

    /**
     * The schema of {@code kind}.
     *
     * @param schemaName the name the documents file it under ({@link SchemaNames#of})
     * @param builtin    whether the kind is a Kubernetes built-in (rather than a custom resource)
     * @param published  the schema the kind's resource definition carries (a custom resource's
     *                   {@code openAPIV3Schema}, see {@link dev.kapal.apiserver.registry.Strategy#openApiV3Schema()}),
     *                   empty for built-in kinds and versions without one
     */
    KindSchema schema(GroupVersionKind kind, String schemaName, boolean builtin,
                      java.util.Optional<com.fasterxml.jackson.databind.JsonNode> published);
}
