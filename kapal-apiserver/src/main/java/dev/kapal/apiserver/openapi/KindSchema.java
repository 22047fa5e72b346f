package dev.kapal.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The schema of one kind's objects as a {@link SchemaSource} supplies it.
 *
 * @param schema       the kind's own schema, carrying {@code x-kubernetes-group-version-kind}
 * @param dependencies further named schemas the tree refers to ({@code io.k8s.api.apps.v1.DeploymentSpec},
 *                     ...), beyond the shared meta types of {@link MetaSchemas}; their {@code $ref}s use
 *                     {@link Schemas#V3_REF_PREFIX}
 * @param coverage     whether the tree describes every field with its merge metadata; decides whether
 *                     the documents advertise strategic merge patch for the kind (see the package
 *                     documentation)
 */
public record KindSchema(ObjectNode schema, Map<String, ObjectNode> dependencies, Coverage coverage) {
    public KindSchema {
        Objects.requireNonNull(schema, "schema");
        dependencies = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(dependencies));
        Objects.requireNonNull(coverage, "coverage");
    }

    /** How much of a kind a schema describes. */
    public enum Coverage {
        /**
         * Only {@code apiVersion}, {@code kind} and {@code metadata}; other fields are allowed but
         * not described ({@code x-kubernetes-preserve-unknown-fields}). Clients must not derive
         * patches from it.
         */
        ENVELOPE,
        /**
         * Every field, with its type and the {@code x-kubernetes-patch-strategy},
         * {@code x-kubernetes-patch-merge-key}, {@code x-kubernetes-list-type} and
         * {@code x-kubernetes-list-map-keys} extensions upstream's schema has, so that clients may
         * compute strategic merge patches from it.
         */
        FULL
    }
}
