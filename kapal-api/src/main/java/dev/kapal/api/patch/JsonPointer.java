package dev.kapal.api.patch;

import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 6901 JSON pointer: {@code ""} is the whole document, {@code /a/0/b~1c} the member
 * {@code b/c} of the first element of {@code a}.
 *
 * @param tokens the unescaped reference tokens, outermost first
 */
public record JsonPointer(List<String> tokens) {
    public static final JsonPointer ROOT = new JsonPointer(List.of());

    public JsonPointer {
        tokens = List.copyOf(tokens);
    }

    /**
     * Parses a pointer. Like the JSON patch library Kubernetes uses, an unknown escape such as
     * {@code ~2} is kept literally rather than refused.
     *
     * @throws PatchFailure when the pointer is neither empty nor starts with {@code /}
     */
    static JsonPointer parse(String text) {
        if (text.isEmpty()) {
            return ROOT;
        }
        if (text.charAt(0) != '/') {
            throw new PatchFailure("JSON pointer must be empty or start with '/': " + text);
        }
        List<String> tokens = new ArrayList<>();
        for (String raw : text.substring(1).split("/", -1)) {
            // ~1 first: "~01" is the literal "~1", not "/".
            tokens.add(raw.replace("~1", "/").replace("~0", "~"));
        }
        return new JsonPointer(tokens);
    }

    public boolean isRoot() {
        return tokens.isEmpty();
    }

    JsonPointer parent() {
        return new JsonPointer(tokens.subList(0, tokens.size() - 1));
    }

    String last() {
        return tokens.get(tokens.size() - 1);
    }

    JsonPointer child(String token) {
        List<String> extended = new ArrayList<>(tokens);
        extended.add(token);
        return new JsonPointer(extended);
    }

    /** Whether this pointer is a proper prefix of {@code other} (so other lies inside it). */
    boolean isProperPrefixOf(JsonPointer other) {
        return tokens.size() < other.tokens.size() && other.tokens.subList(0, tokens.size()).equals(tokens);
    }

    /** The escaped text form. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (String token : tokens) {
            out.append('/').append(token.replace("~", "~0").replace("/", "~1"));
        }
        return out.toString();
    }
}
