package dev.kapal.apiserver.discovery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The representations discovery can answer with, and the negotiation over a client's
 * {@code Accept} header.
 *
 * <p>kubectl 1.30–1.33 (client-go discovery) send
 * {@code application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,
 * application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json};
 * kubectl 1.27–1.29 only knew v2beta1; fabric8 and client-java send plain JSON. The first
 * acceptable entry wins (after ordering by {@code q}), so a client listing v2 first gets v2.
 * The response's Content-Type echoes the chosen type with its parameters, which is how
 * client-go recognises an aggregated answer.
 */
public enum DiscoveryMediaType {
    /** The legacy documents: APIVersions, APIGroupList, APIGroup, APIResourceList. */
    JSON("application/json", ""),
    /** {@code APIGroupDiscoveryList} in {@code apidiscovery.k8s.io/v2} (GA since 1.30). */
    AGGREGATED_V2("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", "v2"),
    /** {@code APIGroupDiscoveryList} in {@code apidiscovery.k8s.io/v2beta1} (kubectl 1.27–1.29). */
    AGGREGATED_V2BETA1("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList", "v2beta1");

    public static final String AGGREGATED_GROUP = "apidiscovery.k8s.io";
    public static final String AGGREGATED_KIND = "APIGroupDiscoveryList";

    private final String contentType;
    private final String aggregatedVersion;

    DiscoveryMediaType(String contentType, String aggregatedVersion) {
        this.contentType = contentType;
        this.aggregatedVersion = aggregatedVersion;
    }

    /** The exact Content-Type to answer with. */
    public String contentType() {
        return contentType;
    }

    public boolean aggregated() {
        return switch (this) {
            case JSON -> false;
            case AGGREGATED_V2, AGGREGATED_V2BETA1 -> true;
        };
    }

    /** {@code apidiscovery.k8s.io/v2} or {@code .../v2beta1}; only meaningful when {@link #aggregated()}. */
    public String apiVersion() {
        return AGGREGATED_GROUP + "/" + aggregatedVersion;
    }

    /**
     * Picks the representation for {@code accept} (empty header: plain JSON). Aggregated types
     * are only candidates where {@code aggregatedAllowed} (upstream serves them at {@code /api}
     * and {@code /apis} only). Empty when nothing acceptable is offered: the caller answers 406.
     */
    public static Optional<DiscoveryMediaType> negotiate(String accept, boolean aggregatedAllowed) {
        if (accept.isBlank()) {
            return Optional.of(JSON);
        }
        List<Range> ranges = new ArrayList<>();
        int position = 0;
        for (String entry : accept.split(",")) {
            Range.parse(entry, position++).ifPresent(ranges::add);
        }
        // Stable: equal weights keep the client's order, which is how clients state preference.
        ranges.sort(Comparator.comparingDouble(Range::quality).reversed().thenComparingInt(Range::position));
        for (Range range : ranges) {
            if (range.quality() <= 0) {
                continue;
            }
            Optional<DiscoveryMediaType> match = range.match(aggregatedAllowed);
            if (match.isPresent()) {
                return match;
            }
        }
        return Optional.empty();
    }

    private record Range(String type, String subtype, String group, String version, String as, double quality, int position) {
        static Optional<Range> parse(String entry, int position) {
            String[] parts = entry.split(";");
            String mediaRange = parts[0].trim().toLowerCase(Locale.ROOT);
            int slash = mediaRange.indexOf('/');
            if (slash <= 0) {
                return Optional.empty();
            }
            String group = "";
            String version = "";
            String as = "";
            double quality = 1.0;
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].trim();
                int equals = parameter.indexOf('=');
                if (equals <= 0) {
                    continue;
                }
                String key = parameter.substring(0, equals).trim().toLowerCase(Locale.ROOT);
                String value = unquote(parameter.substring(equals + 1).trim());
                switch (key) {
                    case "g" -> group = value;
                    case "v" -> version = value;
                    case "as" -> as = value;
                    case "q" -> quality = parseQuality(value);
                    default -> {
                        // charset, profile, stream ...: not part of the choice
                    }
                }
            }
            return Optional.of(new Range(mediaRange.substring(0, slash), mediaRange.substring(slash + 1),
                    group, version, as, quality, position));
        }

        Optional<DiscoveryMediaType> match(boolean aggregatedAllowed) {
            boolean json = ("application".equals(type) && ("json".equals(subtype) || "*".equals(subtype)))
                    || ("*".equals(type) && "*".equals(subtype));
            if (!json) {
                return Optional.empty(); // yaml and protobuf are not served here
            }
            if (as.isEmpty() && group.isEmpty() && version.isEmpty()) {
                return Optional.of(JSON);
            }
            if (!aggregatedAllowed || !AGGREGATED_KIND.equals(as) || !AGGREGATED_GROUP.equals(group)) {
                // e.g. as=Table or an aggregated type where only legacy documents exist
                return Optional.empty();
            }
            return switch (version) {
                case "v2" -> Optional.of(AGGREGATED_V2);
                case "v2beta1" -> Optional.of(AGGREGATED_V2BETA1);
                default -> Optional.empty();
            };
        }

        private static String unquote(String value) {
            return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                    ? value.substring(1, value.length() - 1)
                    : value;
        }

        private static double parseQuality(String value) {
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                return 0; // a malformed weight rules the entry out rather than failing the request
            }
        }
    }
}
