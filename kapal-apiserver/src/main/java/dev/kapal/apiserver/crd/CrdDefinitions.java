package dev.kapal.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapal.api.GroupVersion;
import dev.kapal.api.ResourceInfo;
import dev.kapal.apiserver.registry.ResourceDefinition;
import dev.kapal.apiserver.registry.ScaleSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a stored CRD: its names, and one {@link ResourceDefinition} per served version. */
final class CrdDefinitions {
    private static final Pattern KUBE_VERSION = Pattern.compile("^v(\\d+)(?:(alpha|beta)(\\d+))?$");

    /**
     * Upstream's version priority, used for the order of versions in discovery (the first is the
     * preferred version): GA before beta before alpha, higher numbers first, then anything else
     * alphabetically.
     */
    static final Comparator<String> VERSION_PRIORITY = Comparator
            .comparingInt(CrdDefinitions::stability)
            .thenComparing(Comparator.comparingLong(CrdDefinitions::major).reversed())
            .thenComparing(Comparator.comparingLong(CrdDefinitions::minor).reversed())
            .thenComparing(Comparator.naturalOrder());

    private CrdDefinitions() {
    }

    /** The names a CRD asks for ({@code spec.names}) or was given ({@code status.acceptedNames}). */
    record Names(String plural, String singular, String kind, String listKind, List<String> shortNames,
                 List<String> categories) {
        Names {
            shortNames = List.copyOf(shortNames);
            categories = List.copyOf(categories);
        }

        static Names of(JsonNode names) {
            String kind = names.path("kind").asText("");
            return new Names(names.path("plural").asText(""),
                    names.path("singular").asText(kind.toLowerCase(java.util.Locale.ROOT)),
                    kind, names.path("listKind").asText(kind.isEmpty() ? "" : kind + "List"),
                    texts(names.path("shortNames")), texts(names.path("categories")));
        }

        /** Every name a resource answers to in kubectl (kinds aside). */
        Set<String> resourceNames() {
            Set<String> all = new LinkedHashSet<>();
            all.add(plural);
            all.add(singular);
            all.addAll(shortNames);
            all.remove("");
            return all;
        }
    }

    /** The definitions of every served version, in version priority order. */
    static List<ResourceDefinition> served(JsonNode crd, Names names, boolean terminating) {
        JsonNode spec = crd.path("spec");
        String group = spec.path("group").asText();
        boolean namespaced = !"Cluster".equals(spec.path("scope").asText());
        List<JsonNode> versions = new ArrayList<>();
        spec.path("versions").forEach(version -> {
            if (version.path("served").asBoolean(false)) {
                versions.add(version);
            }
        });
        versions.sort(Comparator.comparing(version -> version.path("name").asText(), VERSION_PRIORITY));
        List<ResourceDefinition> definitions = new ArrayList<>();
        for (JsonNode version : versions) {
            JsonNode subresources = version.path("subresources");
            Set<String> served = new LinkedHashSet<>();
            if (subresources.has("status")) {
                served.add("status");
            }
            Optional<ScaleSpec> scale = Optional.empty();
            if (subresources.has("scale")) {
                served.add("scale");
                JsonNode scaleNode = subresources.get("scale");
                scale = Optional.of(new ScaleSpec(scaleNode.path("specReplicasPath").asText(".spec.replicas"),
                        scaleNode.path("statusReplicasPath").asText(".status.replicas"),
                        scaleNode.path("labelSelectorPath").asText("")));
            }
            ResourceInfo info = new ResourceInfo(new GroupVersion(group, version.path("name").asText()),
                    names.plural(), names.singular(), names.kind(), names.listKind(), namespaced,
                    ResourceInfo.ALL_VERBS, names.shortNames(), names.categories(), served,
                    group + "/" + names.plural());
            JsonNode schema = version.path("schema").path("openAPIV3Schema");
            StructuralSchema structural = schema.isObject() ? new StructuralSchema(schema) : StructuralSchema.PRESERVE_ALL;
            definitions.add(new ResourceDefinition(info, new CustomResourceStrategy(structural, terminating,
                    printer(version.path("additionalPrinterColumns"), group, names.kind())), scale));
        }
        return definitions;
    }

    /** The version's printer columns, or upstream's default table when a column's path does not parse. */
    static dev.kapal.apiserver.printers.TablePrinter printer(JsonNode columns, String group, String kind) {
        return dev.kapal.apiserver.printers.CustomResourcePrinter.of(columns)
                .<dev.kapal.apiserver.printers.TablePrinter>map(printer -> printer)
                .orElseGet(() -> dev.kapal.apiserver.printers.Printers.builtin().forKind(group, kind));
    }

    static List<String> texts(JsonNode array) {
        List<String> result = new ArrayList<>();
        array.forEach(item -> result.add(item.asText()));
        return result;
    }

    private static int stability(String version) {
        Matcher matcher = KUBE_VERSION.matcher(version);
        if (!matcher.matches()) {
            return 3;
        }
        String level = matcher.group(2);
        return level == null ? 0 : level.equals("beta") ? 1 : 2;
    }

    private static long major(String version) {
        Matcher matcher = KUBE_VERSION.matcher(version);
        return matcher.matches() ? parse(matcher.group(1)) : 0;
    }

    private static long minor(String version) {
        Matcher matcher = KUBE_VERSION.matcher(version);
        return matcher.matches() && matcher.group(3) != null ? parse(matcher.group(3)) : 0;
    }

    private static long parse(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
