package dev.kapal.apiserver.discovery;

import static dev.kapal.apiserver.discovery.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapal.api.GroupVersionResource;
import dev.kapal.api.Json;
import dev.kapal.apiserver.registry.ResourceRegistry;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupList;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.APIVersions;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DiscoveryTest {
    static final String KUBECTL_ACCEPT = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
            + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    static final String KUBECTL_127_ACCEPT = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    static final String ADDRESS = "10.0.0.5:6443";

    private final ResourceRegistry registry = registry(CONFIGMAPS, NAMESPACES, DEPLOYMENTS);
    private final Discovery discovery = new Discovery(registry, VERSION, ADDRESS);

    private DiscoveryResponse get(String path, String accept) {
        return discovery.handle(path, accept, Optional.empty()).orElseThrow(() -> new AssertionError("no answer for " + path));
    }

    private DiscoveryResponse get(String path) {
        return get(path, "application/json");
    }

    @Test
    void apiListsTheCoreVersionAndTheAdvertisedAddress() {
        DiscoveryResponse response = get("/api");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).contains("application/json");
        assertThat(response.bodyText()).isEqualTo("""
                {"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"10.0.0.5:6443"}]}
                """);
    }

    @Test
    void apisListsNamedGroupsWithTheirPreferredVersion() {
        registry.register(List.of(WIDGETS_V1, WIDGETS_V1BETA1));
        assertThat(get("/apis").bodyText()).isEqualTo("""
                {"kind":"APIGroupList","apiVersion":"v1","groups":[\
                {"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}},\
                {"name":"example.com","versions":[{"groupVersion":"example.com/v1","version":"v1"},{"groupVersion":"example.com/v1beta1","version":"v1beta1"}],\
                "preferredVersion":{"groupVersion":"example.com/v1","version":"v1"}}]}
                """);
    }

    @Test
    void apisGroupIsAnApiGroup() {
        assertThat(get("/apis/apps").bodyText()).isEqualTo("""
                {"kind":"APIGroup","apiVersion":"v1","name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],\
                "preferredVersion":{"groupVersion":"apps/v1","version":"v1"}}
                """);
    }

    @Test
    void groupResourceListHasSubresourcesWithTheirOwnKindsAndVerbs() {
        assertThat(get("/apis/apps/v1").bodyText()).isEqualTo("""
                {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"apps/v1","resources":[\
                {"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment",\
                "verbs":["create","delete","deletecollection","get","list","patch","update","watch"],\
                "shortNames":["deploy"],"categories":["all"],"storageVersionHash":"8aSe+NMegvE="},\
                {"name":"deployments/scale","singularName":"","namespaced":true,"group":"autoscaling","version":"v1","kind":"Scale","verbs":["get","patch","update"]},\
                {"name":"deployments/status","singularName":"","namespaced":true,"kind":"Deployment","verbs":["get","patch","update"]}]}
                """);
    }

    @Test
    void coreResourceListHasNoApiVersionAndSortsSubresourcesAfterTheirParent() {
        assertThat(get("/api/v1").bodyText()).isEqualTo("""
                {"kind":"APIResourceList","groupVersion":"v1","resources":[\
                {"name":"configmaps","singularName":"configmap","namespaced":true,"kind":"ConfigMap",\
                "verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["cm"],"storageVersionHash":"qFsyl6wFWjQ="},\
                {"name":"namespaces","singularName":"namespace","namespaced":false,"kind":"Namespace",\
                "verbs":["create","delete","get","list","patch","update","watch"],"shortNames":["ns"],"storageVersionHash":"Q3oi5N2YM8M="},\
                {"name":"namespaces/finalize","singularName":"","namespaced":false,"kind":"Namespace","verbs":["update"]},\
                {"name":"namespaces/status","singularName":"","namespaced":false,"kind":"Namespace","verbs":["get","patch","update"]}]}
                """);
    }

    @Test
    void podSubresourcesAreListedAsUpstreamDoes() {
        Discovery pods = new Discovery(registry(PODTEMPLATES, PODS, BINDINGS), VERSION, ADDRESS);
        JsonNode list = Json.parse(pods.handle("/api/v1", "", Optional.empty()).orElseThrow().body());
        List<String> names = list.get("resources").findValuesAsText("name");
        assertThat(names).containsExactly("bindings", "pods", "pods/attach", "pods/binding", "pods/ephemeralcontainers",
                "pods/eviction", "pods/exec", "pods/log", "pods/portforward", "pods/proxy", "pods/resize", "pods/status",
                "podtemplates");
        JsonNode resources = list.get("resources");
        assertThat(resources.get(0).has("storageVersionHash")).as("virtual bindings are not stored").isFalse();
        assertThat(resources.get(1).get("storageVersionHash").asText()).isEqualTo("xPOwRZ+Yhw8=");
        assertThat(resources.get(5).toString()).isEqualTo(
                "{\"name\":\"pods/eviction\",\"singularName\":\"\",\"namespaced\":true,\"group\":\"policy\",\"version\":\"v1\",\"kind\":\"Eviction\",\"verbs\":[\"create\"]}");
        assertThat(resources.get(3).toString()).isEqualTo(
                "{\"name\":\"pods/binding\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"Binding\",\"verbs\":[\"create\"]}");
        assertThat(resources.get(6).get("verbs").toString()).isEqualTo("[\"create\",\"get\"]");
        assertThat(resources.get(6).get("kind").asText()).isEqualTo("PodExecOptions");
        assertThat(resources.get(9).get("verbs").toString()).isEqualTo("[\"create\",\"delete\",\"get\",\"patch\",\"update\"]");
        assertThat(resources.get(9).get("kind").asText()).isEqualTo("PodProxyOptions");
    }

    @Test
    void aggregatedApisIsAGroupDiscoveryListInV2() {
        DiscoveryResponse response = get("/apis", KUBECTL_ACCEPT);
        assertThat(response.contentType()).contains("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
        assertThat(response.header("Vary")).contains("Accept");
        assertThat(response.bodyText()).isEqualTo("""
                {"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","metadata":{},"items":[\
                {"metadata":{"name":"apps","creationTimestamp":null},"versions":[{"version":"v1","resources":[\
                {"resource":"deployments","responseKind":{"group":"apps","version":"v1","kind":"Deployment"},"scope":"Namespaced",\
                "singularResource":"deployment","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],\
                "shortNames":["deploy"],"categories":["all"],"subresources":[\
                {"subresource":"scale","responseKind":{"group":"autoscaling","version":"v1","kind":"Scale"},"verbs":["get","patch","update"]},\
                {"subresource":"status","responseKind":{"group":"apps","version":"v1","kind":"Deployment"},"verbs":["get","patch","update"]}]}],\
                "freshness":"Current"}]}]}
                """);
    }

    @Test
    void aggregatedApiHoldsOnlyTheCoreGroupWithoutAName() {
        JsonNode list = Json.parse(get("/api", KUBECTL_ACCEPT).body());
        assertThat(list.get("items")).hasSize(1);
        JsonNode core = list.get("items").get(0);
        assertThat(core.get("metadata").toString()).isEqualTo("{\"creationTimestamp\":null}");
        JsonNode resources = core.get("versions").get(0).get("resources");
        assertThat(resources.findValuesAsText("resource")).containsExactly("configmaps", "namespaces");
        JsonNode namespaces = resources.get(1);
        assertThat(namespaces.get("scope").asText()).isEqualTo("Cluster");
        assertThat(namespaces.get("responseKind").toString()).isEqualTo("{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Namespace\"}");
        assertThat(namespaces.get("subresources").findValuesAsText("subresource")).containsExactly("finalize", "status");
        assertThat(resources.get(0).has("subresources")).isFalse();
        assertThat(resources.get(0).has("categories")).isFalse();
    }

    @Test
    void aggregatedVersionsListThePreferredVersionFirst() {
        registry.register(List.of(WIDGETS_V1, WIDGETS_V1BETA1));
        JsonNode list = Json.parse(get("/apis", KUBECTL_ACCEPT).body());
        JsonNode widgets = list.get("items").get(1);
        assertThat(widgets.get("metadata").get("name").asText()).isEqualTo("example.com");
        assertThat(widgets.get("versions").valueStream().map(version -> version.get("version").asText()))
                .containsExactly("v1", "v1beta1");
        assertThat(widgets.get("versions").get(1).get("resources").get(0).get("categories").toString())
                .isEqualTo("[\"all\",\"examples\"]");
    }

    @Test
    void negotiationPrefersV2ThenV2beta1ThenPlainJson() {
        assertThat(get("/apis", KUBECTL_ACCEPT).contentType())
                .contains(DiscoveryMediaType.AGGREGATED_V2.contentType());
        DiscoveryResponse beta = get("/apis", KUBECTL_127_ACCEPT);
        assertThat(beta.contentType()).contains("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList");
        assertThat(Json.parse(beta.body()).get("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2beta1");
        assertThat(Json.parse(get("/apis", "application/json").body()).get("kind").asText()).isEqualTo("APIGroupList");
        assertThat(Json.parse(get("/apis", "").body()).get("kind").asText()).isEqualTo("APIGroupList");
        assertThat(Json.parse(get("/apis", "*/*").body()).get("kind").asText()).isEqualTo("APIGroupList");
        assertThat(Json.parse(get("/api", "application/json, */*").body()).get("kind").asText()).isEqualTo("APIVersions");
    }

    @Test
    void negotiationHonoursQualityAndSkipsWhatWeDoNotServe() {
        String weighted = "application/json;q=0.5,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList;q=0.9";
        assertThat(get("/apis", weighted).contentType()).contains(DiscoveryMediaType.AGGREGATED_V2BETA1.contentType());
        String protobufFirst = "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                + "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
        assertThat(get("/apis", protobufFirst).contentType()).contains(DiscoveryMediaType.AGGREGATED_V2.contentType());
        assertThat(get("/apis", "application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json").contentType())
                .contains("application/json");
        assertThat(get("/apis", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json").contentType())
                .contains("application/json");
        assertThat(get("/apis", "application/json;q=0").status()).isEqualTo(406);
    }

    @Test
    void aggregatedIsOnlyOfferedAtApiAndApis() {
        DiscoveryResponse withFallback = get("/apis/apps/v1", KUBECTL_ACCEPT);
        assertThat(withFallback.contentType()).contains("application/json");
        assertThat(Json.parse(withFallback.body()).get("kind").asText()).isEqualTo("APIResourceList");
        assertThat(withFallback.header("Vary")).isEmpty();

        DiscoveryResponse onlyAggregated = get("/apis/apps/v1", DiscoveryMediaType.AGGREGATED_V2.contentType());
        assertThat(onlyAggregated.status()).isEqualTo(406);
        JsonNode status = Json.parse(onlyAggregated.body());
        assertThat(status.get("kind").asText()).isEqualTo("Status");
        assertThat(status.get("reason").asText()).isEqualTo("NotAcceptable");
        assertThat(status.get("code").asInt()).isEqualTo(406);
        assertThat(get("/apis", "application/yaml").status()).isEqualTo(406);
    }

    @Test
    void unknownPathsGroupsAndVersionsAreEmpty() {
        assertThat(discovery.handle("/apis/nope", "", Optional.empty())).isEmpty();
        assertThat(discovery.handle("/apis/apps/v2", "", Optional.empty())).isEmpty();
        assertThat(discovery.handle("/api/v2", "", Optional.empty())).isEmpty();
        assertThat(discovery.handle("/apis/apps/v1/deployments", "", Optional.empty())).isEmpty();
        assertThat(discovery.handle("/healthz", "", Optional.empty())).isEmpty();
        assertThat(discovery.handle("/apis/", "", Optional.empty())).isPresent();
    }

    @Test
    void everyAnswerHasAnEtagAndAMatchingIfNoneMatchGets304() {
        for (String path : List.of("/api", "/apis", "/api/v1", "/apis/apps", "/apis/apps/v1", "/version")) {
            DiscoveryResponse first = get(path, KUBECTL_ACCEPT);
            String etag = first.header("ETag").orElseThrow();
            assertThat(etag).as(path).matches("\"[0-9A-F]{128}\"");
            DiscoveryResponse cached = discovery.handle(path, KUBECTL_ACCEPT, Optional.of(etag)).orElseThrow();
            assertThat(cached.status()).as(path).isEqualTo(304);
            assertThat(cached.body()).isEmpty();
            assertThat(cached.contentType()).isEmpty();
            assertThat(cached.header("ETag")).contains(etag);
            DiscoveryResponse stale = discovery.handle(path, KUBECTL_ACCEPT, Optional.of("\"other\"")).orElseThrow();
            assertThat(stale.status()).as(path).isEqualTo(200);
        }
    }

    @Test
    void ifNoneMatchAcceptsListsWeakTagsAndStar() {
        String etag = get("/apis", KUBECTL_ACCEPT).header("ETag").orElseThrow();
        assertThat(discovery.handle("/apis", KUBECTL_ACCEPT, Optional.of("\"x\", W/" + etag)).orElseThrow().status()).isEqualTo(304);
        assertThat(discovery.handle("/apis", KUBECTL_ACCEPT, Optional.of("*")).orElseThrow().status()).isEqualTo(304);
    }

    @Test
    void representationsHaveDistinctEtags() {
        String v2 = get("/apis", KUBECTL_ACCEPT).header("ETag").orElseThrow();
        String v2beta1 = get("/apis", KUBECTL_127_ACCEPT).header("ETag").orElseThrow();
        String plain = get("/apis", "application/json").header("ETag").orElseThrow();
        assertThat(List.of(v2, v2beta1, plain)).doesNotHaveDuplicates();
        DiscoveryResponse plainWithV2Tag = discovery.handle("/apis", "application/json", Optional.of(v2)).orElseThrow();
        assertThat(plainWithV2Tag.status()).isEqualTo(200);
    }

    @Test
    void servingTheSameGenerationReusesTheRenderedBytes() {
        assertThat(get("/apis", KUBECTL_ACCEPT).body()).isSameAs(get("/apis", KUBECTL_ACCEPT).body());
        assertThat(get("/api/v1").body()).isSameAs(get("/api/v1").body());
    }

    @Test
    void aRegistryChangeIsVisibleOnTheNextRequest() {
        DiscoveryResponse before = get("/apis", KUBECTL_ACCEPT);
        assertThat(discovery.handle("/apis/example.com/v1", "", Optional.empty())).isEmpty();

        registry.register(List.of(WIDGETS_V1));
        DiscoveryResponse after = get("/apis", KUBECTL_ACCEPT);
        assertThat(after.header("ETag")).isNotEqualTo(before.header("ETag"));
        assertThat(discovery.handle("/apis", KUBECTL_ACCEPT, before.header("ETag")).orElseThrow().status()).isEqualTo(200);
        assertThat(Json.parse(after.body()).get("items").findValuesAsText("name")).containsExactly("apps", "example.com");
        assertThat(get("/apis/example.com/v1").status()).isEqualTo(200);
        assertThat(get("/apis/example.com").status()).isEqualTo(200);

        registry.unregister(List.of(new GroupVersionResource("example.com", "v1", "widgets")));
        assertThat(discovery.handle("/apis/example.com/v1", "", Optional.empty())).isEmpty();
        assertThat(discovery.handle("/apis/example.com", "", Optional.empty())).isEmpty();
        assertThat(get("/apis", KUBECTL_ACCEPT).bodyText()).isEqualTo(before.bodyText());
    }

    @Test
    void anUnknownSubresourceFailsLoudly() {
        Discovery broken = new Discovery(registry(new dev.kapal.apiserver.registry.ResourceDefinition(
                new dev.kapal.api.ResourceInfo(APPS_V1, "things", "thing", "Thing", "ThingList", true,
                        List.of("get"), List.of(), List.of(), java.util.Set.of("mystery"), "things"),
                dev.kapal.apiserver.registry.Strategy.DEFAULT)), VERSION, ADDRESS);
        assertThatThrownBy(() -> broken.handle("/apis", "", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("things/mystery");
    }

    @Test
    void fabric8ReadsTheLegacyDocuments() {
        registry.register(List.of(WIDGETS_V1, WIDGETS_V1BETA1));
        APIVersions versions = Serialization.unmarshal(get("/api").bodyText(), APIVersions.class);
        assertThat(versions.getVersions()).containsExactly("v1");
        assertThat(versions.getServerAddressByClientCIDRs().getFirst().getServerAddress()).isEqualTo(ADDRESS);

        APIGroupList groups = Serialization.unmarshal(get("/apis").bodyText(), APIGroupList.class);
        assertThat(groups.getGroups()).extracting(APIGroup::getName).containsExactly("apps", "example.com");
        assertThat(groups.getGroups().get(1).getPreferredVersion().getGroupVersion()).isEqualTo("example.com/v1");

        APIGroup apps = Serialization.unmarshal(get("/apis/apps").bodyText(), APIGroup.class);
        assertThat(apps.getVersions().getFirst().getVersion()).isEqualTo("v1");

        APIResourceList list = Serialization.unmarshal(get("/apis/apps/v1").bodyText(), APIResourceList.class);
        assertThat(list.getGroupVersion()).isEqualTo("apps/v1");
        APIResource scale = list.getResources().get(1);
        assertThat(scale.getName()).isEqualTo("deployments/scale");
        assertThat(scale.getGroup()).isEqualTo("autoscaling");
        assertThat(scale.getKind()).isEqualTo("Scale");
        assertThat(list.getResources().getFirst().getShortNames()).containsExactly("deploy");
        assertThat(list.getResources().getFirst().getNamespaced()).isTrue();

        APIResourceList core = Serialization.unmarshal(get("/api/v1").bodyText(), APIResourceList.class);
        assertThat(core.getResources()).extracting(APIResource::getName)
                .containsExactly("configmaps", "namespaces", "namespaces/finalize", "namespaces/status");
    }

    @Test
    void versionIsServedWithItsFieldsInUpstreamOrder() {
        DiscoveryResponse response = get("/version");
        assertThat(response.contentType()).contains("application/json");
        assertThat(response.bodyText()).isEqualTo("""
                {"major":"1","minor":"33","emulationMajor":"1","emulationMinor":"33","minCompatibilityMajor":"1",\
                "minCompatibilityMinor":"32","gitVersion":"v1.33.5+kapal","gitCommit":"0123456789abcdef0123456789abcdef01234567",\
                "gitTreeState":"clean","buildDate":"2025-09-10T12:00:00Z","goVersion":"go1.24.6","compiler":"gc","platform":"linux/amd64"}
                """);
        io.fabric8.kubernetes.client.VersionInfo fabric8 = Serialization.unmarshal(response.bodyText(),
                io.fabric8.kubernetes.client.VersionInfo.class);
        assertThat(fabric8.getMajor()).isEqualTo("1");
        assertThat(fabric8.getMinor()).isEqualTo("33");
        assertThat(fabric8.getGitVersion()).isEqualTo("v1.33.5+kapal");
    }
}
