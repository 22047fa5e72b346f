package dev.kapal.apiserver.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapal.api.GroupVersion;
import dev.kapal.api.GroupVersionResource;
import dev.kapal.api.ResourceInfo;
import dev.kapal.apiserver.registry.ResourceDefinition;
import dev.kapal.apiserver.registry.ResourceRegistry;
import dev.kapal.apiserver.registry.ScaleSpec;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BuiltinKindsTest {
    private final List<ResourceDefinition> all = BuiltinKinds.all();

    private ResourceInfo info(String apiVersion, String plural) {
        GroupVersionResource gvr = new GroupVersionResource(GroupVersion.parse(apiVersion).group(),
                GroupVersion.parse(apiVersion).version(), plural);
        return all.stream().map(ResourceDefinition::info).filter(i -> i.gvr().equals(gvr)).findFirst().orElseThrow();
    }

    @Test
    void noResourceIsDeclaredTwice() {
        Set<GroupVersionResource> seen = new HashSet<>();
        for (ResourceDefinition definition : all) {
            assertThat(seen.add(definition.info().gvr())).as(definition.info().gvr().toString()).isTrue();
        }
    }

    @Test
    void groupsFollowUpstreamPriorityWithCoreFirstAndAutoscalingV2Preferred() {
        ResourceRegistry registry = new ResourceRegistry();
        registry.register(all);
        assertThat(registry.snapshot().groupVersions()).extracting(GroupVersion::apiVersion).containsExactly(
                "v1", "apps/v1", "events.k8s.io/v1", "authentication.k8s.io/v1", "authorization.k8s.io/v1",
                "autoscaling/v2", "autoscaling/v1", "batch/v1", "certificates.k8s.io/v1", "networking.k8s.io/v1",
                "policy/v1", "rbac.authorization.k8s.io/v1", "storage.k8s.io/v1",
                "admissionregistration.k8s.io/v1", "apiextensions.k8s.io/v1", "scheduling.k8s.io/v1",
                "coordination.k8s.io/v1", "discovery.k8s.io/v1");
    }

    @Test
    void resourcesOfAGroupVersionAreAlphabeticalAsInUpstreamDiscovery() {
        ResourceRegistry registry = new ResourceRegistry();
        registry.register(all);
        for (GroupVersion groupVersion : registry.snapshot().groupVersions()) {
            List<String> plurals = registry.snapshot().resources(groupVersion).stream()
                    .map(d -> d.info().plural()).toList();
            assertThat(plurals).as(groupVersion.apiVersion()).isSorted();
        }
    }

    @Test
    void shortNamesAreUniqueExceptBetweenVersionsOfTheSameStoredResource() {
        Map<String, String> owner = new HashMap<>();
        for (ResourceDefinition definition : all) {
            String stored = definition.info().storageResource();
            for (String shortName : definition.info().shortNames()) {
                String previous = owner.putIfAbsent(shortName, stored);
                assertThat(previous == null || previous.equals(stored)).as(shortName).isTrue();
            }
        }
        assertThat(owner).containsEntry("deploy", "deployments").containsEntry("svc", "services")
                .containsEntry("crds", "customresourcedefinitions").containsEntry("ev", "events")
                .containsEntry("limits", "limitranges").containsEntry("quota", "resourcequotas")
                .containsEntry("pc", "priorityclasses").containsEntry("netpol", "networkpolicies");
    }

    @Test
    void verbsAreKnownAndInUpstreamOrder() {
        for (ResourceDefinition definition : all) {
            List<String> verbs = definition.info().verbs();
            assertThat(verbs).as(definition.info().gvr().toString()).isNotEmpty()
                    .isSubsetOf(ResourceInfo.ALL_VERBS);
            List<String> inOrder = ResourceInfo.ALL_VERBS.stream().filter(verbs::contains).toList();
            assertThat(verbs).isEqualTo(inOrder);
        }
    }

    @Test
    void namespacesCannotBeDeletedAsACollectionAndReviewsOnlyCreated() {
        assertThat(info("v1", "namespaces").verbs()).doesNotContain("deletecollection").contains("delete", "watch");
        assertThat(info("v1", "bindings").verbs()).containsExactly("create");
        assertThat(info("authorization.k8s.io/v1", "selfsubjectaccessreviews").verbs()).containsExactly("create");
        assertThat(info("authentication.k8s.io/v1", "tokenreviews").verbs()).containsExactly("create");
        assertThat(info("v1", "services").verbs()).isEqualTo(ResourceInfo.ALL_VERBS);
        assertThat(info("v1", "events").verbs()).isEqualTo(ResourceInfo.ALL_VERBS);
    }

    @Test
    void reviewsAndBindingsAreMarkedForDedicatedHandlers() {
        List<String> handled = all.stream().filter(BuiltinKinds::isServedByHandler)
                .map(d -> d.info().plural()).toList();
        assertThat(handled).containsExactlyInAnyOrder("bindings", "selfsubjectreviews", "tokenreviews",
                "localsubjectaccessreviews", "selfsubjectaccessreviews", "selfsubjectrulesreviews",
                "subjectaccessreviews");
    }

    @Test
    void theAllCategoryHoldsTheWorkloadsAndServices() {
        Set<String> inAll = new HashSet<>();
        all.stream().filter(d -> d.info().categories().contains("all")).forEach(d -> inAll.add(d.info().plural()));
        assertThat(inAll).containsExactlyInAnyOrder("pods", "services", "replicationcontrollers", "deployments",
                "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs", "horizontalpodautoscalers");
        assertThat(info("apiextensions.k8s.io/v1", "customresourcedefinitions").categories())
                .containsExactly("api-extensions");
    }

    @Test
    void aliasesShareStorage() {
        assertThat(info("events.k8s.io/v1", "events").keyPrefix()).isEqualTo(info("v1", "events").keyPrefix());
        assertThat(info("autoscaling/v1", "horizontalpodautoscalers").keyPrefix())
                .isEqualTo(info("autoscaling/v2", "horizontalpodautoscalers").keyPrefix());
        assertThat(info("v1", "endpoints").singular()).isEqualTo("endpoints");
        assertThat(info("v1", "configmaps").listKind()).isEqualTo("ConfigMapList");
    }

    @Test
    void workloadsWithScaleMapOntoReplicas() {
        Map<String, Optional<ScaleSpec>> scales = new HashMap<>();
        all.stream().filter(d -> d.info().hasSubresource("scale")).forEach(d -> scales.put(d.info().plural(), d.scale()));
        assertThat(scales).containsOnlyKeys("deployments", "replicasets", "statefulsets", "replicationcontrollers");
        assertThat(scales.values()).allMatch(scale -> scale.equals(Optional.of(ScaleSpec.WORKLOAD)));
    }

    @Test
    void subresourcesHaveTheirDiscoveryKindAndVerbs() {
        ResourceInfo pods = info("v1", "pods");
        assertThat(pods.subresources()).containsExactlyInAnyOrder("status", "binding", "eviction", "log", "exec", "attach", "portforward");
        assertThat(BuiltinKinds.subresource(pods, "eviction").orElseThrow().kind().groupVersion().apiVersion())
                .isEqualTo("policy/v1");
        assertThat(BuiltinKinds.subresource(pods, "status").orElseThrow().verbs()).containsExactly("get", "patch", "update");
        for (ResourceDefinition definition : all) {
            for (String name : definition.info().subresources()) {
                assertThat(BuiltinKinds.subresource(definition.info(), name)).as(name).isPresent();
            }
        }
    }

    @Test
    void systemPriorityClassesAreTheUpstreamPair() {
        assertThat(BuiltinKinds.SYSTEM_PRIORITY_CLASSES).extracting(o -> o.at("/metadata/name").asText())
                .containsExactly("system-node-critical", "system-cluster-critical");
        assertThat(BuiltinKinds.systemPriorityClasses().get(1).get("value").asLong()).isEqualTo(2_000_000_000L);
        assertThat(BuiltinKinds.systemPriorityClasses().get(0).get("value").asLong()).isEqualTo(2_000_001_000L);
    }

    @Test
    void nameRulesFollowUpstream() {
        assertThat(BuiltinKinds.nameRule(info("v1", "services")).check("1abc")).isNotEmpty();
        assertThat(BuiltinKinds.nameRule(info("v1", "namespaces")).check("a.b")).isNotEmpty();
        assertThat(BuiltinKinds.nameRule(info("v1", "configmaps")).check("a.b")).isEmpty();
        assertThat(BuiltinKinds.nameRule(info("rbac.authorization.k8s.io/v1", "clusterroles")).check("system:admin"))
                .isEmpty();
        assertThat(BuiltinKinds.nameRule(info("rbac.authorization.k8s.io/v1", "roles")).check("a/b"))
                .containsExactly("may not contain '/'");
    }
}
