package dev.kapal.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.gson.annotations.SerializedName;
import dev.kapal.api.GroupVersion;
import dev.kapal.api.GroupVersionKind;
import dev.kapal.api.Json;
import dev.kapal.api.patch.PatchMeta;
import dev.kapal.api.patch.PatchMetaField;
import dev.kapal.api.patch.PatchMetaType;
import dev.kapal.apiserver.kinds.BuiltinKinds;
import io.swagger.annotations.ApiModel;
import io.swagger.annotations.ApiModelProperty;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the {@link ModelCatalogue} by reflection over the Kubernetes 1.33 model classes of
 * client-java ({@code io.kubernetes.client.openapi.models}): their json names
 * ({@code @SerializedName}), Java types, required fields ({@code openapiRequiredFields}) and
 * documentation ({@code @ApiModel}, {@code @ApiModelProperty}), which client-java generates from
 * upstream's own OpenAPI document. Definitions are named as upstream names them
 * ({@code io.k8s.api.core.v1.PodSpec}); meta types map onto {@link MetaSchemas}; patch extensions
 * come from {@link PatchMeta#builtin()} and kinds get {@code x-kubernetes-group-version-kind}.
 *
 * <p>Runs at build time ({@link #main}, bound to {@code process-classes}), writing the catalogue
 * the server reads: reflecting over some 700 classes takes seconds, parsing the result a fraction
 * of that, and the model classes need not ship. Classes are visited in a fixed order (core/v1
 * first, then the other built-in group-versions), because a class used by several groups lives in
 * the package of the first group that reaches it, as apps refers to core's PodTemplateSpec.
 */
public final class ModelReflection {
    private static final String MODELS = "io.kubernetes.client.openapi.models.";
    /** {@code V1PodSpec}, {@code V1beta1X}, {@code CoreV1Event}: an optional group prefix, the version, the name. */
    private static final Pattern CLASS_NAME = Pattern.compile("^([A-Z][a-z]+)?(V\\d+(?:(?:alpha|beta)\\d+)?)([A-Z].*)$");

    /** Model classes that are upstream's apimachinery meta types. */
    private static final Map<String, String> META_CLASSES = Map.ofEntries(
            Map.entry("V1ObjectMeta", MetaSchemas.OBJECT_META),
            Map.entry("V1ListMeta", MetaSchemas.LIST_META),
            Map.entry("V1OwnerReference", MetaSchemas.OWNER_REFERENCE),
            Map.entry("V1ManagedFieldsEntry", MetaSchemas.MANAGED_FIELDS_ENTRY),
            Map.entry("V1Status", MetaSchemas.STATUS),
            Map.entry("V1StatusDetails", MetaSchemas.STATUS_DETAILS),
            Map.entry("V1StatusCause", MetaSchemas.STATUS_CAUSE),
            Map.entry("V1DeleteOptions", MetaSchemas.DELETE_OPTIONS),
            Map.entry("V1Preconditions", MetaSchemas.PRECONDITIONS),
            Map.entry("V1WatchEvent", MetaSchemas.WATCH_EVENT));
    /** Model classes that are meta types described here (not hand-written in {@link MetaSchemas}). */
    private static final Set<String> GENERATED_META_CLASSES = Set.of(
            "V1LabelSelector", "V1LabelSelectorRequirement", "V1Condition", "V1APIResource", "V1APIResourceList",
            "V1GroupVersionForDiscovery", "V1ServerAddressByClientCIDR", "V1APIGroup", "V1APIGroupList", "V1APIVersions");
    /** Date-time fields that are {@code MicroTime} upstream (every other one is {@code Time}). */
    private static final Set<String> MICRO_TIME_FIELDS = Set.of(
            "V1LeaseSpec.acquireTime", "V1LeaseSpec.renewTime", "CoreV1Event.eventTime",
            "EventsV1Event.eventTime", "EventsV1EventSeries.lastObservedTime");
    /** List map keys that are more than the patch merge key (the rest publish the merge key alone). */
    private static final Map<String, List<String>> LIST_MAP_KEYS = Map.of(
            "V1Container.ports", List.of("containerPort", "protocol"),
            "V1EphemeralContainer.ports", List.of("containerPort", "protocol"),
            "V1ServiceSpec.ports", List.of("port", "protocol"));

    /** The meta types whose hand-written schemas ({@link MetaSchemas}) get the model's documentation. */
    static final Map<String, String> DOCUMENTED_META = Map.of(
            MetaSchemas.OBJECT_META, "V1ObjectMeta",
            MetaSchemas.LIST_META, "V1ListMeta",
            MetaSchemas.OWNER_REFERENCE, "V1OwnerReference",
            MetaSchemas.MANAGED_FIELDS_ENTRY, "V1ManagedFieldsEntry",
            MetaSchemas.STATUS, "V1Status",
            MetaSchemas.DELETE_OPTIONS, "V1DeleteOptions");

    private ModelReflection() {
    }

    /** Writes the catalogue of every built-in kind as JSON to the file {@code args[0]}. */
    public static void main(String[] args) throws java.io.IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ModelReflection <output file>");
        }
        java.nio.file.Path output = java.nio.file.Path.of(args[0]);
        java.nio.file.Files.createDirectories(output.toAbsolutePath().getParent());
        java.nio.file.Files.write(output, Json.write(build().toJson()));
    }

    /** The catalogue of every built-in kind, read from the model classes. */
    static ModelCatalogue build() {
        return build(kindsToPublish());
    }


    /** The served built-in kinds plus the kinds subresources carry, core first. */
    private static List<GroupVersionKind> kindsToPublish() {
        Set<GroupVersionKind> all = new LinkedHashSet<>();
        BuiltinKinds.all().forEach(definition -> {
            all.add(definition.info().gvk());
            definition.info().subresources().forEach(name -> BuiltinKinds.subresource(definition.info(), name)
                    .ifPresent(subresource -> all.add(subresource.kind())));
        });
        List<GroupVersionKind> ordered = new ArrayList<>(all);
        ordered.sort(Comparator.comparing((GroupVersionKind kind) -> !kind.group().isEmpty())
                .thenComparing(GroupVersionKind::group)
                .thenComparing(GroupVersionKind::version)
                .thenComparing(GroupVersionKind::kind));
        return ordered;
    }

    static ModelCatalogue build(List<GroupVersionKind> roots) {
        Builder builder = new Builder();
        Map<GroupVersionKind, String> kinds = new LinkedHashMap<>();
        Map<GroupVersionKind, Class<?>> rootClasses = new LinkedHashMap<>();
        for (GroupVersionKind kind : roots) {
            modelClass(kind).ifPresent(type -> {
                String name = builder.name(type, kind.groupVersion());
                builder.describe(type, kind.groupVersion());
                kinds.put(kind, name);
                rootClasses.put(kind, type);
            });
        }
        // Kinds sharing a definition (none today, but Scale-like types could) list every kind.
        Map<String, List<GroupVersionKind>> byDefinition = new TreeMap<>();
        kinds.forEach((kind, name) -> byDefinition.computeIfAbsent(name, ignored -> new ArrayList<>()).add(kind));
        byDefinition.forEach((name, list) -> builder.definitions.get(name)
                .set("x-kubernetes-group-version-kind", Schemas.groupVersionKinds(list)));
        rootClasses.forEach((kind, type) -> builder.patchExtensions(type, PatchMeta.builtin().root(kind), new HashSet<>()));
        Map<String, String> metaDescriptions = new HashMap<>();
        META_CLASSES.forEach((simple, name) -> {
            try {
                ApiModel model = Class.forName(MODELS + simple, false, ModelReflection.class.getClassLoader()).getAnnotation(ApiModel.class);
                if (model != null) {
                    metaDescriptions.put(name, model.description());
                }
            } catch (ClassNotFoundException absent) {
                // no documentation to borrow
            }
        });
        builder.describeReferringFields(metaDescriptions);
        Map<String, ObjectNode> meta = new TreeMap<>();
        DOCUMENTED_META.forEach((name, modelClass) -> meta.put(name, documentation(modelClass)));
        return new ModelCatalogue(builder.definitions, kinds, meta);
    }

    /** The model class of a kind: {@code <Group>V1<Kind>} where client-java disambiguates, else {@code V1<Kind>}. */
    static Optional<Class<?>> modelClass(GroupVersionKind kind) {
        String version = SchemaNames.capitalize(kind.version());
        String group = kind.group().isEmpty() ? "Core" : SchemaNames.capitalize(kind.group().split("\\.", 2)[0]);
        for (String candidate : List.of(group + version + kind.kind(), version + kind.kind())) {
            try {
                return Optional.of(Class.forName(MODELS + candidate, false, ModelReflection.class.getClassLoader()));
            } catch (ClassNotFoundException absent) {
                // try the next spelling
            }
        }
        return Optional.empty();
    }

    private static final class Builder {
        final Map<String, ObjectNode> definitions = new HashMap<>();
        final Map<Class<?>, String> names = new HashMap<>();

        /** The definition name of a model class first reached from {@code home}. */
        String name(Class<?> type, GroupVersion home) {
            return names.computeIfAbsent(type, ignored -> {
                String simple = type.getSimpleName();
                String meta = META_CLASSES.get(simple);
                if (meta != null) {
                    return meta;
                }
                Matcher matcher = CLASS_NAME.matcher(simple);
                if (!matcher.matches()) {
                    throw new IllegalStateException("unexpected model class name " + simple);
                }
                String version = matcher.group(2).toLowerCase(Locale.ROOT);
                String typeName = matcher.group(3);
                if (GENERATED_META_CLASSES.contains(simple)) {
                    return MetaSchemas.META + typeName;
                }
                String group = matcher.group(1) == null ? home.group() : groupOfPrefix(matcher.group(1));
                return SchemaNames.of(new GroupVersionKind(group, version, typeName), true);
            });
        }

        /** Adds the definition of {@code type} and of everything it refers to. */
        void describe(Class<?> type, GroupVersion home) {
            Deque<Class<?>> pending = new ArrayDeque<>(List.of(type));
            while (!pending.isEmpty()) {
                Class<?> next = pending.pop();
                String name = name(next, home);
                if (definitions.containsKey(name) || META_CLASSES.containsKey(next.getSimpleName())) {
                    continue;
                }
                ObjectNode schema = Json.object();
                definitions.put(name, schema);
                fill(schema, next, home, pending);
            }
        }

        private void fill(ObjectNode schema, Class<?> type, GroupVersion home, Deque<Class<?>> pending) {
            ApiModel model = type.getAnnotation(ApiModel.class);
            if (model != null && !model.description().isEmpty()) {
                schema.put("description", model.description());
            }
            Map<String, ApiModelProperty> documentation = new HashMap<>();
            for (Method method : type.getDeclaredMethods()) {
                ApiModelProperty property = method.getAnnotation(ApiModelProperty.class);
                if (property != null) {
                    documentation.put(accessorKey(method.getName()), property);
                }
            }
            Set<String> required = new TreeSet<>(requiredFields(type));
            Map<String, ObjectNode> properties = new TreeMap<>();
            for (Field field : type.getDeclaredFields()) {
                SerializedName serialized = field.getAnnotation(SerializedName.class);
                if (serialized == null || Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                String json = serialized.value();
                ObjectNode property = typeSchema(field.getGenericType(), type.getSimpleName() + "." + json, home, pending);
                ApiModelProperty doc = documentation.get(fieldKey(field));
                if (doc != null) {
                    if (!doc.value().isEmpty()) {
                        ModelCatalogue.describeProperty(property, doc.value());
                    }
                    if (doc.required()) {
                        required.add(json);
                    }
                }
                properties.put(json, property);
            }
            schema.put("type", "object");
            if (!properties.isEmpty()) {
                ObjectNode props = schema.putObject("properties");
                properties.forEach(props::set);
            }
            if (!required.isEmpty()) {
                var array = schema.putArray("required");
                required.forEach(array::add);
            }
        }

        /**
         * A v3 schema that is one of several JSON types (upstream's Quantity and IntOrString);
         * kubectl explain then names the type rather than a JSON type. Swagger 2.0 writes a string.
         */
        private static ObjectNode oneOf(ObjectNode schema, String... types) {
            var array = schema.putArray("oneOf");
            for (String type : types) {
                array.addObject().put("type", type);
            }
            return schema;
        }

        /**
         * The model documents a field of a named type on the type only; give such fields the type's
         * description rather than none (upstream has a sentence of its own there).
         */
        void describeReferringFields(Map<String, String> metaDescriptions) {
            for (ObjectNode definition : definitions.values()) {
                definition.path("properties").forEach(property -> {
                    if (property instanceof ObjectNode object && !object.has("description") && object.has("$ref")) {
                        String target = object.get("$ref").asText().substring(Schemas.V3_REF_PREFIX.length());
                        ObjectNode referenced = definitions.get(target);
                        String description = referenced != null ? referenced.path("description").asText("")
                                : metaDescriptions.getOrDefault(target, "");
                        if (!description.isEmpty()) {
                            ModelCatalogue.describeProperty(object, description);
                        }
                    }
                });
            }
        }

        private ObjectNode typeSchema(Type type, String fieldKey, GroupVersion home, Deque<Class<?>> pending) {
            if (type instanceof ParameterizedType parameterized) {
                Class<?> raw = (Class<?>) parameterized.getRawType();
                Type[] arguments = parameterized.getActualTypeArguments();
                if (List.class.isAssignableFrom(raw) || Set.class.isAssignableFrom(raw)) {
                    return Schemas.array(typeSchema(arguments[0], fieldKey, home, pending));
                }
                if (Map.class.isAssignableFrom(raw)) {
                    return Schemas.map(typeSchema(arguments[1], fieldKey, home, pending));
                }
                throw new IllegalStateException("unexpected generic type " + type + " of " + fieldKey);
            }
            Class<?> raw = (Class<?>) type;
            if (raw == String.class) {
                return Schemas.string();
            }
            if (raw == Integer.class || raw == int.class) {
                return Schemas.integer("int32");
            }
            if (raw == Long.class || raw == long.class) {
                return Schemas.integer("int64");
            }
            if (raw == Boolean.class || raw == boolean.class) {
                return Schemas.bool();
            }
            if (raw == Double.class || raw == Float.class || raw == java.math.BigDecimal.class) {
                return Json.object().put("type", "number").put("format", "double");
            }
            if (raw == byte[].class) {
                return Schemas.string().put("format", "byte");
            }
            if (raw == java.time.OffsetDateTime.class) {
                return Schemas.ref(MICRO_TIME_FIELDS.contains(fieldKey) ? MetaSchemas.MICRO_TIME : MetaSchemas.TIME);
            }
            if (raw.getName().equals("io.kubernetes.client.custom.Quantity")) {
                definitions.putIfAbsent(ModelCatalogue.QUANTITY, oneOf(Json.object().put("description",
                        "A fixed-point number with a suffix (such as 500m, 1Gi or 1e3): how Kubernetes writes amounts of CPU, memory and other resources."),
                        "string", "number"));
                return Schemas.ref(ModelCatalogue.QUANTITY);
            }
            if (raw.getName().equals("io.kubernetes.client.custom.IntOrString")) {
                definitions.putIfAbsent(ModelCatalogue.INT_OR_STRING, oneOf(Json.object().put("format", "int-or-string").put("description",
                        "An integer or a string (such as a port number or a port name, a count or a percentage)."),
                        "integer", "string"));
                return Schemas.ref(ModelCatalogue.INT_OR_STRING);
            }
            if (raw.isEnum()) {
                return Schemas.string();
            }
            if (raw == Object.class) {
                // RawExtension, JSON and similar: any value at all.
                return Json.object().put("x-kubernetes-preserve-unknown-fields", true);
            }
            if (raw.getName().startsWith(MODELS)) {
                String name = name(raw, home);
                if (!definitions.containsKey(name) && !META_CLASSES.containsKey(raw.getSimpleName())) {
                    pending.add(raw);
                }
                return Schemas.ref(name);
            }
            throw new IllegalStateException("unexpected type " + raw.getName() + " of " + fieldKey);
        }

        /**
         * Walks the model from a kind's class along {@link PatchMeta}'s types and writes the patch
         * extensions onto the fields that carry patch metadata.
         */
        void patchExtensions(Class<?> type, PatchMetaType patchType, Set<String> visited) {
            String name = names.get(type);
            ObjectNode definition = name == null ? null : definitions.get(name);
            if (definition == null || !visited.add(name + "/" + patchType)) {
                return;
            }
            for (Field field : type.getDeclaredFields()) {
                SerializedName serialized = field.getAnnotation(SerializedName.class);
                if (serialized == null || Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                String json = serialized.value();
                PatchMetaField meta = patchType.field(json);
                if (meta.equals(PatchMetaField.NONE)) {
                    continue;
                }
                ObjectNode property = (ObjectNode) definition.path("properties").get(json);
                String strategy = meta.strategyTag();
                if (!strategy.isEmpty()) {
                    property.put("x-kubernetes-patch-strategy", strategy);
                }
                meta.mergeKey().ifPresent(key -> property.put("x-kubernetes-patch-merge-key", key));
                if (meta.merges() && "array".equals(property.path("type").asText())) {
                    if (meta.mergeKey().isPresent()) {
                        property.put("x-kubernetes-list-type", "map");
                        var keys = property.putArray("x-kubernetes-list-map-keys");
                        LIST_MAP_KEYS.getOrDefault(type.getSimpleName() + "." + json, List.of(meta.mergeKey().get()))
                                .forEach(keys::add);
                    } else {
                        property.put("x-kubernetes-list-type", "set");
                    }
                }
                Class<?> element = elementClass(field.getGenericType());
                if (meta.type() != PatchMetaType.UNKNOWN && element != null) {
                    patchExtensions(element, meta.type(), visited);
                }
            }
        }

        private static Class<?> elementClass(Type type) {
            if (type instanceof ParameterizedType parameterized) {
                Type[] arguments = parameterized.getActualTypeArguments();
                return elementClass(arguments[arguments.length - 1]);
            }
            return type instanceof Class<?> raw && raw.getName().startsWith(MODELS) ? raw : null;
        }

        @SuppressWarnings("unchecked")
        private static Set<String> requiredFields(Class<?> type) {
            try {
                Field field = type.getDeclaredField("openapiRequiredFields");
                return field.get(null) instanceof Set<?> set ? (Set<String>) set : Set.of();
            } catch (NoSuchFieldException | IllegalAccessException e) {
                return Set.of();
            }
        }

        static String fieldKey(Field field) {
            return field.getName().replace("_", "").replace("$", "").toLowerCase(Locale.ROOT);
        }

        /** {@code getApiVersion} and {@code isX} → {@code apiversion}, {@code x}: how getters find their fields. */
        static String accessorKey(String method) {
            String stripped = method.startsWith("get") ? method.substring(3) : method.startsWith("is") ? method.substring(2) : method;
            return stripped.replace("_", "").replace("$", "").toLowerCase(Locale.ROOT);
        }

        private static String groupOfPrefix(String prefix) {
            return switch (prefix) {
                case "Core" -> "";
                case "Apiextensions" -> "apiextensions.k8s.io";
                case "Apiregistration" -> "apiregistration.k8s.io";
                default -> prefix.toLowerCase(Locale.ROOT) + ".k8s.io";
            };
        }
    }

    /** A model class's documentation: {@code {"description": ..., "properties": {field: description}}}. */
    static ObjectNode documentation(String modelClass) {
        Class<?> type;
        try {
            type = Class.forName(MODELS + modelClass, false, ModelReflection.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("no model class " + modelClass, e);
        }
        ObjectNode documentation = Json.object();
        ApiModel model = type.getAnnotation(ApiModel.class);
        if (model != null && !model.description().isEmpty()) {
            documentation.put("description", model.description());
        }
        Map<String, ApiModelProperty> byAccessor = new HashMap<>();
        for (Method method : type.getDeclaredMethods()) {
            ApiModelProperty property = method.getAnnotation(ApiModelProperty.class);
            if (property != null) {
                byAccessor.put(Builder.accessorKey(method.getName()), property);
            }
        }
        ObjectNode properties = documentation.putObject("properties");
        for (Field field : type.getDeclaredFields()) {
            SerializedName serialized = field.getAnnotation(SerializedName.class);
            ApiModelProperty doc = byAccessor.get(Builder.fieldKey(field));
            if (serialized != null && doc != null && !doc.value().isEmpty()) {
                properties.put(serialized.value(), doc.value());
            }
        }
        return documentation;
    }
}
