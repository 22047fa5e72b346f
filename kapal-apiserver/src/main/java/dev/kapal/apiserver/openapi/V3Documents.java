package dev.kapal.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.GroupVersion;
import dev.kapal.api.GroupVersionKind;
import dev.kapal.api.Json;
import dev.kapal.api.ResourceInfo;
import dev.kapal.apiserver.discovery.VersionInfo;
import dev.kapal.apiserver.kinds.BuiltinKinds;
import dev.kapal.apiserver.registry.ResourceDefinition;
import dev.kapal.apiserver.registry.ResourceRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Builds the OpenAPI v3 document of each served group-version from a registry snapshot, shaped like
 * kube-apiserver's {@code /openapi/v3/apis/<group>/<version>}: every resource's collection, object,
 * all-namespaces, watch and subresource paths with upstream's operation ids, actions, kinds and
 * parameters, and the schemas they refer to.
 *
 * <p>Paths and schemas are written in sorted order (as Go writes maps), so a document's bytes, and
 * with them its hash, change only when its content does.
 */
final class V3Documents {
    static final String JSON = "application/json";
    static final String YAML = "application/yaml";
    static final String JSON_WATCH = "application/json;stream=watch";
    static final String JSON_PATCH = "application/json-patch+json";
    static final String MERGE_PATCH = "application/merge-patch+json";
    static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
    static final String APPLY_PATCH = "application/apply-patch+yaml";

    private static final Set<GroupVersionKind> BUILTIN_KINDS = BuiltinKinds.all().stream()
            .map(definition -> definition.info().gvk())
            .collect(Collectors.toUnmodifiableSet());

    /**
     * Upstream registers DeleteOptions and WatchEvent in the group-versions of its built-in scheme,
     * not in custom resources' ones: so adding a CRD leaves the built-in documents, and their
     * hashes, unchanged.
     */
    private static final Map<String, ObjectNode> META_SCHEMAS = MetaSchemas.all(BuiltinKinds.all().stream()
            .map(definition -> definition.info().groupVersion())
            .distinct()
            .toList());

    private final ResourceRegistry.Snapshot snapshot;
    private final SchemaSource schemaSource;

    V3Documents(ResourceRegistry.Snapshot snapshot, SchemaSource schemaSource) {
        this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
        this.schemaSource = Objects.requireNonNull(schemaSource, "schemaSource");
    }

    /** The index key upstream uses for a group-version: {@code api/v1}, {@code apis/apps/v1}. */
    static String indexKey(GroupVersion groupVersion) {
        return groupVersion.pathPrefix().substring(1);
    }

    static boolean isBuiltin(GroupVersionKind kind) {
        return BUILTIN_KINDS.contains(kind);
    }

    /**
     * A group-version's document and the names of its schemas that describe a kind only partly
     * (envelope kinds and their lists): the Swagger 2.0 rendering must not let clients find those
     * by kind.
     */
    record GroupVersionDocument(ObjectNode document, Set<String> partialSchemas, Set<String> customResourceSchemas) {
        GroupVersionDocument {
            Objects.requireNonNull(document, "document");
            partialSchemas = Set.copyOf(partialSchemas);
            customResourceSchemas = Set.copyOf(customResourceSchemas);
        }
    }

    GroupVersionDocument document(GroupVersion groupVersion) {
        Builder builder = new Builder(groupVersion);
        for (ResourceDefinition definition : snapshot.resources(groupVersion)) {
            builder.resource(definition.info());
        }
        return new GroupVersionDocument(builder.document(), builder.partialSchemas, builder.customResourceSchemas);
    }

    /** Collects the paths and schemas of one group-version. */
    private final class Builder {
        private final GroupVersion groupVersion;
        private final String operationGroupVersion;
        private final String tag;
        private final Map<String, ObjectNode> paths = new TreeMap<>();
        private final Map<String, ObjectNode> schemas = new TreeMap<>();
        /** Coverage of each kind whose schema is in {@link #schemas}, deciding strategic merge patch. */
        private final Map<GroupVersionKind, KindSchema.Coverage> coverage = new java.util.HashMap<>();
        private final Set<String> partialSchemas = new java.util.HashSet<>();
        /** Custom resources' kind schemas, converted for Swagger 2.0 as upstream does. */
        private final Set<String> customResourceSchemas = new java.util.HashSet<>();

        Builder(GroupVersion groupVersion) {
            this.groupVersion = groupVersion;
            this.operationGroupVersion = SchemaNames.operationGroupVersion(groupVersion.group(), groupVersion.version());
            this.tag = SchemaNames.tag(groupVersion.group(), groupVersion.version());
            schemas.putAll(META_SCHEMAS);
        }

