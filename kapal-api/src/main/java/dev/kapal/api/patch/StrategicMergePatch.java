package dev.kapal.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.GroupVersionKind;
import dev.kapal.api.Json;
import dev.kapal.api.StatusReason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Kubernetes strategic merge patch ({@code application/strategic-merge-patch+json}), applied the
 * way kube-apiserver applies it (k8s.io/apimachinery {@code strategicpatch}, with the server's
 * options: parallel deletion lists are merged, nulls not matching anything are dropped).
 *
 * <p>Semantics, by the field's {@link PatchMeta}:
 * <ul>
 *   <li>Maps merge key by key; {@code null} deletes a key. A map field tagged {@code replace} is
 *       replaced whole.</li>
 *   <li>Lists tagged {@code merge} with a merge key merge element-wise: a patch element updates
 *       the element with the same key value (recursively) or is appended; an element
 *       {@code {"$patch":"delete", <key>: v}} deletes every element with key value {@code v};
 *       an element {@code {"$patch":"replace"}} makes the other patch elements the whole list.
 *       Lists of primitives tagged {@code merge} are set unions, and
 *       {@code $deleteFromPrimitiveList/<list>: [...]} removes values. Other lists are replaced.</li>
 *   <li>{@code "$patch": "replace"} inside a map makes the rest of that map its new value;
 *       {@code "$patch": "delete"} empties it.</li>
 *   <li>{@code "$retainKeys": [...]} clears every key of the map not listed (after checking the
 *       patch sets no unlisted key).</li>
 *   <li>Order of merged lists: {@code $setElementOrder/<list>} (kubectl sends it) orders the
 *       elements it names; otherwise patch elements keep the patch's relative order and the
 *       server's other elements keep theirs, interleaved by their positions in the server's list.</li>
 * </ul>
 *
 * <p>Failures follow kube-apiserver: a body that is not a JSON object is a 400; malformed
 * {@code $retainKeys}, {@code $setElementOrder} or {@code $deleteFromPrimitiveList} directives
 * are 400s; lists of lists and patches contradicting {@code $retainKeys}-free checks are 422s
 * with upstream's generic message; other failures (an unknown {@code $patch} value, a missing
 * merge key) are what upstream returns for untyped errors, a 500 carrying the message.
 *
 * <p>Values copied in whole (a new key, an appended element, a replaced list) lose {@code null}
 * members and {@code $}-directive keys, which is what decoding into the typed object upstream
 * amounts to (built-in kinds have no such fields).
 */
public final class StrategicMergePatch {
    static final String DIRECTIVE = "$patch";
    static final String RETAIN_KEYS = "$retainKeys";
    static final String SET_ELEMENT_ORDER = "$setElementOrder";
    static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";

    /** upstream mergepatch error texts, which clients may match. */
    static final String BAD_PRIMITIVE_LIST = "invalid patch format of primitive list";
    static final String BAD_RETAIN_KEYS = "invalid patch format of retainKeys";
    static final String BAD_SET_ELEMENT_ORDER = "invalid patch format of setElementOrder list";
    static final String NO_LIST_OF_LISTS = "lists of lists are not supported";

    private StrategicMergePatch() {
    }

    /**
     * Reads a strategic merge patch body: a JSON object ({@code null} is an empty patch, as Go
     * decodes it).
     *
     * @throws ApiException 400 when the body is not JSON or not an object
     */
    public static ObjectNode parse(byte[] body) {
        JsonNode patch = Json.parse(body);
        if (patch.isNull()) {
            return Json.object();
        }
        if (patch instanceof ObjectNode object) {
            return object;
        }
        throw ApiException.badRequest("json: cannot unmarshal " + goKind(patch)
                + " into Go value of type map[string]interface {}");
    }

    /** {@link #parse} and {@link #apply(JsonNode, JsonNode, PatchMeta, GroupVersionKind)} in one. */
    public static JsonNode apply(JsonNode original, byte[] body, PatchMeta meta, GroupVersionKind kind) {
        return apply(original, parse(body), meta, kind);
    }

    /**
     * Applies {@code patch} to a copy of {@code original}; neither argument is changed.
     *
     * @throws ApiException as described on the class
     */
    public static JsonNode apply(JsonNode original, JsonNode patch, PatchMeta meta, GroupVersionKind kind) {
        if (!(patch instanceof ObjectNode patchObject)) {
            throw ApiException.badRequest("json: cannot unmarshal " + goKind(patch)
                    + " into Go value of type map[string]interface {}");
        }
        if (!(original instanceof ObjectNode originalObject)) {
            throw ApiException.badRequest("invalid JSON document");
        }
        return mergeMap(originalObject.deepCopy(), patchObject.deepCopy(), meta.root(kind));
    }

