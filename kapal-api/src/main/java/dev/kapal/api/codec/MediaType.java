package dev.kapal.api.codec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One media type with its parameters, as found in {@code Accept} and {@code Content-Type}:
 * {@code application/json;as=Table;v=v1;g=meta.k8s.io}.
 *
 * @param type       lower-cased, {@code *} for a wildcard
 * @param subtype    lower-cased, {@code *} for a wildcard
 * @param parameters names lower-cased, values as sent (Kubernetes' {@code as=Table} is
 *                   case-sensitive), in header order, without {@code q}
 * @param quality    the {@code q} weight, 1 when absent, 0 when unparsable (as upstream)
 */
public record MediaType(String type, String subtype, Map<String, String> parameters, double quality) {
    public static final MediaType JSON = new MediaType("application", "json", Map.of(), 1);
    public static final MediaType YAML = new MediaType("application", "yaml", Map.of(), 1);
    public static final MediaType PROTOBUF = new MediaType("application", "vnd.kubernetes.protobuf", Map.of(), 1);

    public MediaType {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(subtype, "subtype");
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** {@code type/subtype} without parameters. */
    public String essence() {
        return type + "/" + subtype;
    }

    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name.toLowerCase(Locale.ROOT)));
    }

    /** Whether this (possibly wildcard) range accepts the concrete {@code type/subtype}. */
    public boolean accepts(String concreteType, String concreteSubtype) {
        return (type.equals("*") || type.equals(concreteType)) && (subtype.equals("*") || subtype.equals(concreteSubtype));
    }

    /**
     * Parses an {@code Accept} header into media ranges, most preferred first: higher
     * {@code q} first, then concrete types before wildcards, otherwise header order. Entries
     * that are not media ranges are skipped (upstream ignores them too); ranges with
     * {@code q=0} are kept, last, and mean "not acceptable". An empty header gives an empty
     * list: the caller applies its default (JSON for Kubernetes).
     */
    public static List<MediaType> parseAccept(String header) {
        List<MediaType> ranges = new ArrayList<>();
        for (String entry : split(header, ',')) {
            parse(entry, true).ifPresent(ranges::add);
        }
        // List.sort is stable, so equal preferences keep the client's order.
        ranges.sort(Comparator.comparingDouble(MediaType::quality).reversed()
                .thenComparing(range -> range.type.equals("*"))
                .thenComparing(range -> range.subtype.equals("*")));
        return List.copyOf(ranges);
    }

    /**
     * Parses a {@code Content-Type} header; empty when it is not a media type (the API server
     * answers 415 then). An absent header means JSON upstream; that default is the caller's.
     */
    public static Optional<MediaType> parseContentType(String header) {
        return parse(header, false).filter(type -> !type.type.equals("*") && !type.subtype.equals("*"));
    }

    private static Optional<MediaType> parse(String text, boolean acceptWildcard) {
        List<String> parts = split(text, ';');
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        String range = parts.get(0).trim().toLowerCase(Locale.ROOT);
        String type;
        String subtype;
        if (range.equals("*") && acceptWildcard) {
            type = "*";
            subtype = "*";
        } else {
            int slash = range.indexOf('/');
            if (slash <= 0 || slash == range.length() - 1 || range.indexOf('/', slash + 1) >= 0) {
                return Optional.empty();
            }
            type = range.substring(0, slash).trim();
            subtype = range.substring(slash + 1).trim();
            if (!isToken(type) || !isToken(subtype) || (type.equals("*") && !subtype.equals("*"))) {
                return Optional.empty();
            }
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        double quality = 1;
        for (String parameter : parts.subList(1, parts.size())) {
            int equals = parameter.indexOf('=');
            if (equals <= 0) {
                continue;
            }
            String name = parameter.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            String value = unquote(parameter.substring(equals + 1).trim());
            if (name.equals("q") && acceptWildcard) {
                quality = parseQuality(value);
            } else {
                parameters.put(name, value);
            }
        }
        return Optional.of(new MediaType(type, subtype, parameters, quality));
    }

    private static double parseQuality(String value) {
        try {
            double quality = Double.parseDouble(value);
            return Double.isFinite(quality) ? Math.max(0, Math.min(1, quality)) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch <= 0x20 || ch >= 0x7F || "()<>@,;:\\\"/[]?={}".indexOf(ch) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i < value.length() - 1; i++) {
                char ch = value.charAt(i);
                if (ch == '\\' && i + 1 < value.length() - 1) {
                    ch = value.charAt(++i);
                }
                out.append(ch);
            }
            return out.toString();
        }
        return value;
    }

    /** Splits on a separator outside quoted strings. */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == '\\' && quoted && i + 1 < text.length()) {
                current.append(ch).append(text.charAt(++i));
                continue;
            } else if (ch == separator && !quoted) {
                if (!current.toString().isBlank()) {
                    parts.add(current.toString());
                }
                current.setLength(0);
                continue;
            }
            current.append(ch);
        }
        if (!current.toString().isBlank()) {
            parts.add(current.toString());
        }
        return parts;
    }

    /** Header form: {@code type/subtype;name=value}, with {@code q} when it is not 1. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(essence());
        parameters.forEach((name, value) -> out.append(';').append(name).append('=').append(value));
        if (quality != 1) {
            out.append(";q=").append(quality);
        }
        return out.toString();
    }
}
