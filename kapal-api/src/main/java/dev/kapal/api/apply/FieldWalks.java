package dev.kapal.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The tree walks of server-side apply over JSON values typed by a {@link FieldType}: the field set
 * of a value, the comparison of two values, the apply merge and the pruning of fields an applier
 * gave up. A value whose shape does not match its type (an object where a scalar is declared) is
 * treated as a leaf. {@code exclude} sets name paths the walks skip entirely (apiVersion, kind,
 * the server-owned metadata fields).
 */
public final class FieldWalks {
    private FieldWalks() {
    }

    /** A comparison: paths added, changed and removed going from the old value to the new one. */
    public record Comparison(FieldSet added, FieldSet modified, FieldSet removed) {
        /** Added and modified: what the writer of the new value now manages. */
        public FieldSet changed() {
            return added.union(modified);
        }
    }

    // ---------------------------------------------------------------- path elements

    /** The path element of a list item: its keys, its value or its index. */
    static String itemElement(FieldType list, JsonNode item, int index) {
        return switch (list.listKind()) {
            case SET -> "v:" + Json.writeString(item);
            case MAP -> {
                if (!item.isObject()) {
                    yield "i:" + index;
                }
                TreeMap<String, JsonNode> keys = new TreeMap<>();
                for (String key : list.keys()) {
                    JsonNode value = item.get(key);
                    if (value == null || value.isNull()) {
                        value = list.keyDefaults().get(key);
                    }
                    if (value != null && !value.isNull()) {
                        keys.put(key, value);
                    }
                }
                if (keys.isEmpty()) {
                    yield "i:" + index;
                }
                StringBuilder out = new StringBuilder("k:{");
                boolean first = true;
                for (Map.Entry<String, JsonNode> key : keys.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    out.append(Json.writeString(com.fasterxml.jackson.databind.node.TextNode.valueOf(key.getKey())))
                            .append(':').append(Json.writeString(key.getValue()));
                }
                yield out.append('}').toString();
            }
            case ATOMIC -> "i:" + index;
        };
    }

    private static boolean granularObject(FieldType type, JsonNode value) {
        return value != null && value.isObject()
                && (type.shape() == FieldType.Shape.DEDUCED || type.shape() == FieldType.Shape.MAP && !type.atomic());
    }

    private static boolean granularList(FieldType type, JsonNode value) {
        return value != null && value.isArray() && type.shape() == FieldType.Shape.LIST && !type.atomic();
    }

    private static boolean named(FieldType type, String field) {
        return type.shape() == FieldType.Shape.MAP && type.field(field).isPresent();
    }

    /** The items of a granular list by path element, in list order (a repeated element keeps its last item). */
    private static LinkedHashMap<String, JsonNode> items(FieldType type, JsonNode list) {
        LinkedHashMap<String, JsonNode> items = new LinkedHashMap<>();
        if (list != null && list.isArray()) {
            for (int i = 0; i < list.size(); i++) {
                items.put(itemElement(type, list.get(i), i), list.get(i));
            }
        }
        return items;
    }

    // ---------------------------------------------------------------- field sets

    /**
     * The fields a value sets, as upstream's ToFieldSet: leaves, list items, map entries that are
     * not named struct fields, and empty or null fields.
     */
    public static FieldSet fieldSet(JsonNode value, FieldType type, FieldSet exclude) {
        FieldSet set = new FieldSet();
        visit(value, type, set, exclude);
        return set;
    }

