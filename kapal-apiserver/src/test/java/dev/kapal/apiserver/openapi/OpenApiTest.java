package dev.kapal.apiserver.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.GroupVersion;
import dev.kapal.api.GroupVersionKind;
import dev.kapal.api.GroupVersionResource;
import dev.kapal.api.Json;
import dev.kapal.api.ResourceInfo;
import dev.kapal.apiserver.discovery.DiscoveryResponse;
import dev.kapal.apiserver.kinds.BuiltinKinds;
import dev.kapal.apiserver.registry.ResourceDefinition;
import dev.kapal.apiserver.registry.ResourceRegistry;
import dev.kapal.apiserver.registry.Strategy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenApiTest {
    private static final GroupVersionKind CONFIG_MAP = new GroupVersionKind("", "v1", "ConfigMap");
    private static final GroupVersionKind DEPLOYMENT = new GroupVersionKind("apps", "v1", "Deployment");
    private static final GroupVersionKind WIDGET = new GroupVersionKind("example.com", "v1", "Widget");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-09-10T12:00:00Z"), ZoneOffset.UTC);

    private static ResourceDefinition widgets(String version) {
        return new ResourceDefinition(new ResourceInfo(
                new GroupVersion("example.com", version), "widgets", "widget", "Widget", "WidgetList", true,
                ResourceInfo.ALL_VERBS, List.of("wd"), List.of("all"), Set.of("status"), "example.com/widgets"),
                Strategy.DEFAULT);
    }

    private static ResourceRegistry builtins() {
        ResourceRegistry registry = new ResourceRegistry();
        registry.register(BuiltinKinds.all());
        return registry;
    }

    private static DiscoveryResponse get(OpenApi openApi, String path) {
        return openApi.handle(path, "", "application/json", Optional.empty()).orElseThrow();
    }

    private static JsonNode json(DiscoveryResponse response) {
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).contains("application/json");
        return Json.parse(response.body());
    }

    @Test
    void indexListsEveryServedGroupVersionWithItsHashedUrl() {
        OpenApi openApi = new OpenApi(builtins());

        JsonNode index = json(get(openApi, "/openapi/v3"));

        assertThat(index.path("paths").path("api/v1").path("serverRelativeURL").asText())
                .matches("/openapi/v3/api/v1\\?hash=[0-9A-F]{128}");
        assertThat(index.path("paths").path("apis/apps/v1").path("serverRelativeURL").asText())
                .startsWith("/openapi/v3/apis/apps/v1?hash=");
        assertThat(index.path("paths").path("apis/autoscaling/v2").isObject()).isTrue();
        assertThat(index.path("paths").path("apis/apiextensions.k8s.io/v1").isObject()).isTrue();
    }

    @Test
    void kubectlFindsServerSideFieldValidationForBuiltinsAndCustomResources() {
        ResourceRegistry registry = builtins();
        registry.register(List.of(widgets("v1")));
        KubectlProbes kubectl = new KubectlProbes(new OpenApi(registry));

        for (GroupVersionKind kind : List.of(CONFIG_MAP, DEPLOYMENT, WIDGET,
                new GroupVersionKind("", "v1", "Namespace"), new GroupVersionKind("", "v1", "Pod"),
                new GroupVersionKind("batch", "v1", "Job"), new GroupVersionKind("rbac.authorization.k8s.io", "v1", "Role"))) {
            assertThat(kubectl.fieldValidationVerdicts(kind)).as("%s", kind).isNotEmpty().containsOnly(true);
        }
    }

    @Test
    void kubectlApplyFallsBackToItsCompiledTypesWhileSchemasAreEnvelopes() {
        ResourceRegistry registry = builtins();
        registry.register(List.of(widgets("v1")));
        KubectlProbes kubectl = new KubectlProbes(new OpenApi(registry, EnvelopeSchemaSource.INSTANCE, CLOCK));

        assertThat(kubectl.strategicMergeVerdicts(CONFIG_MAP)).isNotEmpty().containsOnly(false);
        assertThat(kubectl.strategicMergeVerdicts(DEPLOYMENT)).isNotEmpty().containsOnly(false);
        assertThat(kubectl.strategicMergeVerdicts(WIDGET)).isNotEmpty().containsOnly(false);
    }

    @Test
    void fullSchemasOfBuiltinsAdvertiseStrategicMergePatchButCustomResourcesNever() {
        ResourceRegistry registry = builtins();
        registry.register(List.of(widgets("v1")));
        SchemaSource full = (kind, name, builtin, published) -> new KindSchema(EnvelopeSchemaSource.envelope(kind), Map.of(),
                KindSchema.Coverage.FULL);
        KubectlProbes kubectl = new KubectlProbes(new OpenApi(registry, full, CLOCK));

        assertThat(kubectl.strategicMergeVerdicts(DEPLOYMENT)).isNotEmpty().containsOnly(true);
        assertThat(kubectl.strategicMergeVerdicts(WIDGET)).isNotEmpty().containsOnly(false);
    }

    @Test
    void kindSchemasCarryTheirKindAndTheEnvelope() {
        KubectlProbes kubectl = new KubectlProbes(new OpenApi(builtins()));

        JsonNode schemas = kubectl.groupVersionDocument(DEPLOYMENT).orElseThrow().path("components").path("schemas");
        JsonNode deployment = schemas.path("io.k8s.api.apps.v1.Deployment");
        assertThat(deployment.path("type").asText()).isEqualTo("object");
        assertThat(deployment.path("x-kubernetes-group-version-kind"))
                .containsExactly(Json.object().put("group", "apps").put("kind", "Deployment").put("version", "v1"));
        JsonNode metadata = deployment.path("properties").path("metadata");
        // A documented reference is written as upstream's v3 does: allOf with the reference, beside the description.
        assertThat(metadata.has("allOf") ? metadata.path("allOf").get(0).path("$ref").asText() : metadata.path("$ref").asText())
                .isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
        assertThat(deployment.path("properties").has("apiVersion")).isTrue();
        assertThat(deployment.path("properties").has("kind")).isTrue();
        assertThat(schemas.path("io.k8s.api.apps.v1.DeploymentList").path("x-kubernetes-group-version-kind").get(0)
                .path("kind").asText()).isEqualTo("DeploymentList");
        assertThat(schemas.path("io.k8s.api.autoscaling.v1.Scale").path("x-kubernetes-group-version-kind").get(0)
                .path("group").asText()).isEqualTo("autoscaling");
        for (String meta : List.of("ObjectMeta", "ListMeta", "Status", "DeleteOptions", "Patch", "WatchEvent")) {
            assertThat(schemas.has("io.k8s.apimachinery.pkg.apis.meta.v1." + meta)).as(meta).isTrue();
        }
    }

    @Test
    void pathsFollowUpstreamLayoutOperationIdsAndActions() {
        KubectlProbes kubectl = new KubectlProbes(new OpenApi(builtins()));
        JsonNode paths = kubectl.groupVersionDocument(CONFIG_MAP).orElseThrow().path("paths");

        JsonNode collection = paths.path("/api/v1/namespaces/{namespace}/configmaps");
        assertOperation(collection.path("get"), "listCoreV1NamespacedConfigMap", "list", CONFIG_MAP);
        assertOperation(collection.path("post"), "createCoreV1NamespacedConfigMap", "post", CONFIG_MAP);
        assertOperation(collection.path("delete"), "deleteCoreV1CollectionNamespacedConfigMap", "deletecollection", CONFIG_MAP);
        JsonNode object = paths.path("/api/v1/namespaces/{namespace}/configmaps/{name}");
        assertOperation(object.path("get"), "readCoreV1NamespacedConfigMap", "get", CONFIG_MAP);
        assertOperation(object.path("put"), "replaceCoreV1NamespacedConfigMap", "put", CONFIG_MAP);
        assertOperation(object.path("patch"), "patchCoreV1NamespacedConfigMap", "patch", CONFIG_MAP);
        assertOperation(object.path("delete"), "deleteCoreV1NamespacedConfigMap", "delete", CONFIG_MAP);
        assertOperation(paths.path("/api/v1/configmaps").path("get"), "listCoreV1ConfigMapForAllNamespaces", "list", CONFIG_MAP);
        assertOperation(paths.path("/api/v1/watch/namespaces/{namespace}/configmaps").path("get"),
                "watchCoreV1NamespacedConfigMapList", "watchlist", CONFIG_MAP);
        assertOperation(paths.path("/api/v1/watch/namespaces/{namespace}/configmaps/{name}").path("get"),
                "watchCoreV1NamespacedConfigMap", "watch", CONFIG_MAP);
        assertOperation(paths.path("/api/v1/watch/configmaps").path("get"),
                "watchCoreV1ConfigMapListForAllNamespaces", "watchlist", CONFIG_MAP);
        assertOperation(paths.path("/api/v1/namespaces/{namespace}/pods/{name}/binding").path("post"),
                "createCoreV1NamespacedPodBinding", "post", new GroupVersionKind("", "v1", "Binding"));
        assertOperation(paths.path("/api/v1/namespaces/{namespace}/pods/{name}/eviction").path("post"),
                "createCoreV1NamespacedPodEviction", "post", new GroupVersionKind("policy", "v1", "Eviction"));
        assertOperation(paths.path("/api/v1/namespaces/{name}/finalize").path("put"),
                "replaceCoreV1NamespaceFinalize", "put", new GroupVersionKind("", "v1", "Namespace"));
        assertOperation(paths.path("/api/v1/nodes/{name}/status").path("patch"),
                "patchCoreV1NodeStatus", "patch", new GroupVersionKind("", "v1", "Node"));
        // Namespaces have no deletecollection; create-only bindings have nothing but POST.
        assertThat(paths.path("/api/v1/namespaces").has("delete")).isFalse();
        assertThat(paths.path("/api/v1/namespaces/{namespace}/bindings").properties()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("parameters", "post");

        JsonNode list = collection.path("get");
        assertThat(names(list.path("parameters"))).contains("allowWatchBookmarks", "continue", "fieldSelector",
                "labelSelector", "limit", "resourceVersion", "resourceVersionMatch", "sendInitialEvents",
                "timeoutSeconds", "watch");
        assertThat(names(collection.path("post").path("parameters"))).contains("dryRun", "fieldManager", "fieldValidation");
        assertThat(names(collection.path("parameters"))).containsExactly("namespace", "pretty");
        assertThat(names(object.path("parameters"))).containsExactly("name", "namespace", "pretty");
        assertThat(object.path("patch").path("requestBody").path("content").properties()).extracting(Map.Entry::getKey)
                .contains("application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml");
        assertThat(object.path("put").path("requestBody").path("content").path("application/json").path("schema")
                .path("$ref").asText()).isEqualTo("#/components/schemas/io.k8s.api.core.v1.ConfigMap");
        assertThat(list.path("responses").path("200").path("content").path("application/json").path("schema")
                .path("$ref").asText()).isEqualTo("#/components/schemas/io.k8s.api.core.v1.ConfigMapList");

        JsonNode apps = kubectl.groupVersionDocument(DEPLOYMENT).orElseThrow().path("paths");
        assertOperation(apps.path("/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale").path("patch"),
                "patchAppsV1NamespacedDeploymentScale", "patch", new GroupVersionKind("autoscaling", "v1", "Scale"));
    }

    @Test
    void customResourcesAreNamedByTheirReversedGroup() {
        ResourceRegistry registry = new ResourceRegistry();
        registry.register(List.of(widgets("v1")));
        JsonNode document = new KubectlProbes(new OpenApi(registry)).groupVersionDocument(WIDGET).orElseThrow();

        assertThat(document.path("components").path("schemas").has("com.example.v1.Widget")).isTrue();
        assertOperation(document.path("paths").path("/apis/example.com/v1/namespaces/{namespace}/widgets").path("get"),
                "listExampleComV1NamespacedWidget", "list", WIDGET);
    }

    @Test
    void everyReferenceResolvesInEveryDocument() {
        ResourceRegistry registry = builtins();
        registry.register(List.of(widgets("v1")));
        OpenApi openApi = new OpenApi(registry);

        for (String key : openApi.groupVersionKeys()) {
            JsonNode document = json(get(openApi, "/openapi/v3/" + key));
            assertThat(document.path("openapi").asText()).isEqualTo("3.0.0");
            Set<String> names = new HashSet<>();
            document.path("components").path("schemas").fieldNames().forEachRemaining(names::add);
            for (String ref : references(document)) {
                assertThat(ref).as(key).startsWith("#/components/schemas/");
                assertThat(names).as(key).contains(ref.substring("#/components/schemas/".length()));
            }
        }
        JsonNode swagger = json(get(openApi, "/openapi/v2"));
        Set<String> definitions = new HashSet<>();
        swagger.path("definitions").fieldNames().forEachRemaining(definitions::add);
        for (String ref : references(swagger)) {
            assertThat(ref).startsWith("#/definitions/");
            assertThat(definitions).contains(ref.substring("#/definitions/".length()));
        }
    }

    @Test
    void swaggerV2HasTheSamePathsWithInlineParametersAndHidesPartialKinds() {
        OpenApi openApi = new OpenApi(builtins(), EnvelopeSchemaSource.INSTANCE, CLOCK);
        JsonNode swagger = json(get(openApi, "/openapi/v2"));

        assertThat(swagger.path("swagger").asText()).isEqualTo("2.0");
        JsonNode patch = swagger.path("paths").path("/apis/apps/v1/namespaces/{namespace}/deployments/{name}").path("patch");
        assertThat(patch.path("operationId").asText()).isEqualTo("patchAppsV1NamespacedDeployment");
        assertThat(patch.path("x-kubernetes-group-version-kind").path("kind").asText()).isEqualTo("Deployment");
        assertThat(names(patch.path("parameters"))).contains("body", "fieldValidation");
        assertThat(patch.path("parameters").get(0).path("schema").path("$ref").asText())
                .isEqualTo("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
        assertThat(patch.path("consumes")).extracting(JsonNode::asText).doesNotContain("application/strategic-merge-patch+json");
        JsonNode fieldValidation = patch.path("parameters").get(3);
        assertThat(fieldValidation.path("in").asText()).isEqualTo("query");
        assertThat(fieldValidation.path("type").asText()).isEqualTo("string");
        // kubectl's v2 validation and patching find schemas by kind: envelopes must not be found.
        assertThat(swagger.path("definitions").path("io.k8s.api.apps.v1.Deployment").has("x-kubernetes-group-version-kind")).isFalse();
        assertThat(swagger.path("definitions").path("io.k8s.api.apps.v1.DeploymentList").has("x-kubernetes-group-version-kind")).isFalse();
        assertThat(swagger.path("definitions").path("io.k8s.apimachinery.pkg.apis.meta.v1.Status")
                .path("x-kubernetes-group-version-kind").get(0).path("kind").asText()).isEqualTo("Status");
    }

    @Test
    void hashesChangeWhenTheRegistryChangesAndStaleHashesRedirect() {
        ResourceRegistry registry = builtins();
        OpenApi openApi = new OpenApi(registry, EnvelopeSchemaSource.INSTANCE, CLOCK);
        JsonNode before = json(get(openApi, "/openapi/v3"));
        assertThat(before.path("paths").has("apis/example.com/v1")).isFalse();
        assertThat(openApi.handle("/openapi/v3/apis/example.com/v1", "", "", Optional.empty())).isEmpty();

        registry.register(List.of(widgets("v1")));
        JsonNode added = json(get(openApi, "/openapi/v3"));
        assertThat(added.path("paths").path("apis/example.com/v1").path("serverRelativeURL").asText())
                .startsWith("/openapi/v3/apis/example.com/v1?hash=");
        // Unchanged group-versions keep their hash: clients keep their cached copies.
        assertThat(added.path("paths").path("apis/apps/v1")).isEqualTo(before.path("paths").path("apis/apps/v1"));

        String firstUrl = added.path("paths").path("apis/example.com/v1").path("serverRelativeURL").asText();
        registry.register(List.of(new ResourceDefinition(new ResourceInfo(new GroupVersion("example.com", "v1"),
                "gadgets", "gadget", "Gadget", "GadgetList", false, ResourceInfo.ALL_VERBS, List.of(), List.of(), Set.of(),
                "example.com/gadgets"), Strategy.DEFAULT)));
        String secondUrl = json(get(openApi, "/openapi/v3")).path("paths").path("apis/example.com/v1")
                .path("serverRelativeURL").asText();
        assertThat(secondUrl).isNotEqualTo(firstUrl);

        DiscoveryResponse stale = openApi.handle("/openapi/v3/apis/example.com/v1", firstUrl.substring(firstUrl.indexOf('?') + 1),
                "application/json", Optional.empty()).orElseThrow();
        assertThat(stale.status()).isEqualTo(301);
        assertThat(stale.header("Location")).contains(secondUrl);

        registry.unregister(List.of(new GroupVersionResource("example.com", "v1", "widgets"),
                new GroupVersionResource("example.com", "v1", "gadgets")));
        assertThat(json(get(openApi, "/openapi/v3")).path("paths").has("apis/example.com/v1")).isFalse();
        assertThat(openApi.handle("/openapi/v3/apis/example.com/v1", "", "", Optional.empty())).isEmpty();
    }

    @Test
    void hashedUrlsAreImmutableAndPlainOnesRevalidate() {
        OpenApi openApi = new OpenApi(builtins(), EnvelopeSchemaSource.INSTANCE, CLOCK);
        String url = json(get(openApi, "/openapi/v3")).path("paths").path("api/v1").path("serverRelativeURL").asText();
        String hash = url.substring(url.indexOf("hash=") + 5);

        DiscoveryResponse hashed = openApi.handle("/openapi/v3/api/v1", "hash=" + hash, "application/json", Optional.empty())
                .orElseThrow();
        assertThat(hashed.status()).isEqualTo(200);
        assertThat(hashed.header("Cache-Control")).contains("public, immutable");
        assertThat(hashed.header("Expires")).contains("Thu, 10 Sep 2026 12:00:00 GMT");
        assertThat(hashed.header("ETag")).contains("\"" + hash + "\"");
        assertThat(hashed.header("Vary")).contains("Accept");

        DiscoveryResponse plain = get(openApi, "/openapi/v3/api/v1");
        assertThat(plain.header("Cache-Control")).isEmpty();
        assertThat(plain.header("ETag")).contains("\"" + hash + "\"");
        assertThat(plain.body()).isEqualTo(hashed.body());
    }

    @Test
    void matchingIfNoneMatchAnswersNotModified() {
        OpenApi openApi = new OpenApi(builtins());
        for (String path : List.of("/openapi/v3", "/openapi/v3/apis/apps/v1", "/openapi/v2")) {
            DiscoveryResponse first = get(openApi, path);
            String etag = first.header("ETag").orElseThrow();

            DiscoveryResponse again = openApi.handle(path, "", "application/json", Optional.of("W/" + etag)).orElseThrow();
            assertThat(again.status()).as(path).isEqualTo(304);
            assertThat(again.body()).isEmpty();
            assertThat(again.header("ETag")).contains(etag);
            assertThat(openApi.handle(path, "", "application/json", Optional.of("\"other\"")).orElseThrow().status())
                    .isEqualTo(200);
        }
    }

    @Test
    void unsupportedMediaTypesAreNotAcceptable() {
        OpenApi openApi = new OpenApi(builtins());

        assertThat(openApi.handle("/openapi/v2", "", "application/yaml", Optional.empty()).orElseThrow().status())
                .isEqualTo(406);
        assertThat(openApi.handle("/openapi/v3/api/v1", "", "application/com.github.proto-openapi.spec.v3.v1.0+protobuf",
                Optional.empty()).orElseThrow().status()).isEqualTo(406);
        assertThat(openApi.handle("/openapi/v2", "", "application/json;q=0, */*;q=0", Optional.empty()).orElseThrow()
                .status()).isEqualTo(406);
        assertThat(openApi.handle("/openapi/v3/api/v1", "", "*/*", Optional.empty()).orElseThrow().status()).isEqualTo(200);
        assertThat(openApi.handle("/openapi/v2", "", "", Optional.empty()).orElseThrow().status()).isEqualTo(200);
    }

    @Test
    void otherPathsAreNotOpenApi() {
        OpenApi openApi = new OpenApi(builtins());

        assertThat(openApi.handle("/openapi/v3/apis/nope/v1", "", "", Optional.empty())).isEmpty();
        assertThat(openApi.handle("/openapi/v3/", "", "", Optional.empty())).isEmpty();
        assertThat(openApi.handle("/openapi/v1", "", "", Optional.empty())).isEmpty();
        assertThat(openApi.handle("/apis", "", "", Optional.empty())).isEmpty();
    }

    @Test
    void documentsRenderOncePerGeneration() {
        ResourceRegistry registry = builtins();
        List<GroupVersionKind> asked = new ArrayList<>();
        SchemaSource counting = (kind, name, builtin, published) -> {
            synchronized (asked) {
                asked.add(kind);
            }
            return EnvelopeSchemaSource.INSTANCE.schema(kind, name, builtin, published);
        };
        OpenApi openApi = new OpenApi(registry, counting, CLOCK);

        get(openApi, "/openapi/v3");
        int afterFirst = asked.size();
        get(openApi, "/openapi/v3/api/v1");
        get(openApi, "/openapi/v2");
        assertThat(asked).hasSize(afterFirst);
        assertThat(asked).contains(CONFIG_MAP, DEPLOYMENT);

        registry.register(List.of(widgets("v1")));
        get(openApi, "/openapi/v3");
        assertThat(asked).hasSizeGreaterThan(afterFirst).contains(WIDGET);
    }

    private static void assertOperation(JsonNode operation, String operationId, String action, GroupVersionKind kind) {
        assertThat(operation.path("operationId").asText()).isEqualTo(operationId);
        assertThat(operation.path("x-kubernetes-action").asText()).as(operationId).isEqualTo(action);
        ObjectNode expected = Json.object().put("group", kind.group()).put("kind", kind.kind()).put("version", kind.version());
        assertThat(operation.path("x-kubernetes-group-version-kind")).as(operationId).isEqualTo(expected);
    }

    private static List<String> names(JsonNode parameters) {
        List<String> names = new ArrayList<>();
        parameters.forEach(parameter -> names.add(parameter.path("name").asText()));
        return names;
    }

    @Test
    void builtinKindsArePublishedWithTheModelsDocumentationInBothDocuments() {
        OpenApi openApi = new OpenApi(builtins());
        JsonNode apps = json(get(openApi, "/openapi/v3/apis/apps/v1"));
        JsonNode schemas = apps.path("components").path("schemas");

        JsonNode deployment = schemas.path("io.k8s.api.apps.v1.Deployment");
        assertThat(deployment.path("description").asText()).startsWith("Deployment enables declarative updates");
        // The model documents fields of a named type on the type only: the field borrows the type's words.
        assertThat(deployment.path("properties").path("spec").path("allOf").get(0).path("$ref").asText())
                .isEqualTo("#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec");
        assertThat(deployment.path("properties").path("spec").path("description").asText())
                .startsWith("DeploymentSpec is the specification of the desired behavior");
        assertThat(deployment.path("properties").path("metadata").path("description").asText()).startsWith("ObjectMeta is metadata");
        assertThat(schemas.path("io.k8s.api.apps.v1.DeploymentSpec").path("properties").path("minReadySeconds")
                .path("description").asText()).startsWith("Minimum number of seconds");
        // What the kind refers to comes along, core types under core's name.
        assertThat(schemas.path("io.k8s.api.core.v1.Container").path("properties").path("image").path("description").asText())
                .startsWith("Container image name.");
        assertThat(schemas.path("io.k8s.api.core.v1.PodSpec").path("properties").path("containers")
                .path("x-kubernetes-patch-merge-key").asText()).isEqualTo("name");
        assertThat(schemas.path(MetaSchemas.OBJECT_META).path("properties").path("name").path("description").asText())
                .startsWith("Name must be unique within a namespace.");

        JsonNode swagger = json(get(openApi, "/openapi/v2"));
        JsonNode v2 = swagger.path("definitions").path("io.k8s.api.apps.v1.Deployment");
        assertThat(v2.path("x-kubernetes-group-version-kind").get(0).path("kind").asText()).isEqualTo("Deployment");
        // Swagger 2.0 writes the reference beside the description (no allOf).
        assertThat(v2.path("properties").path("spec").path("$ref").asText()).isEqualTo("#/definitions/io.k8s.api.apps.v1.DeploymentSpec");
        assertThat(v2.path("properties").path("spec").has("allOf")).isFalse();
        assertThat(swagger.path("definitions").path("io.k8s.api.core.v1.PodSpec").path("required").toString()).isEqualTo("[\"containers\"]");
        JsonNode quantity = swagger.path("definitions").path(ModelCatalogue.QUANTITY);
        assertThat(quantity.path("type").asText()).isEqualTo("string");
        assertThat(quantity.has("oneOf")).isFalse();
        assertThat(schemas.path(ModelCatalogue.QUANTITY).has("type")).isFalse();
    }

    @Test
    void customResourcesArePublishedWithTheirCrdSchemaInV3AndConvertedInV2() {
        ObjectNode crdSchema = (ObjectNode) Json.parse("""
                {"type":"object","description":"A widget.","properties":{
                  "spec":{"type":"object","description":"What the widget should be.","required":["size"],"properties":{
                    "size":{"type":"integer","description":"How big."},
                    "label":{"type":"string","nullable":true},
                    "port":{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]},
                    "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{"a":{"type":"string"}}}}}}}
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ResourceDefinition widgets = new ResourceDefinition(widgets("v1").info(), new Strategy() {
            @Override
            public Optional<JsonNode> openApiV3Schema() {
                return Optional.of(crdSchema);
            }
        });
        ResourceRegistry registry = builtins();
        registry.register(List.of(widgets));
        OpenApi openApi = new OpenApi(registry);

        JsonNode v3 = json(get(openApi, "/openapi/v3/apis/example.com/v1")).path("components").path("schemas")
                .path("com.example.v1.Widget");
        assertThat(v3.path("description").asText()).isEqualTo("A widget.");
        assertThat(v3.path("x-kubernetes-group-version-kind").get(0).path("kind").asText()).isEqualTo("Widget");
        assertThat(v3.path("properties").path("spec").path("properties").path("size").path("description").asText()).isEqualTo("How big.");
        assertThat(v3.path("properties").path("metadata").path("allOf").get(0).path("$ref").asText())
                .isEqualTo("#/components/schemas/" + MetaSchemas.OBJECT_META);
        assertThat(v3.path("properties").path("apiVersion").path("description").asText()).startsWith("APIVersion defines");
        assertThat(v3.path("properties").path("spec").path("properties").path("label").path("nullable").asBoolean()).isTrue();

        JsonNode v2 = json(get(openApi, "/openapi/v2")).path("definitions").path("com.example.v1.Widget");
        assertThat(v2.path("x-kubernetes-group-version-kind").get(0).path("kind").asText()).isEqualTo("Widget");
        JsonNode spec = v2.path("properties").path("spec");
        assertThat(spec.path("required").toString()).isEqualTo("[\"size\"]");
        assertThat(spec.path("properties").path("label").has("nullable")).isFalse();
        assertThat(spec.path("properties").path("label").has("type")).isFalse();
        assertThat(spec.path("properties").path("port").has("anyOf")).isFalse();
        assertThat(spec.path("properties").path("extra").has("properties")).isFalse();
        assertThat(v2.path("properties").path("metadata").path("$ref").asText()).isEqualTo("#/definitions/" + MetaSchemas.OBJECT_META);
    }

    private static List<String> references(JsonNode node) {
        List<String> references = new ArrayList<>();
        collect(node, references);
        return references;
    }

    private static void collect(JsonNode node, List<String> references) {
        if (node.isObject()) {
            node.properties().forEach(entry -> {
                // JSONSchemaProps has a property named "$ref": only textual values are references.
                if (entry.getKey().equals("$ref") && entry.getValue().isTextual()) {
                    references.add(entry.getValue().asText());
                } else {
                    collect(entry.getValue(), references);
                }
            });
        } else if (node.isArray()) {
            node.forEach(element -> collect(element, references));
        }
    }
}
