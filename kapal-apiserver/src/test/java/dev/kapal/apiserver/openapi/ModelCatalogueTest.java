package dev.kapal.apiserver.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.GroupVersionKind;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The built-in schemas read from the model classes: names, documentation, types, references and extensions. */
class ModelCatalogueTest {
    private static final ModelCatalogue CATALOGUE = ModelCatalogue.get();

    private static JsonNode definition(String name) {
        return CATALOGUE.definition(name).orElseThrow(() -> new AssertionError("no definition " + name));
    }

    private static JsonNode property(String definition, String property) {
        return definition(definition).path("properties").path(property);
    }

    @Test
    void kindsAreNamedAsUpstreamAndCarryTheirGroupVersionKind() {
        assertThat(CATALOGUE.definitionName(new GroupVersionKind("", "v1", "Pod"))).contains("io.k8s.api.core.v1.Pod");
        assertThat(CATALOGUE.definitionName(new GroupVersionKind("", "v1", "Event"))).contains("io.k8s.api.core.v1.Event");
        assertThat(CATALOGUE.definitionName(new GroupVersionKind("events.k8s.io", "v1", "Event"))).contains("io.k8s.api.events.v1.Event");
        assertThat(CATALOGUE.definitionName(new GroupVersionKind("apiextensions.k8s.io", "v1", "CustomResourceDefinition")))
                .contains("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition");
        assertThat(CATALOGUE.definitionName(new GroupVersionKind("autoscaling", "v2", "HorizontalPodAutoscaler")))
                .contains("io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler");
        JsonNode gvk = definition("io.k8s.api.apps.v1.Deployment").path("x-kubernetes-group-version-kind");
        assertThat(gvk).hasSize(1);
        assertThat(gvk.get(0).path("group").asText()).isEqualTo("apps");
        assertThat(gvk.get(0).path("kind").asText()).isEqualTo("Deployment");
        assertThat(gvk.get(0).path("version").asText()).isEqualTo("v1");
        assertThat(definition("io.k8s.api.core.v1.PodSpec").has("x-kubernetes-group-version-kind")).isFalse();
    }

    @Test
    void descriptionsAndRequiredFieldsComeFromTheModel() {
        assertThat(definition("io.k8s.api.core.v1.ResourceRequirements").path("description").asText())
                .startsWith("ResourceRequirements describes the compute resource requirements");
        assertThat(property("io.k8s.api.core.v1.ResourceRequirements", "limits").path("description").asText())
                .startsWith("Limits describes the maximum amount of compute resources allowed");
        assertThat(required("io.k8s.api.core.v1.PodSpec")).containsExactly("containers");
        assertThat(required("io.k8s.api.core.v1.Container")).containsExactly("name");
        assertThat(required("io.k8s.api.apps.v1.DeploymentSpec")).containsExactlyInAnyOrder("selector", "template");
    }

    @Test
    void typesMapToOpenApiTypesAndReferences() {
        assertThat(property("io.k8s.api.apps.v1.DeploymentSpec", "replicas").path("type").asText()).isEqualTo("integer");
        assertThat(property("io.k8s.api.apps.v1.DeploymentSpec", "replicas").path("format").asText()).isEqualTo("int32");
        assertThat(property("io.k8s.api.core.v1.PodSpec", "activeDeadlineSeconds").path("format").asText()).isEqualTo("int64");
        assertThat(property("io.k8s.api.core.v1.PodSpec", "hostNetwork").path("type").asText()).isEqualTo("boolean");
        // Apps refers to core's PodTemplateSpec and meta's LabelSelector by their upstream names.
        assertThat(reference(property("io.k8s.api.apps.v1.DeploymentSpec", "template"))).isEqualTo("io.k8s.api.core.v1.PodTemplateSpec");
        assertThat(reference(property("io.k8s.api.apps.v1.DeploymentSpec", "selector")))
                .isEqualTo("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector");
        assertThat(reference(property("io.k8s.api.core.v1.Pod", "metadata"))).isEqualTo(MetaSchemas.OBJECT_META);
        assertThat(property("io.k8s.api.core.v1.PodSpec", "containers").path("items").path("$ref").asText())
                .isEqualTo(Schemas.V3_REF_PREFIX + "io.k8s.api.core.v1.Container");
        JsonNode limits = property("io.k8s.api.core.v1.ResourceRequirements", "limits");
        assertThat(limits.path("type").asText()).isEqualTo("object");
        assertThat(limits.path("additionalProperties").path("$ref").asText()).isEqualTo(Schemas.V3_REF_PREFIX + ModelCatalogue.QUANTITY);
        assertThat(reference(property("io.k8s.api.core.v1.PodCondition", "lastTransitionTime"))).isEqualTo(MetaSchemas.TIME);
        assertThat(reference(property("io.k8s.api.coordination.v1.LeaseSpec", "renewTime"))).isEqualTo(MetaSchemas.MICRO_TIME);
        assertThat(property("io.k8s.api.core.v1.Secret", "data").path("additionalProperties").path("format").asText()).isEqualTo("byte");
        assertThat(reference(property("io.k8s.api.core.v1.ContainerPort", "containerPort"))).isEmpty();
        assertThat(CATALOGUE.closure("io.k8s.api.apps.v1.Deployment"))
                .contains("io.k8s.api.core.v1.Container", ModelCatalogue.QUANTITY, ModelCatalogue.INT_OR_STRING)
                .doesNotContain(MetaSchemas.OBJECT_META);
    }

