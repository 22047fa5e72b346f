package dev.kapal.apiserver.discovery;

import dev.kapal.api.GroupVersion;
import dev.kapal.api.ResourceInfo;
import dev.kapal.apiserver.registry.ResourceDefinition;
import dev.kapal.apiserver.registry.ResourceRegistry;
import dev.kapal.apiserver.registry.ScaleSpec;
import dev.kapal.apiserver.registry.Strategy;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Hand-made catalogue entries shaped like upstream's. */
final class Fixtures {
    static final GroupVersion APPS_V1 = new GroupVersion("apps", "v1");

    static final ResourceDefinition CONFIGMAPS = new ResourceDefinition(new ResourceInfo(
            GroupVersion.CORE_V1, "configmaps", "configmap", "ConfigMap", "ConfigMapList", true,
            ResourceInfo.ALL_VERBS, List.of("cm"), List.of(), Set.of(), "configmaps"), Strategy.DEFAULT);

    static final ResourceDefinition DEPLOYMENTS = new ResourceDefinition(new ResourceInfo(
            APPS_V1, "deployments", "deployment", "Deployment", "DeploymentList", true,
            ResourceInfo.ALL_VERBS, List.of("deploy"), List.of("all"), Set.of("status", "scale"), "deployments"),
            Strategy.DEFAULT, Optional.of(ScaleSpec.WORKLOAD));

    static final ResourceDefinition NAMESPACES = new ResourceDefinition(new ResourceInfo(
            GroupVersion.CORE_V1, "namespaces", "namespace", "Namespace", "NamespaceList", false,
            List.of("create", "delete", "get", "list", "patch", "update", "watch"), List.of("ns"), List.of(),
            Set.of("status", "finalize"), "namespaces"), Strategy.DEFAULT);

    static final ResourceDefinition PODS = new ResourceDefinition(new ResourceInfo(
            GroupVersion.CORE_V1, "pods", "pod", "Pod", "PodList", true,
            ResourceInfo.ALL_VERBS, List.of("po"), List.of("all"),
            Set.of("status", "binding", "eviction", "log", "exec", "attach", "portforward", "proxy", "ephemeralcontainers", "resize"),
            "pods"), Strategy.DEFAULT);

    static final ResourceDefinition PODTEMPLATES = new ResourceDefinition(new ResourceInfo(
            GroupVersion.CORE_V1, "podtemplates", "podtemplate", "PodTemplate", "PodTemplateList", true,
            ResourceInfo.ALL_VERBS, List.of(), List.of(), Set.of(), "podtemplates"), Strategy.DEFAULT);

    static final ResourceDefinition BINDINGS = new ResourceDefinition(new ResourceInfo(
            GroupVersion.CORE_V1, "bindings", "binding", "Binding", "BindingList", true,
            List.of("create"), List.of(), List.of(), Set.of(), "bindings"), Strategy.DEFAULT);

    static final ResourceDefinition WIDGETS_V1 = widgets("v1");
    static final ResourceDefinition WIDGETS_V1BETA1 = widgets("v1beta1");

    static ResourceDefinition widgets(String version) {
        return new ResourceDefinition(new ResourceInfo(
                new GroupVersion("example.com", version), "widgets", "widget", "Widget", "WidgetList", false,
                ResourceInfo.ALL_VERBS, List.of("wd"), List.of("all", "examples"), Set.of("status"), "example.com/widgets"),
                Strategy.DEFAULT);
    }

    static ResourceRegistry registry(ResourceDefinition... definitions) {
        ResourceRegistry registry = new ResourceRegistry();
        registry.register(List.of(definitions));
        return registry;
    }

    static final VersionInfo VERSION = new VersionInfo("1", "33", "1", "33", "1", "32", "v1.33.5+kapal",
            "0123456789abcdef0123456789abcdef01234567", "clean", "2025-09-10T12:00:00Z", "go1.24.6", "gc", "linux/amd64");

    private Fixtures() {
    }
}
