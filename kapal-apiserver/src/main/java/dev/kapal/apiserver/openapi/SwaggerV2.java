package dev.kapal.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kapal.api.Json;
import dev.kapal.apiserver.discovery.VersionInfo;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders the Swagger 2.0 document of {@code /openapi/v2} from the v3 group-version documents: the
 * same paths and schemas, with request bodies turned into {@code body} parameters, media types into
 * {@code consumes}/{@code produces} and references into {@code #/definitions/}.
 *
 * <p>One difference on purpose: schemas that describe a kind only partly lose their
 * {@code x-kubernetes-group-version-kind}. kubectl looks kinds up by that extension in the v2
 * document both to validate objects client-side (rejecting fields the schema does not list) and to
 * compute apply patches; for a partial schema it must find nothing and fall back to its own types.
 */
final class SwaggerV2 {
    private static final String V2_REF_PREFIX = "#/definitions/";

    private SwaggerV2() {
    }

    static ObjectNode render(List<V3Documents.GroupVersionDocument> documents) {
        Map<String, JsonNode> paths = new TreeMap<>();
        Map<String, JsonNode> definitions = new TreeMap<>();
        for (V3Documents.GroupVersionDocument document : documents) {
            document.document().get("paths").properties()
                    .forEach(entry -> paths.put(entry.getKey(), pathItem((ObjectNode) entry.getValue())));
            document.document().get("components").get("schemas").properties().forEach(entry -> {
                ObjectNode schema = (ObjectNode) rewriteReferences(entry.getValue());
                if (schema.has("oneOf") && !schema.has("type")) {
                    // Quantity and IntOrString: Swagger 2.0 has no oneOf; upstream writes a string there.
                    schema.remove("oneOf");
                    schema.put("type", "string");
                }
                if (document.customResourceSchemas().contains(entry.getKey())) {
                    schema = CustomResourceSchemasV2.convert(schema);
                }
                if (document.partialSchemas().contains(entry.getKey())) {
                    schema.remove("x-kubernetes-group-version-kind");
                }
                // Meta schemas repeat in every group-version; their kind lists are per document, so
                // keep the one naming the most group-versions (all documents see the same snapshot).
                definitions.merge(entry.getKey(), schema, (old, next) -> next.size() >= old.size() ? next : old);
            });
        }
        ObjectNode swagger = Json.object();
        swagger.put("swagger", "2.0");
        swagger.putObject("info").put("title", "Kubernetes").put("version", VersionInfo.GIT_VERSION);
        ObjectNode pathsNode = swagger.putObject("paths");
        paths.forEach(pathsNode::set);
        ObjectNode definitionsNode = swagger.putObject("definitions");
        definitions.forEach(definitionsNode::set);
        swagger.putObject("securityDefinitions").putObject("BearerToken")
                .put("description", "Bearer Token authentication").put("in", "header")
                .put("name", "authorization").put("type", "apiKey");
        swagger.putArray("security").addObject().putArray("BearerToken");
        return swagger;
    }

    private static ObjectNode pathItem(ObjectNode v3) {
        ObjectNode item = Json.object();
        v3.properties().forEach(entry -> {
            if (entry.getKey().equals("parameters")) {
                item.set("parameters", parameters((ArrayNode) entry.getValue()));
            } else {
                item.set(entry.getKey(), operation((ObjectNode) entry.getValue()));
            }
        });
        return item;
    }

    private static ObjectNode operation(ObjectNode v3) {
        ObjectNode operation = Json.object();
        operation.put("description", v3.path("description").asText());
        Set<String> consumes = new TreeSet<>();
        JsonNode body = v3.path("requestBody").path("content");
        body.fieldNames().forEachRemaining(consumes::add);
        // Upstream lists "*/*" for operations that take any (or no) body.
        if (consumes.isEmpty() || consumes.equals(Set.of(V3Documents.JSON))) {
            consumes = Set.of("*/*");
        }
        ArrayNode consumesNode = operation.putArray("consumes");
        consumes.forEach(consumesNode::add);
        Set<String> produces = new TreeSet<>();
        v3.path("responses").forEach(response -> response.path("content").fieldNames().forEachRemaining(produces::add));
        ArrayNode producesNode = operation.putArray("produces");
        produces.forEach(producesNode::add);
        operation.putArray("schemes").add("https");
        operation.set("tags", v3.get("tags").deepCopy());
        operation.put("operationId", v3.path("operationId").asText());
        ArrayNode parameters = v3.has("parameters") ? parameters((ArrayNode) v3.get("parameters")) : Json.array();
        if (!body.isMissingNode()) {
            ObjectNode bodyParameter = Json.object();
            bodyParameter.put("in", "body");
            bodyParameter.put("name", "body");
            bodyParameter.put("required", true);
            bodyParameter.set("schema", rewriteReferences(body.elements().next().get("schema")));
            parameters.insert(0, bodyParameter);
        }
        if (!parameters.isEmpty()) {
            operation.set("parameters", parameters);
        }
        ObjectNode responses = operation.putObject("responses");
        v3.path("responses").properties().forEach(entry -> {
            ObjectNode response = responses.putObject(entry.getKey());
            response.put("description", entry.getValue().path("description").asText());
            Iterator<JsonNode> contents = entry.getValue().path("content").elements();
            if (contents.hasNext()) {
                response.set("schema", rewriteReferences(contents.next().get("schema")));
            }
        });
        v3.properties().forEach(entry -> {
            if (entry.getKey().startsWith("x-")) {
                operation.set(entry.getKey(), entry.getValue().deepCopy());
            }
        });
        return operation;
    }

    /** v3 parameters keep their type under {@code schema}; v2 non-body parameters carry it inline. */
    private static ArrayNode parameters(ArrayNode v3) {
        ArrayNode parameters = Json.array();
        for (JsonNode parameter : v3) {
            ObjectNode converted = Json.object();
            parameter.properties().forEach(entry -> {
                if (entry.getKey().equals("schema")) {
                    entry.getValue().properties().forEach(field -> converted.set(field.getKey(), field.getValue().deepCopy()));
                } else {
                    converted.set(entry.getKey(), entry.getValue().deepCopy());
                }
            });
            parameters.add(converted);
        }
        return parameters;
    }

    /**
     * Rewrites references into {@code #/definitions/}; a v3 {@code allOf} holding just a reference
     * (how v3 documents a referring field) becomes the v2 form, the reference beside the description.
     */
    private static JsonNode rewriteReferences(JsonNode node) {
        if (node instanceof ObjectNode object) {
            ObjectNode copy = Json.object();
            JsonNode allOf = object.get("allOf");
            if (allOf != null && allOf.size() == 1 && allOf.get(0).has("$ref") && allOf.get(0).size() == 1) {
                ObjectNode flattened = object.deepCopy();
                flattened.remove("allOf");
                ObjectNode withReference = Json.object();
                withReference.set("$ref", allOf.get(0).get("$ref"));
                withReference.setAll(flattened);
                object = withReference;
            }
            object.properties().forEach(entry -> {
                JsonNode value = entry.getValue();
                if (entry.getKey().equals("$ref") && value.isTextual() && value.asText().startsWith(Schemas.V3_REF_PREFIX)) {
                    copy.set("$ref", TextNode.valueOf(V2_REF_PREFIX + value.asText().substring(Schemas.V3_REF_PREFIX.length())));
                } else {
                    copy.set(entry.getKey(), rewriteReferences(value));
                }
            });
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = Json.array();
            array.forEach(element -> copy.add(rewriteReferences(element)));
            return copy;
        }
        return node;
    }
}