        ObjectNode document() {
            ObjectNode document = Json.object();
            document.put("openapi", "3.0.0");
            document.putObject("info").put("title", "Kubernetes").put("version", VersionInfo.GIT_VERSION);
            ObjectNode pathsNode = document.putObject("paths");
            paths.forEach(pathsNode::set);
            ObjectNode components = document.putObject("components");
            ObjectNode schemasNode = components.putObject("schemas");
            schemas.forEach((name, schema) -> schemasNode.set(name, schema.deepCopy()));
            components.putObject("securitySchemes").putObject("BearerToken")
                    .put("type", "apiKey").put("description", "Bearer Token authentication")
                    .put("name", "authorization").put("in", "header");
            document.putArray("security").addObject().putArray("BearerToken");
            return document;
        }

        void resource(ResourceInfo info) {
            GroupVersionKind kind = info.gvk();
            boolean builtin = isBuiltin(kind);
            String kindSchema = addKind(kind, builtin);
            String listSchema = SchemaNames.ofList(kind, info.listKind(), builtin);
            schemas.put(listSchema, listSchema(kind, info.listKind(), kindSchema));
            if (partialSchemas.contains(kindSchema)) {
                partialSchemas.add(listSchema);
            }
            String scope = info.namespaced() ? "Namespaced" : "";
            String prefix = groupVersion.pathPrefix();
            String collection = prefix + (info.namespaced() ? "/namespaces/{namespace}/" : "/") + info.plural();
            String object = collection + "/{name}";
            String kindName = info.kind();
            List<String> verbs = info.verbs();

            if (verbs.contains("list")) {
                path(collection, info, false).set("get", operation("list objects of kind " + kindName,
                        "list" + operationGroupVersion + scope + kindName, "list", kind, Parameters.list(),
                        Optional.empty(), responses(listSchema, List.of(JSON, YAML, JSON_WATCH), "200")));
            }
            if (verbs.contains("create")) {
                path(collection, info, false).set("post", operation("create a " + kindName,
                        "create" + operationGroupVersion + scope + kindName, "post", kind, Parameters.write(),
                        Optional.of(body(kindSchema)), responses(kindSchema, List.of(JSON, YAML), "200", "201", "202")));
            }
            if (verbs.contains("deletecollection")) {
                path(collection, info, false).set("delete", operation("delete a collection of " + kindName,
                        "delete" + operationGroupVersion + "Collection" + scope + kindName, "deletecollection", kind,
                        Parameters.deleteCollection(), Optional.of(body(MetaSchemas.DELETE_OPTIONS)),
                        responses(MetaSchemas.STATUS, List.of(JSON, YAML), "200")));
            }
            if (verbs.contains("get")) {
                path(object, info, true).set("get", operation("read the specified " + kindName,
                        "read" + operationGroupVersion + scope + kindName, "get", kind, List.of(),
                        Optional.empty(), responses(kindSchema, List.of(JSON, YAML), "200")));
            }
            if (verbs.contains("update")) {
                path(object, info, true).set("put", operation("replace the specified " + kindName,
                        "replace" + operationGroupVersion + scope + kindName, "put", kind, Parameters.write(),
                        Optional.of(body(kindSchema)), responses(kindSchema, List.of(JSON, YAML), "200", "201")));
            }
            if (verbs.contains("patch")) {
                path(object, info, true).set("patch", patchOperation("partially update the specified " + kindName,
                        "patch" + operationGroupVersion + scope + kindName, kind, kindSchema));
            }
            if (verbs.contains("delete")) {
                path(object, info, true).set("delete", operation("delete a " + kindName,
                        "delete" + operationGroupVersion + scope + kindName, "delete", kind, Parameters.delete(),
                        Optional.of(body(MetaSchemas.DELETE_OPTIONS)),
                        responses(MetaSchemas.STATUS, List.of(JSON, YAML), "200", "202")));
            }
            if (info.namespaced() && verbs.contains("list")) {
                pathWithoutScope(prefix + "/" + info.plural()).set("get", operation("list objects of kind " + kindName,
                        "list" + operationGroupVersion + kindName + "ForAllNamespaces", "list", kind, Parameters.list(),
                        Optional.empty(), responses(listSchema, List.of(JSON, YAML, JSON_WATCH), "200")));
            }
            if (verbs.contains("watch")) {
                // Deprecated upstream in favour of ?watch=true, but still published in v1.33's documents.
                String watchCollection = prefix + "/watch" + collection.substring(prefix.length());
                path(watchCollection, info, false).set("get", operation("watch changes to a list of " + kindName,
                        "watch" + operationGroupVersion + scope + kindName + "List", "watchlist", kind, Parameters.list(),
                        Optional.empty(), responses(MetaSchemas.WATCH_EVENT, List.of(JSON, YAML, JSON_WATCH), "200")));
                path(watchCollection + "/{name}", info, true).set("get", operation("watch changes to a " + kindName,
                        "watch" + operationGroupVersion + scope + kindName, "watch", kind, Parameters.list(),
                        Optional.empty(), responses(MetaSchemas.WATCH_EVENT, List.of(JSON, YAML, JSON_WATCH), "200")));
                if (info.namespaced()) {
                    pathWithoutScope(prefix + "/watch/" + info.plural()).set("get", operation(
                            "watch changes to a list of " + kindName,
                            "watch" + operationGroupVersion + kindName + "ListForAllNamespaces", "watchlist", kind,
                            Parameters.list(), Optional.empty(),
                            responses(MetaSchemas.WATCH_EVENT, List.of(JSON, YAML, JSON_WATCH), "200")));
                }
            }
            info.subresources().stream().sorted().forEach(name -> subresource(info, object, scope, name));
        }