    // ------------------------------------------------------------------ maps

    /** Merges {@code patch} into {@code original}; both are private copies and may be changed. */
    private static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, PatchMetaType type) {
        JsonNode directive = patch.get(DIRECTIVE);
        if (directive != null) {
            if (isText(directive, "replace")) {
                patch.remove(DIRECTIVE);
                return (ObjectNode) literal(patch);
            }
            if (isText(directive, "delete")) {
                return Json.object();
            }
            throw badPatchType(directive, patch);
        }
        applyRetainKeys(original, patch);
        mergeOrderedLists(original, patch, type);

        for (String name : fieldNames(patch)) {
            JsonNode patchValue = patch.get(name);
            boolean deleteList = name.startsWith(DELETE_FROM_PRIMITIVE_LIST);
            String key = deleteList ? extractKey(name, DELETE_FROM_PRIMITIVE_LIST) : name;

            if (patchValue.isNull()) {
                original.remove(key);
                continue;
            }
            JsonNode current = original.get(key);
            if (current == null || category(current) != category(patchValue)) {
                if (!deleteList) {
                    fresh(patchValue).ifPresentOrElse(value -> original.set(key, value), () -> original.remove(key));
                }
                continue;
            }
            PatchMetaField field = type.field(key);
            switch (category(current)) {
                case OBJECT -> original.set(key, field.replaces()
                        ? literal(patchValue)
                        : mergeMap((ObjectNode) current, (ObjectNode) patchValue, field.type()));
                case ARRAY -> original.set(key, mergeListField((ArrayNode) current, (ArrayNode) patchValue, field, deleteList));
                // Same scalar type: upstream replaces even under a deletion-list key.
                case STRING, NUMBER, BOOLEAN, NULL -> original.set(key, patchValue);
            }
        }
        return original;
    }

    /** {@code $retainKeys}: keep only the listed keys of {@code original}, after checking the patch. */
    private static void applyRetainKeys(ObjectNode original, ObjectNode patch) {
        JsonNode retain = patch.remove(RETAIN_KEYS);
        if (retain == null) {
            return;
        }
        if (!retain.isArray()) {
            throw ApiException.badRequest(BAD_RETAIN_KEYS);
        }
        List<String> keep = new ArrayList<>();
        retain.forEach(element -> {
            if (element.isTextual()) {
                keep.add(element.asText());
            }
        });
        for (Iterator<Map.Entry<String, JsonNode>> fields = patch.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (field.getValue().isNull() || name.startsWith(DELETE_FROM_PRIMITIVE_LIST)
                    || name.startsWith(SET_ELEMENT_ORDER)) {
                continue;
            }
            if (!keep.contains(name)) {
                throw ApiException.badRequest(BAD_RETAIN_KEYS);
            }
        }
        original.retain(keep);
    }

    /**
     * {@code $setElementOrder/<list>}: merges that list (if the patch has it) and orders the
     * result, elements named in the directive first-class, the server's others interleaved.
     */
    private static void mergeOrderedLists(ObjectNode original, ObjectNode patch, PatchMetaType type) {
        for (String name : fieldNames(patch)) {
            if (!name.startsWith(SET_ELEMENT_ORDER)) {
                continue;
            }
            JsonNode order = patch.remove(name);
            if (!(order instanceof ArrayNode orderList)) {
                throw badArgType("[]interface {}", order);
            }
            String key = extractKey(name, SET_ELEMENT_ORDER);
            JsonNode originalValue = original.get(key);
            JsonNode patchValue = patch.get(key);
            if (originalValue != null && !originalValue.isArray()) {
                throw badArgType("[]interface {}", originalValue);
            }
            if (patchValue != null && !patchValue.isArray()) {
                throw badArgType("[]interface {}", patchValue);
            }
            ArrayNode originalList = (ArrayNode) originalValue;
            ArrayNode patchList = (ArrayNode) patchValue;
            PatchMetaField field = type.field(key);
            String mergeKey = field.mergeKey().orElse("");
            validateAgainstOrder(patchList == null ? List.of() : elements(patchList), elements(orderList), mergeKey);

            List<JsonNode> merged;
            if (originalList != null && patchList != null) {
                merged = elements(mergeListField(originalList, patchList, field, false));
            } else if (originalList != null) {
                merged = elements(originalList);
            } else if (patchList != null) {
                merged = elements((ArrayNode) fresh(patchList).orElseThrow());
            } else {
                continue;
            }
            List<JsonNode> originalElements = originalList == null ? List.of() : elements(originalList);
            Partition partition = partition(merged, elements(orderList), mergeKey);
            boolean maps = elementCategory(originalElements, patchList == null ? List.of() : elements(patchList))
                    == Shape.OBJECT;
            original.set(key, toArray(normalizeOrder(partition, elements(orderList), originalElements, mergeKey, maps)));
            patch.remove(key);
        }
    }

    /**
     * upstream's check that the patch list's elements appear, in the same relative order, in the
     * {@code $setElementOrder} list (deletions and other directive elements aside).
     */
    private static void validateAgainstOrder(List<JsonNode> patchList, List<JsonNode> order, String mergeKey) {
        if (order.isEmpty() || patchList.isEmpty()) {
            return;
        }
        List<JsonNode> nonDelete = mergeKey.isEmpty() ? patchList : withoutDeletions(patchList);
        int patchIndex = 0;
        int orderIndex = 0;
        while (patchIndex < nonDelete.size() && orderIndex < order.size()) {
            JsonNode element = nonDelete.get(patchIndex);
            if (element.isObject() && element.has(DIRECTIVE)) {
                patchIndex++;
                continue;
            }
            if (mergeKeyValueEqual(element, order.get(orderIndex), mergeKey)) {
                patchIndex++;
            }
            orderIndex++;
        }
        if (patchIndex < nonDelete.size()) {
            throw internal("the order in patch list:\n" + goString(toArray(patchList)) + "\n doesn't match "
                    + SET_ELEMENT_ORDER + " list:\n" + goString(toArray(order)));
        }
    }

    private static boolean mergeKeyValueEqual(JsonNode left, JsonNode right, String mergeKey) {
        if (mergeKey.isEmpty()) {
            return scalarEquals(left, right);
        }
        return scalarEquals(mergeKeyValue(left, mergeKey), mergeKeyValue(right, mergeKey));
    }

    /** The element's merge key value; upstream fails when an element lacks it. */
    private static JsonNode mergeKeyValue(JsonNode element, String mergeKey) {
        if (!element.isObject()) {
            throw badArgType("map[string]interface {}", element);
        }
        JsonNode value = element.get(mergeKey);
        if (value == null) {
            throw noMergeKey(element, mergeKey);
        }
        return value;
    }

    // ------------------------------------------------------------------ lists

    private static ArrayNode mergeListField(ArrayNode original, ArrayNode patch, PatchMetaField field, boolean deleteList) {
        // Deletion lists apply whatever the field's strategy.
        if (field.merges() || deleteList) {
            return toArray(mergeList(elements(original), elements(patch), field, deleteList));
        }
        return (ArrayNode) literal(patch);
    }

    private static List<JsonNode> mergeList(List<JsonNode> original, List<JsonNode> patch, PatchMetaField field,
                                            boolean deleteList) {
        if (original.isEmpty() && patch.isEmpty()) {
            return original;
        }
        boolean maps = elementCategory(original, patch) == Shape.OBJECT;
        String mergeKey = field.mergeKey().orElse("");
        List<JsonNode> merged;
        List<JsonNode> serverOrder = original;
        List<JsonNode> patchOrder = patch;
        if (!maps) {
            if (deleteList) {
                List<JsonNode> kept = new ArrayList<>();
                for (JsonNode element : original) {
                    if (!containsScalar(patch, element)) {
                        kept.add(element);
                    }
                }
                return kept;
            }
            merged = new ArrayList<>();
            for (JsonNode element : concat(original, patch)) {
                if (!containsScalar(merged, element)) {
                    merged.add(element);
                }
            }
        } else {
            if (mergeKey.isEmpty()) {
                throw internal("cannot merge lists without merge key for " + field.type());
            }
            // Directive elements first: deletions shrink the server's list, a replace makes the
            // remaining patch elements the whole list.
            List<JsonNode> remaining = new ArrayList<>(original);
            List<JsonNode> plain = new ArrayList<>();
            boolean replace = false;
            for (JsonNode element : patch) {
                JsonNode directive = element.get(DIRECTIVE);
                if (directive == null) {
                    plain.add(element);
                } else if (isText(directive, "delete")) {
                    JsonNode value = element.get(mergeKey);
                    if (value == null) {
                        throw noMergeKey(element, mergeKey);
                    }
                    remaining.removeIf(candidate -> matchesKey(candidate, mergeKey, value));
                } else if (isText(directive, "replace")) {
                    replace = true;
                } else if (isText(directive, "merge")) {
                    throw internal("merging lists cannot yet be specified in the patch");
                } else {
                    throw badPatchType(directive, element);
                }
            }
            if (replace) {
                remaining = new ArrayList<>(plain);
                plain = List.of();
            }
            serverOrder = List.copyOf(remaining);
            patchOrder = plain;
            merged = new ArrayList<>(remaining);
            for (JsonNode element : plain) {
                JsonNode value = element.get(mergeKey);
                if (value == null) {
                    throw noMergeKey(element, mergeKey);
                }
                int index = indexOfKey(merged, mergeKey, value);
                if (index >= 0) {
                    merged.set(index, mergeMap((ObjectNode) merged.get(index), (ObjectNode) element, field.type()));
                } else {
                    merged.add(literal(element));
                }
            }
        }
        Partition partition = mergeKey.isEmpty() ? partitionScalars(merged, patchOrder) : partition(merged, patchOrder, mergeKey);
        return normalizeOrder(partition, patchOrder, serverOrder, mergeKey, maps);
    }

    private static int indexOfKey(List<JsonNode> list, String mergeKey, JsonNode value) {
        for (int i = 0; i < list.size(); i++) {
            JsonNode element = list.get(i);
            if (!element.isObject()) {
                throw internal("value for key " + i + " is not a map");
            }
            if (matchesKey(element, mergeKey, value)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean matchesKey(JsonNode element, String mergeKey, JsonNode value) {
        JsonNode candidate = element.get(mergeKey);
        return candidate != null && scalarEquals(candidate, value);
    }

    /** The elements of a merged list that the patch (or order directive) names, and the server's others. */
    private record Partition(List<JsonNode> patchItems, List<JsonNode> serverOnly) {
    }

    private static Partition partitionScalars(List<JsonNode> merged, List<JsonNode> by) {
        List<JsonNode> patchItems = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        for (JsonNode element : merged) {
            (containsScalar(by, element) ? patchItems : serverOnly).add(element);
        }
        return new Partition(patchItems, serverOnly);
    }

    private static Partition partition(List<JsonNode> merged, List<JsonNode> by, String mergeKey) {
        if (mergeKey.isEmpty()) {
            return partitionScalars(merged, by);
        }
        List<JsonNode> patchItems = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        for (JsonNode element : merged) {
            JsonNode value = mergeKeyValue(element, mergeKey);
            (indexOfKey(by, mergeKey, value) >= 0 ? patchItems : serverOnly).add(element);
        }
        return new Partition(patchItems, serverOnly);
    }

    /**
     * upstream's ordering: patch items sorted by the patch (or order directive), server-only items
     * by the server's list, then the two interleaved: a server-only item goes before a patch item
     * when both are in the server's list and it came first there.
     */
    private static List<JsonNode> normalizeOrder(Partition partition, List<JsonNode> patchOrder, List<JsonNode> serverOrder,
                                                 String mergeKey, boolean maps) {
        List<JsonNode> patchItems = sortBy(partition.patchItems(), patchOrder, mergeKey, maps);
        List<JsonNode> serverOnly = sortBy(partition.serverOnly(), serverOrder, mergeKey, maps);
        List<JsonNode> result = new ArrayList<>(patchItems.size() + serverOnly.size());
        int left = 0;
        int right = 0;
        while (left < serverOnly.size() || right < patchItems.size()) {
            if (left >= serverOnly.size()) {
                result.add(patchItems.get(right++));
            } else if (right >= patchItems.size()) {
                result.add(serverOnly.get(left++));
            } else {
                int l = indexIn(serverOrder, serverOnly.get(left), mergeKey, maps);
                int r = indexIn(serverOrder, patchItems.get(right), mergeKey, maps);
                if (l >= 0 && r >= 0 && l < r) {
                    result.add(serverOnly.get(left++));
                } else {
                    result.add(patchItems.get(right++));
                }
            }
        }
        return result;
    }

    /**
     * Stable sort by position in {@code order}; deletion directives go last, as upstream puts
     * them. Items absent from {@code order} go after the others (upstream's comparator is not
     * consistent for them; they do not occur in what clients send).
     */
    private static List<JsonNode> sortBy(List<JsonNode> items, List<JsonNode> order, String mergeKey, boolean maps) {
        List<JsonNode> toSort = items;
        List<JsonNode> deletions = List.of();
        if (maps) {
            for (JsonNode item : concat(items, order)) {
                mergeKeyValue(item, mergeKey);
            }
            toSort = withoutDeletions(items);
            deletions = items.stream().filter(StrategicMergePatch::isDeletion).toList();
        }
        List<JsonNode> sorted = new ArrayList<>(toSort);
        sorted.sort(Comparator.comparingInt(item -> {
            int index = indexIn(order, item, mergeKey, maps);
            return index < 0 ? Integer.MAX_VALUE : index;
        }));
        sorted.addAll(deletions);
        return sorted;
    }

    private static int indexIn(List<JsonNode> list, JsonNode item, String mergeKey, boolean maps) {
        JsonNode wanted = maps ? item.get(mergeKey) : item;
        for (int i = 0; i < list.size(); i++) {
            JsonNode candidate = maps ? list.get(i).get(mergeKey) : list.get(i);
            if (wanted == null ? candidate == null : candidate != null && scalarEquals(wanted, candidate)) {
                return i;
            }
        }
        return -1;
    }

    private static List<JsonNode> withoutDeletions(List<JsonNode> list) {
        List<JsonNode> kept = new ArrayList<>();
        for (JsonNode element : list) {
            if (!element.isObject()) {
                throw badArgType("map[string]interface {}", element);
            }
            if (!isDeletion(element)) {
                kept.add(element);
            }
        }
        return kept;
    }

    private static boolean isDeletion(JsonNode element) {
        return isText(element.get(DIRECTIVE), "delete");
    }

    /**
     * The common type of the elements of both lists; upstream refuses lists of lists (422) and
     * lists mixing types (500).
     */
    private static Shape elementCategory(List<JsonNode> original, List<JsonNode> patch) {
        Shape type = null;
        for (JsonNode element : concat(original, patch)) {
            Shape current = category(element);
            if (type == null) {
                if (current == Shape.ARRAY) {
                    throw JsonPatch.doesNotApply();
                }
                type = current;
            } else if (type != current) {
                throw internal("list element types are not identical: " + goString(toArray(original)) + " "
                        + goString(toArray(patch)));
            }
        }
        if (type == null) {
            throw internal("no elements in any of the given slices");
        }
        return type;
    }

    // ------------------------------------------------------------------ values

    /** What Go decodes a JSON value into: a map, a slice, or one scalar type (every number a float64). */
    private enum Shape { OBJECT, ARRAY, STRING, NUMBER, BOOLEAN, NULL }

    private static Shape category(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT, POJO -> Shape.OBJECT;
            case ARRAY -> Shape.ARRAY;
            case STRING, BINARY -> Shape.STRING;
            case NUMBER -> Shape.NUMBER;
            case BOOLEAN -> Shape.BOOLEAN;
            case NULL, MISSING -> Shape.NULL;
        };
    }

    /** Go's {@code ==} on decoded JSON scalars: numbers compare by value. */
    private static boolean scalarEquals(JsonNode left, JsonNode right) {
        if (left.isNumber() && right.isNumber()) {
            return left.decimalValue().compareTo(right.decimalValue()) == 0;
        }
        return left.equals(right);
    }

    private static boolean containsScalar(List<JsonNode> list, JsonNode value) {
        for (JsonNode element : list) {
            if (scalarEquals(element, value)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A value taken whole where the server had nothing: nulls and directive keys dropped, and a
     * map carrying {@code $patch} dropped entirely (upstream's {@code removeDirectives}); empty
     * when the value itself is such a map.
     */
    private static Optional<JsonNode> fresh(JsonNode value) {
        if (value instanceof ObjectNode object) {
            if (object.has(DIRECTIVE)) {
                return Optional.empty();
            }
            ObjectNode copy = Json.object();
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getValue().isNull() || field.getKey().startsWith("$")) {
                    continue;
                }
                fresh(field.getValue()).ifPresent(member -> copy.set(field.getKey(), member));
            }
            return Optional.of(copy);
        }
        if (value instanceof ArrayNode array) {
            ArrayNode copy = Json.array();
            for (JsonNode element : array) {
                fresh(element).ifPresent(copy::add);
            }
            return Optional.of(copy);
        }
        return Optional.of(value);
    }

    /**
     * A patch value used as is (a replaced map or list, an appended element): upstream keeps it
     * verbatim and the typed decode then drops nulls and unknown {@code $} keys, so we drop them.
     */
    private static JsonNode literal(JsonNode value) {
        if (value instanceof ObjectNode object) {
            ObjectNode copy = Json.object();
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!field.getValue().isNull() && !field.getKey().startsWith("$")) {
                    copy.set(field.getKey(), literal(field.getValue()));
                }
            }
            return copy;
        }
        if (value instanceof ArrayNode array) {
            ArrayNode copy = Json.array();
            for (JsonNode element : array) {
                copy.add(literal(element));
            }
            return copy;
        }
        return value;
    }

    private static boolean isText(JsonNode node, String text) {
        return node != null && node.isTextual() && node.asText().equals(text);
    }

    private static List<String> fieldNames(ObjectNode object) {
        List<String> names = new ArrayList<>(object.size());
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<JsonNode> elements(ArrayNode array) {
        List<JsonNode> list = new ArrayList<>(array.size());
        array.forEach(list::add);
        return list;
    }

    private static ArrayNode toArray(List<JsonNode> list) {
        ArrayNode array = Json.array();
        list.forEach(array::add);
        return array;
    }

    private static List<JsonNode> concat(List<JsonNode> first, List<JsonNode> second) {
        List<JsonNode> all = new ArrayList<>(first.size() + second.size());
        all.addAll(first);
        all.addAll(second);
        return all;
    }

    /** The list name after a {@code $prefix/}; upstream answers a malformed key with a 400. */
    private static String extractKey(String name, String prefix) {
        int slash = name.indexOf('/');
        if (slash < 0 || !name.substring(0, slash).equals(prefix)) {
            throw ApiException.badRequest(prefix.equals(SET_ELEMENT_ORDER) ? BAD_SET_ELEMENT_ORDER : BAD_PRIMITIVE_LIST);
        }
        return name.substring(slash + 1);
    }

    // ------------------------------------------------------------------ errors

    /** upstream's untyped errors reach clients as 500s carrying the message. */
    private static ApiException internal(String message) {
        return new ApiException(StatusReason.INTERNAL_ERROR, 500, message, Optional.empty(), Optional.empty());
    }

    private static ApiException badPatchType(JsonNode directive, JsonNode map) {
        return internal("unknown patch type: " + goString(directive) + " in map: " + goString(map));
    }

    private static ApiException noMergeKey(JsonNode map, String mergeKey) {
        return internal("map: " + goString(map) + " does not contain declared merge key: " + mergeKey);
    }

    private static ApiException badArgType(String expected, JsonNode actual) {
        return internal("expected a " + expected + ", but received a " + goType(actual));
    }

    private static String goKind(JsonNode node) {
        return switch (category(node)) {
            case OBJECT -> "object";
            case ARRAY -> "array";
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "bool";
            case NULL -> "null";
        };
    }

    private static String goType(JsonNode node) {
        return switch (category(node)) {
            case OBJECT -> "map[string]interface {}";
            case ARRAY -> "[]interface {}";
            case STRING -> "string";
            case NUMBER -> "float64";
            case BOOLEAN -> "bool";
            case NULL -> "<nil>";
        };
    }

    /** Go's {@code %v} of a decoded JSON value, for error messages that match upstream's. */
    static String goString(JsonNode node) {
        return switch (category(node)) {
            case OBJECT -> {
                Map<String, JsonNode> sorted = new TreeMap<>();
                node.fields().forEachRemaining(field -> sorted.put(field.getKey(), field.getValue()));
                StringBuilder text = new StringBuilder("map[");
                boolean first = true;
                for (Map.Entry<String, JsonNode> field : sorted.entrySet()) {
                    text.append(first ? "" : " ").append(field.getKey()).append(':').append(goString(field.getValue()));
                    first = false;
                }
                yield text.append(']').toString();
            }
            case ARRAY -> {
                StringBuilder text = new StringBuilder("[");
                for (int i = 0; i < node.size(); i++) {
                    text.append(i == 0 ? "" : " ").append(goString(node.get(i)));
                }
                yield text.append(']').toString();
            }
            case STRING -> node.asText();
            case NUMBER -> node.isIntegralNumber() ? node.asText() : node.numberValue().toString();
            case BOOLEAN -> node.asText();
            case NULL -> "<nil>";
        };
    }
}
