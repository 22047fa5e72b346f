package dev.kapal.apiserver.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapal.api.GroupVersionKind;
import dev.kapal.api.Json;
import dev.kapal.apiserver.discovery.DiscoveryResponse;
import dev.kapal.apiserver.kinds.BuiltinKinds;
import dev.kapal.apiserver.registry.ResourceRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The protobuf form of {@code /openapi/v2}, read with gnostic's field numbers the way kubectl 1.27
 * uses it: its QueryParamVerifier (v2), the PATCH media types apply consults, and the kinds its
 * client-side validation finds.
 */
class SwaggerProtobufTest {
    private static final String PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

    private static ProtobufReader document() {
        ResourceRegistry registry = new ResourceRegistry();
        registry.register(BuiltinKinds.all());
        DiscoveryResponse response = new OpenApi(registry).handle("/openapi/v2", "", PROTOBUF, Optional.empty()).orElseThrow();
        assertThat(response.status()).isEqualTo(200);
        // No '@': Go's mime parser rejects it in a Content-Type.
        assertThat(response.contentType()).contains("application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
        return ProtobufReader.parse(response.body());
    }

    /** Document.paths(8).path(2) → NamedPathItem(name 1, value 2) → PathItem.patch(8). */
    private static List<ProtobufReader> patchOperations(ProtobufReader document, GroupVersionKind kind) {
        List<ProtobufReader> operations = new ArrayList<>();
        for (ProtobufReader path : document.message(8).messages(2)) {
            ProtobufReader item = path.message(2);
            if (!item.has(8)) {
                continue;
            }
            ProtobufReader patch = item.message(8);
            for (ProtobufReader extension : patch.messages(13)) {
                if (extension.string(1).equals("x-kubernetes-group-version-kind")) {
                    JsonNode gvk = Json.parse(extension.message(2).string(2).getBytes(StandardCharsets.UTF_8));
                    if (gvk.path("group").asText().equals(kind.group()) && gvk.path("version").asText().equals(kind.version())
                            && gvk.path("kind").asText().equals(kind.kind())) {
                        operations.add(patch);
                    }
                }
            }
        }
        return operations;
    }

    @Test
    void kubectlFindsFieldValidationAmongTheQueryParametersOfPatch() {
        ProtobufReader document = document();
        assertThat(document.string(1)).isEqualTo("2.0");

        for (GroupVersionKind kind : List.of(new GroupVersionKind("", "v1", "ConfigMap"),
                new GroupVersionKind("apps", "v1", "Deployment"))) {
            List<ProtobufReader> patches = patchOperations(document, kind);
            assertThat(patches).as("%s", kind).isNotEmpty();
            for (ProtobufReader patch : patches) {
                // Operation.parameters(8) → ParametersItem.parameter(1).non_body_parameter(2)
                // .query_parameter_sub_schema(3).name(4)
                List<String> queryNames = patch.messages(8).stream()
                        .map(item -> item.message(1).message(2).message(3).string(4)).toList();
                assertThat(queryNames).contains("fieldValidation", "dryRun", "fieldManager");
                // Operation.consumes(7): built-in kinds are fully described, so strategic merge patch is offered.
                assertThat(patch.strings(7)).contains("application/merge-patch+json", "application/strategic-merge-patch+json");
            }
        }
    }

    @Test
    void builtInKindsAndMetaTypesCanBeFoundByKind() {
        ProtobufReader definitions = document().message(9);
        List<String> withKind = new ArrayList<>();
        for (ProtobufReader named : definitions.messages(1)) {
            // Schema.vendor_extension(31)
            for (ProtobufReader extension : named.message(2).messages(31)) {
                if (extension.string(1).equals("x-kubernetes-group-version-kind")) {
                    withKind.add(named.string(1));
                }
            }
        }
        assertThat(withKind).contains("io.k8s.apimachinery.pkg.apis.meta.v1.Status",
                "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions", "io.k8s.api.core.v1.ConfigMap",
                "io.k8s.api.core.v1.ConfigMapList", "io.k8s.api.apps.v1.Deployment");
        assertThat(withKind).doesNotContain("io.k8s.api.core.v1.PodSpec");
    }

    @Test
    void schemasKeepTheirStructure() {
        ProtobufReader definitions = document().message(9);
        ProtobufReader objectMeta = definitions.messages(1).stream()
                .filter(named -> named.string(1).equals("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"))
                .findFirst().orElseThrow().message(2);
        // Schema.type(22).value(1), properties(25) → NamedSchema(name 1, value 2)
        assertThat(objectMeta.message(22).strings(1)).containsExactly("object");
        ProtobufReader labels = objectMeta.message(25).messages(1).stream()
                .filter(named -> named.string(1).equals("labels")).findFirst().orElseThrow().message(2);
        assertThat(labels.message(22).strings(1)).containsExactly("object");
        assertThat(labels.message(21).message(1).message(22).strings(1)).containsExactly("string");
        ProtobufReader creation = objectMeta.message(25).messages(1).stream()
                .filter(named -> named.string(1).equals("creationTimestamp")).findFirst().orElseThrow().message(2);
        assertThat(creation.string(1)).isEqualTo("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time");
    }

    @Test
    void jsonAndProtobufCarryDifferentEtags() {
        ResourceRegistry registry = new ResourceRegistry();
        registry.register(BuiltinKinds.all());
        OpenApi openApi = new OpenApi(registry);
        DiscoveryResponse json = openApi.handle("/openapi/v2", "", "application/json", Optional.empty()).orElseThrow();
        DiscoveryResponse protobuf = openApi.handle("/openapi/v2", "", PROTOBUF, Optional.empty()).orElseThrow();

        assertThat(json.header("ETag")).isNotEqualTo(protobuf.header("ETag"));
        assertThat(openApi.handle("/openapi/v2", "", PROTOBUF, protobuf.header("ETag")).orElseThrow().status()).isEqualTo(304);
    }
}