        private void subresource(ResourceInfo parent, String objectPath, String scope, String name) {
            Optional<BuiltinKinds.Subresource> described = BuiltinKinds.subresource(parent, name);
            if (described.isEmpty()) {
                return;
            }
            GroupVersionKind kind = described.get().kind();
            boolean builtin = kind.equals(parent.gvk()) ? isBuiltin(kind) : true;
            String schema = kind.equals(parent.gvk()) ? SchemaNames.of(kind, builtin) : addKind(kind, builtin);
            String suffix = SchemaNames.capitalize(name);
            String operationKind = scope + parent.kind() + suffix;
            String path = objectPath + "/" + name;
            boolean connect = Set.of("exec", "attach", "portforward", "proxy").contains(name);
            for (String verb : described.get().verbs()) {
                ObjectNode item = path(path, parent, true);
                if (connect) {
                    String method = switch (verb) {
                        case "create" -> "post";
                        case "update" -> "put";
                        default -> verb;
                    };
                    item.set(method, operation("connect " + method.toUpperCase(java.util.Locale.ROOT) + " requests to "
                                    + name + " of " + parent.kind(),
                            "connect" + operationGroupVersion + SchemaNames.capitalize(method) + operationKind, "connect",
                            kind, Parameters.connect(name), Optional.empty(), textResponse()));
                    continue;
                }
                switch (verb) {
                    case "get" -> item.set("get", name.equals("log")
                            ? operation("read log of the specified " + parent.kind(), "read" + operationGroupVersion
                                    + operationKind, "get", parent.gvk(), List.of(), Optional.empty(), textResponse())
                            : operation("read " + name + " of the specified " + parent.kind(),
                                    "read" + operationGroupVersion + operationKind, "get", kind, List.of(), Optional.empty(),
                                    responses(schema, List.of(JSON, YAML), "200")));
                    case "update" -> item.set("put", operation("replace " + name + " of the specified " + parent.kind(),
                            "replace" + operationGroupVersion + operationKind, "put", kind, Parameters.write(),
                            Optional.of(body(schema)), responses(schema, List.of(JSON, YAML), "200", "201")));
                    case "patch" -> item.set("patch", patchOperation(
                            "partially update " + name + " of the specified " + parent.kind(),
                            "patch" + operationGroupVersion + operationKind, kind, schema));
                    case "create" -> item.set("post", operation("create " + name + " of a " + parent.kind(),
                            "create" + operationGroupVersion + operationKind, "post", kind, Parameters.write(),
                            Optional.of(body(schema)), responses(schema, List.of(JSON, YAML), "200", "201", "202")));
                    default -> throw new IllegalStateException("no operation for verb " + verb + " of " + parent.plural() + "/" + name);
                }
            }
        }

        /** Adds {@code kind}'s schema (once) and returns its name. */
        private String addKind(GroupVersionKind kind, boolean builtin) {
            String name = SchemaNames.of(kind, builtin);
            if (!coverage.containsKey(kind)) {
                KindSchema schema = schemaSource.schema(kind, name, builtin, builtin ? Optional.empty()
                        : snapshot.findKind(kind).flatMap(definition -> definition.strategy().openApiV3Schema()));
                if (!builtin) {
                    customResourceSchemas.add(name);
                }
                schemas.put(name, schema.schema());
                schema.dependencies().forEach(schemas::putIfAbsent);
                coverage.put(kind, schema.coverage());
                switch (schema.coverage()) {
                    case ENVELOPE -> partialSchemas.add(name);
                    case FULL -> {
                    }
                }
            }
            return name;
        }

