package dev.kapal.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of field paths as a trie whose edges are path elements in their FieldsV1 spelling:
 * {@code f:<field>}, {@code k:<json object of key fields>}, {@code v:<json value>}, {@code i:<index>}.
 * A node is a member when its own path is in the set; {@code {".":{}}} in FieldsV1 marks a member
 * that also has members below it.
 *
 * <p>Mutable while built (by the walks in this package); sets handed out are treated as values:
 * the set operations return new tries and never modify their operands. Children iterate in
 * upstream's order (fields, then keys, then values, then indexes), which is the FieldsV1 order.
 */
public final class FieldSet {
    /** Upstream orders path elements by kind (field name, key, value, index), then by content. */
    static final Comparator<String> ORDER = (left, right) -> {
        int kind = Integer.compare(rank(left), rank(right));
        if (kind != 0) {
            return kind;
        }
        if (left.startsWith("i:")) {
            return Long.compare(Long.parseLong(left.substring(2)), Long.parseLong(right.substring(2)));
        }
        return left.compareTo(right);
    };

    private boolean member;
    private TreeMap<String, FieldSet> children;

    public FieldSet() {
    }

    private static int rank(String element) {
        return switch (element.charAt(0)) {
            case 'f' -> 0;
            case 'k' -> 1;
            case 'v' -> 2;
            default -> 3;
        };
    }

    /** The empty set. */
    public static FieldSet empty() {
        return new FieldSet();
    }

    public boolean member() {
        return member;
    }

    void markMember() {
        member = true;
    }

    /** The child at {@code element}, created when absent (building only). */
    FieldSet child(String element) {
        if (children == null) {
            children = new TreeMap<>(ORDER);
        }
        return children.computeIfAbsent(element, ignored -> new FieldSet());
    }

    /** The child at {@code element}, or null. */
    FieldSet get(String element) {
        return children == null ? null : children.get(element);
    }

    Map<String, FieldSet> children() {
        return children == null ? Map.of() : children;
    }

    /** Drops the child at {@code element} when nothing in it is a member (building only). */
    void dropIfEmpty(String element) {
        if (children != null) {
            FieldSet child = children.get(element);
            if (child != null && child.isEmpty()) {
                children.remove(element);
            }
        }
    }