    private static void visit(JsonNode value, FieldType type, FieldSet node, FieldSet exclude) {
        if (granularObject(type, value)) {
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String element = "f:" + entry.getKey();
                FieldSet excluded = exclude.get(element);
                if (excluded != null && excluded.member()) {
                    continue;
                }
                JsonNode child = entry.getValue();
                FieldSet childNode = node.child(element);
                visit(child, type.entry(entry.getKey()), childNode, excluded == null ? EMPTY : excluded);
                if (child.isNull() || child.isObject() && child.isEmpty() || !named(type, entry.getKey())) {
                    childNode.markMember();
                }
                node.dropIfEmpty(element);
            }
        } else if (granularList(type, value)) {
            FieldType element = type.element();
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                FieldSet childNode = node.child(itemElement(type, item, i));
                visit(item, element, childNode, EMPTY);
                childNode.markMember();
            }
        } else if (!(value.isArray() && type.shape() == FieldType.Shape.LIST && !type.atomic())) {
            node.markMember();
        }
    }

    private static final FieldSet EMPTY = new FieldSet();

    // ---------------------------------------------------------------- comparison

    /**
     * Compares two values (either may be null: absent): leaves that differ are modified, paths
     * present on one side only are added or removed — every node of such a subtree, so a map or
     * list item that appears is itself a member, as upstream's Compare reports it.
     */
    public static Comparison compare(JsonNode left, JsonNode right, FieldType type, FieldSet exclude) {
        Comparison result = new Comparison(new FieldSet(), new FieldSet(), new FieldSet());
        compareChildren(left, right, type, result.added(), result.modified(), result.removed(), exclude);
        return result;
    }

    private static void compareNode(JsonNode left, JsonNode right, FieldType type, FieldSet added, FieldSet modified,
                                    FieldSet removed, FieldSet exclude) {
        JsonNode sample = right != null ? right : left;
        boolean container = granularObject(type, sample) || granularList(type, sample);
        boolean sameShape = left == null || right == null
                || left.isObject() && right.isObject() || left.isArray() && right.isArray();
        if (container && sameShape) {
            compareChildren(left, right, type, added, modified, removed, exclude);
            if (left == null) {
                added.markMember();
            } else if (right == null) {
                removed.markMember();
            }
            return;
        }
        if (left == null) {
            added.markMember();
        } else if (right == null) {
            removed.markMember();
        } else if (!left.equals(right)) {
            modified.markMember();
        }
    }

    private static void compareChildren(JsonNode left, JsonNode right, FieldType type, FieldSet added,
                                        FieldSet modified, FieldSet removed, FieldSet exclude) {
        JsonNode sample = right != null ? right : left;
        if (sample.isObject()) {
            Set<String> seen = new HashSet<>();
            if (right != null) {
                for (Iterator<String> it = right.fieldNames(); it.hasNext(); ) {
                    String name = it.next();
                    seen.add(name);
                    compareField(name, left == null ? null : left.get(name), right.get(name), type, added, modified,
                            removed, exclude);
                }
            }
            if (left != null) {
                for (Iterator<String> it = left.fieldNames(); it.hasNext(); ) {
                    String name = it.next();
                    if (!seen.contains(name)) {
                        compareField(name, left.get(name), null, type, added, modified, removed, exclude);
                    }
                }
            }
        } else {
            LinkedHashMap<String, JsonNode> leftItems = items(type, left);
            LinkedHashMap<String, JsonNode> rightItems = items(type, right);
            FieldType element = type.element();
            for (Map.Entry<String, JsonNode> item : rightItems.entrySet()) {
                compareItem(item.getKey(), leftItems.get(item.getKey()), item.getValue(), element, added, modified, removed);
            }
            for (Map.Entry<String, JsonNode> item : leftItems.entrySet()) {
                if (!rightItems.containsKey(item.getKey())) {
                    compareItem(item.getKey(), item.getValue(), null, element, added, modified, removed);
                }
            }
        }
    }

    private static void compareField(String name, JsonNode left, JsonNode right, FieldType type, FieldSet added,
                                     FieldSet modified, FieldSet removed, FieldSet exclude) {
        String element = "f:" + name;
        FieldSet excluded = exclude.get(element);
        if (excluded != null && excluded.member()) {
            return;
        }
        compareNode(left, right, type.entry(name), added.child(element), modified.child(element),
                removed.child(element), excluded == null ? EMPTY : excluded);
        added.dropIfEmpty(element);
        modified.dropIfEmpty(element);
        removed.dropIfEmpty(element);
    }

    private static void compareItem(String element, JsonNode left, JsonNode right, FieldType type, FieldSet added,
                                    FieldSet modified, FieldSet removed) {
        compareNode(left, right, type, added.child(element), modified.child(element), removed.child(element), EMPTY);
        added.dropIfEmpty(element);
        modified.dropIfEmpty(element);
        removed.dropIfEmpty(element);
    }

    // ---------------------------------------------------------------- merge

    /**
     * The apply merge of {@code config} into {@code live}: granular maps merge per field, granular
     * lists per item (config order, with items only the live list has kept where they were),
     * everything else is replaced by the config's value. A null in the config removes the field.
     * Neither input is modified.
     */
    public static JsonNode merge(JsonNode live, JsonNode config, FieldType type) {
        if (config == null) {
            return live == null ? null : live.deepCopy();
        }
        if (live == null) {
            return config.deepCopy();
        }
        if (granularObject(type, config) && live.isObject()) {
            ObjectNode out = Json.object();
            for (Iterator<Map.Entry<String, JsonNode>> it = live.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                JsonNode applied = config.get(entry.getKey());
                if (applied == null) {
                    out.set(entry.getKey(), entry.getValue().deepCopy());
                } else if (!applied.isNull()) {
                    out.set(entry.getKey(), merge(entry.getValue(), applied, type.entry(entry.getKey())));
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (!live.has(entry.getKey()) && !entry.getValue().isNull()) {
                    out.set(entry.getKey(), entry.getValue().deepCopy());
                }
            }
            return out;
        }
        if (granularList(type, config) && live.isArray()) {
            FieldType element = type.element();
            LinkedHashMap<String, JsonNode> liveItems = items(type, live);
            LinkedHashMap<String, JsonNode> configItems = items(type, config);
            List<String> liveOrder = new ArrayList<>(liveItems.keySet());
            List<String> configOrder = new ArrayList<>(configItems.keySet());
            Set<String> emitted = new HashSet<>();
            ArrayNode out = Json.array();
            int l = 0;
            int r = 0;
            // Two cursors: items only the live list has are kept where the live cursor meets them;
            // shared and new items come in the configuration's order.
            while (l < liveOrder.size() || r < configOrder.size()) {
                if (l < liveOrder.size()) {
                    String liveKey = liveOrder.get(l);
                    if (!configItems.containsKey(liveKey)) {
                        out.add(liveItems.get(liveKey).deepCopy());
                        l++;
                        continue;
                    }
                    if (emitted.contains(liveKey)) {
                        l++;
                        continue;
                    }
                }
                if (r < configOrder.size()) {
                    String key = configOrder.get(r++);
                    emitted.add(key);
                    JsonNode merged = merge(liveItems.get(key), configItems.get(key), element);
                    if (merged != null) {
                        out.add(merged);
                    }
                } else {
                    l++;
                }
            }
            return out;
        }
        return config.deepCopy();
    }

    // ---------------------------------------------------------------- pruning

    /**
     * Removes, in place, what an applier gave up: every path it managed before ({@code last}) that
     * nobody manages now ({@code owned}, every manager's set after the apply, its own included) —
     * with the subtree under it. Fields nobody ever managed (defaults) stay; a map the pruning
     * emptied goes unless someone owns it as such.
     */
    public static void prune(JsonNode value, FieldType type, FieldSet last, FieldSet owned) {
        prune(value, type, last, owned, false);
    }

    /**
     * @param typed whether emptied lists go too, as they do for built-in kinds (Go drops empty
     *              lists); a custom resource keeps {@code []}
     */
    public static void prune(JsonNode value, FieldType type, FieldSet last, FieldSet owned, boolean typed) {
        if (granularObject(type, value)) {
            ObjectNode object = (ObjectNode) value;
            List<String> remove = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String element = "f:" + entry.getKey();
                FieldSet lastChild = last.get(element);
                if (lastChild == null || lastChild.isEmpty()) {
                    continue;
                }
                FieldSet ownedChild = owned.get(element);
                boolean ownedAny = ownedChild != null && !ownedChild.isEmpty();
                if (lastChild.member() && !ownedAny) {
                    remove.add(entry.getKey());
                } else if (!entry.getValue().isEmpty()) {
                    prune(entry.getValue(), type.entry(entry.getKey()), lastChild, ownedAny ? ownedChild : EMPTY, typed);
                    if ((entry.getValue().isObject() || typed && entry.getValue().isArray()) && entry.getValue().isEmpty()
                            && (ownedChild == null || !ownedChild.member())) {
                        // A map emptied by the pruning and owned by nobody as such goes, as an
                        // empty map does once typed (labels, annotations, data).
                        remove.add(entry.getKey());
                    }
                }
            }
            remove.forEach(object::remove);
        } else if (granularList(type, value)) {
            ArrayNode array = (ArrayNode) value;
            FieldType element = type.element();
            for (int i = array.size() - 1; i >= 0; i--) {
                String path = itemElement(type, array.get(i), i);
                FieldSet lastChild = last.get(path);
                if (lastChild == null || lastChild.isEmpty()) {
                    continue;
                }
                FieldSet ownedChild = owned.get(path);
                boolean ownedAny = ownedChild != null && !ownedChild.isEmpty();
                if (lastChild.member() && !ownedAny) {
                    array.remove(i);
                } else {
                    prune(array.get(i), element, lastChild, ownedAny ? ownedChild : EMPTY, typed);
                }
            }
        }
    }
}