    @Test
    void patchExtensionsFollowThePatchMetaTable() {
        JsonNode containers = property("io.k8s.api.core.v1.PodSpec", "containers");
        assertThat(containers.path("x-kubernetes-patch-strategy").asText()).isEqualTo("merge");
        assertThat(containers.path("x-kubernetes-patch-merge-key").asText()).isEqualTo("name");
        assertThat(containers.path("x-kubernetes-list-type").asText()).isEqualTo("map");
        JsonNode volumes = property("io.k8s.api.core.v1.PodSpec", "volumes");
        assertThat(volumes.path("x-kubernetes-patch-strategy").asText()).isEqualTo("merge,retainKeys");
        assertThat(property("io.k8s.api.core.v1.Container", "env").path("x-kubernetes-patch-merge-key").asText()).isEqualTo("name");
        JsonNode ports = property("io.k8s.api.core.v1.Container", "ports");
        assertThat(ports.path("x-kubernetes-list-map-keys").toString()).isEqualTo("[\"containerPort\",\"protocol\"]");
        assertThat(property("io.k8s.api.apps.v1.DeploymentSpec", "strategy").path("x-kubernetes-patch-strategy").asText())
                .isEqualTo("retainKeys");
        assertThat(property("io.k8s.api.core.v1.NodeSpec", "podCIDRs").path("x-kubernetes-list-type").asText()).isEqualTo("set");
        assertThat(property("io.k8s.api.core.v1.PodSpec", "tolerations").has("x-kubernetes-patch-strategy")).isFalse();
    }

    @Test
    void metaSchemasCarryTheModelsDocumentation() {
        ObjectNode meta = MetaSchemas.all(java.util.List.of()).get(MetaSchemas.OBJECT_META);
        assertThat(meta.path("properties").path("labels").path("description").asText()).startsWith("Map of string keys and values");
        assertThat(meta.path("properties").path("ownerReferences").path("x-kubernetes-patch-merge-key").asText()).isEqualTo("uid");
    }

    @Test
    void theShippedCatalogueIsWhatReflectionOverTheModelGives() {
        // The server reads the resource written at build time; it must be the reflection's result, round-tripped.
        assertThat(ModelCatalogue.class.getResource(ModelCatalogue.RESOURCE)).isNotNull();
        ModelCatalogue reflected = ModelCatalogue.fromJson(dev.kapal.api.Json.parse(dev.kapal.api.Json.write(ModelReflection.build().toJson())));
        assertThat(reflected.toJson()).isEqualTo(CATALOGUE.toJson());
    }

    private static Set<String> required(String definition) {
        return StreamSupport.stream(definition(definition).path("required").spliterator(), false)
                .map(JsonNode::asText).collect(Collectors.toSet());
    }

    private static String reference(JsonNode property) {
        JsonNode ref = property.has("allOf") ? property.path("allOf").path(0).path("$ref") : property.path("$ref");
        return ref.asText("").replace(Schemas.V3_REF_PREFIX, "");
    }
}