    /** True when no path is a member. */
    public boolean isEmpty() {
        if (member) {
            return false;
        }
        if (children != null) {
            for (FieldSet child : children.values()) {
                if (!child.isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** True when {@code path} (a list of path elements) is a member. */
    public boolean contains(List<String> path) {
        FieldSet node = this;
        for (String element : path) {
            node = node.get(element);
            if (node == null) {
                return false;
            }
        }
        return node.member;
    }

    /** Adds one path (building only). */
    public FieldSet insert(List<String> path) {
        FieldSet node = this;
        for (String element : path) {
            node = node.child(element);
        }
        node.member = true;
        return this;
    }

    public FieldSet copy() {
        FieldSet copy = new FieldSet();
        copy.member = member;
        if (children != null) {
            children.forEach((element, child) -> copy.child(element).setFrom(child.copy()));
        }
        return copy;
    }

    private void setFrom(FieldSet other) {
        member = other.member;
        children = other.children;
    }

    /** Every path in either set. */
    public FieldSet union(FieldSet other) {
        FieldSet result = copy();
        result.addAll(other);
        return result;
    }

    private void addAll(FieldSet other) {
        member |= other.member;
        other.children().forEach((element, child) -> child(element).addAll(child));
    }

    /** The paths of this set that are not in {@code other}. */
    public FieldSet difference(FieldSet other) {
        FieldSet result = new FieldSet();
        result.member = member && !other.member;
        children().forEach((element, child) -> {
            FieldSet otherChild = other.get(element);
            FieldSet kept = otherChild == null ? child.copy() : child.difference(otherChild);
            if (!kept.isEmpty()) {
                result.child(element).setFrom(kept);
            }
        });
        return result;
    }

    /** The paths in both sets. */
    public FieldSet intersection(FieldSet other) {
        FieldSet result = new FieldSet();
        result.member = member && other.member;
        children().forEach((element, child) -> {
            FieldSet otherChild = other.get(element);
            if (otherChild != null) {
                FieldSet kept = child.intersection(otherChild);
                if (!kept.isEmpty()) {
                    result.child(element).setFrom(kept);
                }
            }
        });
        return result;
    }

    /** This set without the paths at or below any member of {@code prefixes}. */
    public FieldSet withoutPrefixes(FieldSet prefixes) {
        if (prefixes.member) {
            return new FieldSet();
        }
        FieldSet result = new FieldSet();
        result.member = member;
        children().forEach((element, child) -> {
            FieldSet prefix = prefixes.get(element);
            FieldSet kept = prefix == null ? child.copy() : child.withoutPrefixes(prefix);
            if (!kept.isEmpty()) {
                result.child(element).setFrom(kept);
            }
        });
        return result;
    }

    /** Every member path, depth first in FieldsV1 order. */
    public List<List<String>> paths() {
        List<List<String>> result = new ArrayList<>();
        collect(new ArrayList<>(), result);
        return result;
    }

    private void collect(List<String> prefix, List<List<String>> into) {
        if (member) {
            into.add(List.copyOf(prefix));
        }
        children().forEach((element, child) -> {
            prefix.add(element);
            child.collect(prefix, into);
            prefix.remove(prefix.size() - 1);
        });
    }

    /** The FieldsV1 form: {@code {"f:metadata":{"f:labels":{"f:app":{}}}}}. */
    public ObjectNode toFieldsV1() {
        ObjectNode json = Json.object();
        children().forEach((element, child) -> {
            if (!child.isEmpty()) {
                json.set(element, child.nodeJson());
            }
        });
        return json;
    }

    private ObjectNode nodeJson() {
        ObjectNode json = Json.object();
        boolean hasChildren = false;
        for (FieldSet child : children().values()) {
            if (!child.isEmpty()) {
                hasChildren = true;
                break;
            }
        }
        if (member && hasChildren) {
            json.set(".", Json.object());
        }
        children().forEach((element, child) -> {
            if (!child.isEmpty()) {
                json.set(element, child.nodeJson());
            }
        });
        return json;
    }

    /**
     * Reads FieldsV1.
     *
     * @throws IllegalArgumentException when {@code json} is not FieldsV1
     */
    public static FieldSet fromFieldsV1(JsonNode json) {
        FieldSet set = new FieldSet();
        read(json, set, true);
        return set;
    }

    private static void read(JsonNode json, FieldSet into, boolean root) {
        if (!json.isObject()) {
            throw new IllegalArgumentException("FieldsV1 nodes must be objects");
        }
        if (!root && json.isEmpty()) {
            into.member = true;
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String element = entry.getKey();
            if (element.equals(".")) {
                if (root) {
                    throw new IllegalArgumentException("the root of FieldsV1 cannot be a member");
                }
                into.member = true;
                continue;
            }
            if (element.length() < 3 || element.charAt(1) != ':' || "fkvi".indexOf(element.charAt(0)) < 0) {
                throw new IllegalArgumentException("unknown path element " + element);
            }
            if (element.startsWith("i:")) {
                try {
                    Long.parseLong(element.substring(2));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad index " + element);
                }
            }
            read(entry.getValue(), into.child(element), false);
        }
    }

    /**
     * A path as upstream prints it in conflicts: {@code .spec.containers[name="app"].image},
     * {@code .metadata.finalizers[="x"]}, {@code .spec.args[0]}.
     */
    public static String render(List<String> path) {
        StringBuilder out = new StringBuilder();
        for (String element : path) {
            String body = element.substring(2);
            switch (element.charAt(0)) {
                case 'f' -> out.append('.').append(body);
                case 'i' -> out.append('[').append(body).append(']');
                case 'v' -> out.append("[=").append(body).append(']');
                default -> {
                    out.append('[');
                    JsonNode keys = Json.parse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    boolean first = true;
                    for (Iterator<Map.Entry<String, JsonNode>> it = keys.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> key = it.next();
                        if (!first) {
                            out.append(',');
                        }
                        first = false;
                        out.append(key.getKey()).append('=').append(Json.writeString(key.getValue()));
                    }
                    out.append(']');
                }
            }
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FieldSet set && toFieldsV1().equals(set.toFieldsV1());
    }

    @Override
    public int hashCode() {
        return toFieldsV1().hashCode();
    }

    @Override
    public String toString() {
        return Json.writeString(toFieldsV1());
    }
}
