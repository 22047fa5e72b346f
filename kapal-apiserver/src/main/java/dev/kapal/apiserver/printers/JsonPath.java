package dev.kapal.apiserver.printers;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The JSONPath subset CRD printer columns use: field steps ({@code .spec.replicas}), quoted
 * fields ({@code ['app.kubernetes.io/name']}), indexes ({@code [0]}, {@code [-1]}), wildcards
 * ({@code [*]}) and equality filters ({@code [?(@.type=="Ready")]}). Missing keys yield no
 * result rather than an error, as upstream's printer allows missing keys.
 */
final class JsonPath {
    private final List<Step> steps;

    private JsonPath(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    private sealed interface Step permits Field, Index, Wildcard, Filter {
    }

    private record Field(String name) implements Step {
        Field {
            Objects.requireNonNull(name, "name");
        }
    }

    private record Index(int index) implements Step {
    }

    private record Wildcard() implements Step {
    }

    private record Filter(JsonPath path, String expected) implements Step {
        Filter {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(expected, "expected");
        }
    }

    /** Parses a path, with or without the surrounding braces; empty when it is outside the subset. */
    static Optional<JsonPath> parse(String text) {
        String path = text.strip();
        if (path.startsWith("{") && path.endsWith("}")) {
            path = path.substring(1, path.length() - 1).strip();
        }
        if (path.startsWith("$")) {
            path = path.substring(1);
        }
        List<Step> steps = new ArrayList<>();
        int i = 0;
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c == '.') {
                int end = i + 1;
                while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
                String name = path.substring(i + 1, end);
                if (name.isEmpty()) {
                    return Optional.empty();
                }
                steps.add(name.equals("*") ? new Wildcard() : new Field(name));
                i = end;
            } else if (c == '[') {
                int end = closing(path, i);
                if (end < 0) {
                    return Optional.empty();
                }
                Optional<Step> step = bracket(path.substring(i + 1, end).strip());
                if (step.isEmpty()) {
                    return Optional.empty();
                }
                steps.add(step.get());
                i = end + 1;
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(new JsonPath(steps));
    }

    private static int closing(String path, int open) {
        boolean quoted = false;
        char quote = 0;
        int depth = 0;
        for (int i = open; i < path.length(); i++) {
            char c = path.charAt(i);
            if (quoted) {
                if (c == quote) {
                    quoted = false;
                }
            } else if (c == '\'' || c == '"') {
                quoted = true;
                quote = c;
            } else if (c == '[') {
                depth++;
            } else if (c == ']' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static Optional<Step> bracket(String inside) {
        if (inside.equals("*")) {
            return Optional.of(new Wildcard());
        }
        if (isQuoted(inside)) {
            return Optional.of(new Field(inside.substring(1, inside.length() - 1)));
        }
        if (inside.startsWith("?(") && inside.endsWith(")")) {
            String condition = inside.substring(2, inside.length() - 1).strip();
            int equals = condition.indexOf("==");
            if (!condition.startsWith("@") || equals < 0) {
                return Optional.empty();
            }
            String value = condition.substring(equals + 2).strip();
            Optional<JsonPath> left = parse(condition.substring(1, equals).strip());
            if (left.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Filter(left.get(), isQuoted(value) ? value.substring(1, value.length() - 1) : value));
        }
        try {
            return Optional.of(new Index(Integer.parseInt(inside)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean isQuoted(String text) {
        return text.length() >= 2 && (text.charAt(0) == '\'' || text.charAt(0) == '"')
                && text.charAt(text.length() - 1) == text.charAt(0);
    }

    /** The values the path selects, in document order; empty when nothing matches. */
    List<JsonNode> evaluate(JsonNode root) {
        List<JsonNode> current = List.of(root);
        for (Step step : steps) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : current) {
                switch (step) {
                    case Field(String name) -> {
                        if (node.isObject() && node.has(name)) {
                            next.add(node.get(name));
                        }
                    }
                    case Index(int index) -> {
                        if (node.isArray()) {
                            int position = index < 0 ? node.size() + index : index;
                            if (position >= 0 && position < node.size()) {
                                next.add(node.get(position));
                            }
                        }
                    }
                    case Wildcard() -> node.forEach(next::add);
                    case Filter(JsonPath path, String expected) -> {
                        if (node.isArray()) {
                            for (JsonNode item : node) {
                                List<JsonNode> values = path.evaluate(item);
                                if (!values.isEmpty() && values.get(0).isValueNode()
                                        && CustomResourcePrinter.goText(values.get(0)).equals(expected)) {
                                    next.add(item);
                                }
                            }
                        }
                    }
                }
            }
            current = next;
        }
        return current;
    }
}
