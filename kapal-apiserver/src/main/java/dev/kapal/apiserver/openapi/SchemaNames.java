package dev.kapal.apiserver.openapi;

import dev.kapal.api.GroupVersionKind;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The names upstream files kinds under in OpenAPI documents, and the names its operation ids are
 * built from.
 *
 * <p>Built-in kinds are named after their Go package: {@code io.k8s.api.<group's first label>.<version>.<Kind>}
 * ({@code io.k8s.api.core.v1.ConfigMap}, {@code io.k8s.api.rbac.v1.Role}), with the
 * apiextensions and apiregistration groups living in their own modules. Custom resources are named
 * by their reversed group ({@code stable.example.com/v1 CronTab} is
 * {@code com.example.stable.v1.CronTab}).
 */
public final class SchemaNames {
    private SchemaNames() {
    }

    public static String of(GroupVersionKind kind, boolean builtin) {
        return (builtin ? builtinPackage(kind.group()) : reversed(kind.group())) + "." + kind.version() + "." + kind.kind();
    }

    /** The list kind's name, next to its item kind. */
    public static String ofList(GroupVersionKind kind, String listKind, boolean builtin) {
        return of(new GroupVersionKind(kind.group(), kind.version(), listKind), builtin);
    }

    private static String builtinPackage(String group) {
        return switch (group) {
            case "" -> "io.k8s.api.core";
            case "apiextensions.k8s.io" -> "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions";
            case "apiregistration.k8s.io" -> "io.k8s.kube-aggregator.pkg.apis.apiregistration";
            case "internal.apiserver.k8s.io" -> "io.k8s.api.apiserverinternal";
            default -> "io.k8s.api." + group.split("\\.", 2)[0];
        };
    }

    private static String reversed(String group) {
        List<String> labels = Arrays.asList(group.split("\\."));
        Collections.reverse(labels);
        return String.join(".", labels);
    }

    /**
     * The group-version as operation ids spell it: {@code CoreV1}, {@code AppsV1},
     * {@code RbacAuthorizationV1}, {@code StableExampleComV1} (the {@code .k8s.io} suffix dropped,
     * every label capitalized).
     */
    public static String operationGroupVersion(String group, String version) {
        return friendlyGroup(group) + capitalize(version);
    }

    /** The tag upstream groups operations under: {@code core_v1}, {@code rbacAuthorization_v1}. */
    public static String tag(String group, String version) {
        String friendly = friendlyGroup(group);
        return friendly.substring(0, 1).toLowerCase(Locale.ROOT) + friendly.substring(1) + "_" + version;
    }

    private static String friendlyGroup(String group) {
        if (group.isEmpty()) {
            return "Core";
        }
        String trimmed = group.endsWith(".k8s.io") ? group.substring(0, group.length() - ".k8s.io".length()) : group;
        StringBuilder result = new StringBuilder();
        for (String label : trimmed.split("[.-]")) {
            result.append(capitalize(label));
        }
        return result.toString();
    }

    static String capitalize(String word) {
        return word.isEmpty() ? word : word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1);
    }
}