        private ObjectNode listSchema(GroupVersionKind kind, String listKind, String itemSchema) {
            ObjectNode schema = Schemas.object(
                    "apiVersion", Schemas.string(),
                    "items", Schemas.array(Schemas.ref(itemSchema)),
                    "kind", Schemas.string(),
                    "metadata", Schemas.ref(MetaSchemas.LIST_META));
            schema.putArray("required").add("items");
            schema.set("x-kubernetes-group-version-kind", Schemas.groupVersionKinds(
                    List.of(new GroupVersionKind(kind.group(), kind.version(), listKind))));
            return schema;
        }

        /** The path item at {@code path}, created with its path parameters ({@code name}, {@code namespace}) and {@code pretty}. */
        private ObjectNode path(String path, ResourceInfo info, boolean named) {
            return paths.computeIfAbsent(path, ignored -> {
                ObjectNode item = Json.object();
                ArrayNode parameters = item.putArray("parameters");
                if (named) {
                    parameters.add(Parameters.name(info.kind()));
                }
                if (info.namespaced()) {
                    parameters.add(Parameters.namespace());
                }
                parameters.add(Parameters.pretty());
                return item;
            });
        }

        private ObjectNode pathWithoutScope(String path) {
            return paths.computeIfAbsent(path, ignored -> {
                ObjectNode item = Json.object();
                item.putArray("parameters").add(Parameters.pretty());
                return item;
            });
        }

        /**
         * A PATCH operation. Strategic merge patch is advertised only for built-in kinds whose schema
         * is {@link KindSchema.Coverage#FULL}: kubectl apply computes its patch from the schema of
         * any kind whose PATCH lists it (see the package documentation).
         */
        private ObjectNode patchOperation(String description, String operationId, GroupVersionKind kind, String schema) {
            ObjectNode body = Json.object();
            ObjectNode content = body.putObject("content");
            List<String> types = new ArrayList<>(List.of(APPLY_PATCH, JSON_PATCH, MERGE_PATCH));
            KindSchema.Coverage kindCoverage = coverage.getOrDefault(kind, KindSchema.Coverage.ENVELOPE);
            boolean strategic = switch (kindCoverage) {
                case FULL -> isBuiltin(kind);
                case ENVELOPE -> false;
            };
            if (strategic) {
                types.add(STRATEGIC_MERGE_PATCH);
            }
            for (String type : types) {
                content.putObject(type).set("schema", Schemas.ref(MetaSchemas.PATCH));
            }
            body.put("required", true);
            return operation(description, operationId, "patch", kind, Parameters.patch(), Optional.of(body),
                    responses(schema, List.of(JSON, YAML), "200", "201"));
        }

        private ObjectNode operation(String description, String operationId, String action, GroupVersionKind kind,
                                     List<ObjectNode> parameters, Optional<ObjectNode> requestBody, ObjectNode responses) {
            ObjectNode operation = Json.object();
            operation.putArray("tags").add(tag);
            operation.put("description", description);
            operation.put("operationId", operationId);
            if (!parameters.isEmpty()) {
                ArrayNode array = operation.putArray("parameters");
                parameters.forEach(array::add);
            }
            requestBody.ifPresent(node -> operation.set("requestBody", node));
            operation.set("responses", responses);
            operation.put("x-kubernetes-action", action);
            operation.set("x-kubernetes-group-version-kind", Schemas.groupVersionKind(kind));
            return operation;
        }

        private ObjectNode body(String schema) {
            ObjectNode body = Json.object();
            body.putObject("content").putObject(JSON).set("schema", Schemas.ref(schema));
            body.put("required", true);
            return body;
        }

        private ObjectNode responses(String schema, List<String> mediaTypes, String... codes) {
            ObjectNode responses = Json.object();
            for (String code : codes) {
                ObjectNode response = responses.putObject(code);
                response.put("description", switch (code) {
                    case "200" -> "OK";
                    case "201" -> "Created";
                    case "202" -> "Accepted";
                    default -> throw new IllegalArgumentException(code);
                });
                ObjectNode content = response.putObject("content");
                mediaTypes.forEach(type -> content.putObject(type).set("schema", Schemas.ref(schema)));
            }
            responses.putObject("401").put("description", "Unauthorized");
            return responses;
        }

        private ObjectNode textResponse() {
            ObjectNode responses = Json.object();
            ObjectNode ok = responses.putObject("200");
            ok.put("description", "OK");
            ok.putObject("content").putObject("*/*").putObject("schema").put("type", "string");
            responses.putObject("401").put("description", "Unauthorized");
            return responses;
        }
    }
}
