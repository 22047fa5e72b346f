package dev.kapal.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.Json;
import dev.kapal.api.StatusReason;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An RFC 6902 JSON patch: a list of {@code add}, {@code remove}, {@code replace}, {@code move},
 * {@code copy} and {@code test} operations applied in order, all or nothing.
 *
 * <p>Status codes follow kube-apiserver: a body that is not a JSON array of objects is a 400;
 * more than {@value #MAX_OPERATIONS} operations is a 413; a patch that does not apply (unknown
 * op, missing path, failing {@code test}) is a 422 {@code Invalid} with upstream's generic
 * message {@value #DOES_NOT_APPLY} and empty details. {@link #tryApply} keeps the precise reason
 * for logs and tests.
 *
 * <p>Array indexes accept what the JSON patch library behind Kubernetes accepts: {@code -} to
 * append, and negative indexes counting from the end.
 */
public final class JsonPatch {
    /** kube-apiserver's limit on operations in one JSON patch. */
    public static final int MAX_OPERATIONS = 10_000;

    /** The message kube-apiserver sends (with 422) when a JSON patch does not apply. */
    public static final String DOES_NOT_APPLY = "the server rejected our request due to an error in our request";

    /** Copies may not grow the document by more than this many JSON nodes in total (copy bombs). */
    static final long MAX_COPIED_NODES = 1_000_000;

    /** One operation; paths are JSON pointers. */
    public sealed interface Operation {
        JsonPointer path();
    }

    public record Add(JsonPointer path, JsonNode value) implements Operation {
        public Add {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(value, "value");
        }
    }

    public record Remove(JsonPointer path) implements Operation {
        public Remove {
            Objects.requireNonNull(path, "path");
        }
    }

    public record Replace(JsonPointer path, JsonNode value) implements Operation {
        public Replace {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(value, "value");
        }
    }

    public record Move(JsonPointer from, JsonPointer path) implements Operation {
        public Move {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(path, "path");
        }
    }

    public record Copy(JsonPointer from, JsonPointer path) implements Operation {
        public Copy {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(path, "path");
        }
    }

    public record Test(JsonPointer path, JsonNode value) implements Operation {
        public Test {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(value, "value");
        }
    }

    /** The outcome of applying a patch. */
    public sealed interface Result {
        /** The patched document. */
        record Applied(JsonNode document) implements Result {
            public Applied {
                Objects.requireNonNull(document, "document");
            }
        }

        /** The patch did not apply; {@code reason} says which operation failed and why. */
        record Failed(String reason) implements Result {
            public Failed {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }

    private final List<Operation> operations;

    public JsonPatch(List<Operation> operations) {
        this.operations = List.copyOf(operations);
    }

    public List<Operation> operations() {
        return operations;
    }

    /**
     * Reads a JSON patch body.
     *
     * @throws ApiException 400 when the body is not a JSON array of objects, 413 beyond
     *                      {@value #MAX_OPERATIONS} operations, 422 when an operation is malformed
     */
    public static JsonPatch parse(byte[] body) {
        JsonNode tree = Json.parse(body);
        if (tree.isNull()) {
            // Go decodes "null" into an empty patch.
            return new JsonPatch(List.of());
        }
        if (!tree.isArray()) {
            throw ApiException.badRequest("json: cannot unmarshal " + goKind(tree) + " into Go value of type jsonpatch.Patch");
        }
        for (JsonNode element : tree) {
            if (!element.isObject() && !element.isNull()) {
                throw ApiException.badRequest("json: cannot unmarshal " + goKind(element)
                        + " into Go value of type jsonpatch.Operation");
            }
        }
        if (tree.size() > MAX_OPERATIONS) {
            throw new ApiException(StatusReason.REQUEST_ENTITY_TOO_LARGE,
                    "The allowed maximum operations in a JSON patch is " + MAX_OPERATIONS + ", got " + tree.size());
        }
        List<Operation> operations = new ArrayList<>(tree.size());
        try {
            for (JsonNode element : tree) {
                operations.add(decode(element));
            }
        } catch (PatchFailure e) {
            throw doesNotApply();
        }
        return new JsonPatch(operations);
    }

    /** Decodes one operation from its JSON object form. */
    static Operation decode(JsonNode operation) {
        String op = textMember(operation, "op").orElse("");
        JsonPointer path = JsonPointer.parse(textMember(operation, "path")
                .orElseThrow(() -> new PatchFailure("operation " + op + " has no path")));
        return switch (op) {
            case "add" -> new Add(path, value(operation, op));
            case "remove" -> new Remove(path);
            case "replace" -> new Replace(path, value(operation, op));
            case "move" -> new Move(from(operation, op), path);
            case "copy" -> new Copy(from(operation, op), path);
            case "test" -> new Test(path, value(operation, op));
            default -> throw new PatchFailure("Unexpected kind: " + op);
        };
    }

    private static Optional<String> textMember(JsonNode operation, String name) {
        JsonNode member = operation.get(name);
        return member != null && member.isTextual() ? Optional.of(member.asText()) : Optional.empty();
    }

    private static JsonNode value(JsonNode operation, String op) {
        JsonNode value = operation.get("value");
        if (value == null) {
            throw new PatchFailure(op + " operation has no value");
        }
        return value;
    }

    private static JsonPointer from(JsonNode operation, String op) {
        return JsonPointer.parse(textMember(operation, "from")
                .orElseThrow(() -> new PatchFailure(op + " operation has no from")));
    }

    private static String goKind(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT, POJO -> "object";
            case ARRAY -> "array";
            case STRING, BINARY -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "bool";
            case NULL, MISSING -> "null";
        };
    }

    /** The Patcher entry point: parse the body and apply it, failing as kube-apiserver does. */
    public static JsonNode apply(JsonNode original, byte[] body) {
        return parse(body).apply(original);
    }

    /**
     * Applies the patch to a copy of {@code document}.
     *
     * @throws ApiException 422 {@code Invalid} with {@value #DOES_NOT_APPLY} when it does not apply
     */
    public JsonNode apply(JsonNode document) {
        return switch (tryApply(document)) {
            case Result.Applied applied -> applied.document();
            case Result.Failed failed -> throw doesNotApply();
        };
    }

    /** Applies the patch to a copy of {@code document}; {@code document} is never changed. */
    public Result tryApply(JsonNode document) {
        Applier applier = new Applier(document.deepCopy());
        for (int i = 0; i < operations.size(); i++) {
            try {
                applier.apply(operations.get(i));
            } catch (PatchFailure e) {
                return new Result.Failed("operation " + i + " (" + describe(operations.get(i)) + "): " + e.getMessage());
            }
        }
        return new Result.Applied(applier.root);
    }

    private static String describe(Operation operation) {
        return switch (operation) {
            case Add add -> "add " + add.path();
            case Remove remove -> "remove " + remove.path();
            case Replace replace -> "replace " + replace.path();
            case Move move -> "move " + move.from() + " to " + move.path();
            case Copy copy -> "copy " + copy.from() + " to " + copy.path();
            case Test test -> "test " + test.path();
        };
    }

    /** kube-apiserver's answer to a patch that does not apply: 422, generic message, empty details. */
    static ApiException doesNotApply() {
        return new ApiException(StatusReason.INVALID, 422, DOES_NOT_APPLY,
                Optional.of(new ApiException.Details("", "", "", List.of())), Optional.empty());
    }

    /** The patch in its JSON form. */
    public ArrayNode toJson() {
        ArrayNode array = Json.array();
        for (Operation operation : operations) {
            ObjectNode node = array.addObject();
            switch (operation) {
                case Add add -> node.put("op", "add").put("path", add.path().toString()).set("value", add.value());
                case Remove remove -> node.put("op", "remove").put("path", remove.path().toString());
                case Replace replace ->
                        node.put("op", "replace").put("path", replace.path().toString()).set("value", replace.value());
                case Move move -> node.put("op", "move").put("from", move.from().toString()).put("path", move.path().toString());
                case Copy copy -> node.put("op", "copy").put("from", copy.from().toString()).put("path", copy.path().toString());
                case Test test -> node.put("op", "test").put("path", test.path().toString()).set("value", test.value());
            }
        }
        return array;
    }

    /**
     * A patch turning {@code source} into {@code target}: objects are compared member by
     * member, anything else (arrays included) is replaced whole when it differs.
     */
    public static JsonPatch diff(JsonNode source, JsonNode target) {
        List<Operation> operations = new ArrayList<>();
        diff(JsonPointer.ROOT, source, target, operations);
        return new JsonPatch(operations);
    }

    private static void diff(JsonPointer at, JsonNode source, JsonNode target, List<Operation> out) {
        if (source.equals(target)) {
            return;
        }
        if (!(source.isObject() && target.isObject())) {
            out.add(new Replace(at, target.deepCopy()));
            return;
        }
        for (Iterator<String> names = source.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!target.has(name)) {
                out.add(new Remove(at.child(name)));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = target.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode before = source.get(field.getKey());
            if (before == null) {
                out.add(new Add(at.child(field.getKey()), field.getValue().deepCopy()));
            } else {
                diff(at.child(field.getKey()), before, field.getValue(), out);
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof JsonPatch patch && patch.operations.equals(operations);
    }

    @Override
    public int hashCode() {
        return operations.hashCode();
    }

    @Override
    public String toString() {
        return Json.writeString(toJson());
    }

    /** Mutable state of one application: the (copied) document, which "add ''" may replace. */
    private static final class Applier {
        JsonNode root;
        long copiedNodes;

        Applier(JsonNode root) {
            this.root = root;
        }

        void apply(Operation operation) {
            switch (operation) {
                case Add add -> add(add.path(), add.value().deepCopy());
                case Remove remove -> remove(remove.path());
                case Replace replace -> replace(replace.path(), replace.value().deepCopy());
                case Move move -> {
                    if (move.from().isProperPrefixOf(move.path())) {
                        throw new PatchFailure("cannot move a value into itself");
                    }
                    JsonNode value = get(move.from()).orElseThrow(() -> missing(move.from()));
                    remove(move.from());
                    add(move.path(), value);
                }
                case Copy copy -> {
                    JsonNode value = get(copy.from()).orElseThrow(() -> missing(copy.from())).deepCopy();
                    copiedNodes += countNodes(value);
                    if (copiedNodes > MAX_COPIED_NODES) {
                        throw new PatchFailure("copies grow the document by more than " + MAX_COPIED_NODES + " nodes");
                    }
                    add(copy.path(), value);
                }
                case Test test -> {
                    Optional<JsonNode> actual = get(test.path());
                    // The library behind Kubernetes lets "test null" pass on an absent path.
                    if (actual.isEmpty() ? !test.value().isNull() : !jsonEquals(actual.get(), test.value())) {
                        throw new PatchFailure("testing value " + test.path() + " failed");
                    }
                }
            }
        }

        private static PatchFailure missing(JsonPointer path) {
            return new PatchFailure("doc is missing path: " + path);
        }

        /** The container holding the pointer's last token. */
        private JsonNode parentOf(JsonPointer path) {
            return get(path.parent()).orElseThrow(() -> missing(path));
        }

        Optional<JsonNode> get(JsonPointer path) {
            JsonNode current = root;
            for (String token : path.tokens()) {
                if (current.isObject()) {
                    current = current.get(token);
                } else if (current.isArray()) {
                    int index = existingIndex(token, current.size(), false);
                    current = index < 0 ? null : current.get(index);
                } else {
                    current = null;
                }
                if (current == null) {
                    return Optional.empty();
                }
            }
            return Optional.of(current);
        }

        void add(JsonPointer path, JsonNode value) {
            if (path.isRoot()) {
                root = value;
                return;
            }
            JsonNode parent = parentOf(path);
            String token = path.last();
            if (parent instanceof ObjectNode object) {
                object.set(token, value);
            } else if (parent instanceof ArrayNode array) {
                if (token.equals("-")) {
                    array.add(value);
                    return;
                }
                // Inserting may address one past the end.
                int index = parseIndex(token);
                int size = array.size() + 1;
                if (index >= size || index < -size) {
                    throw new PatchFailure("Unable to access invalid index: " + index);
                }
                array.insert(index < 0 ? index + size : index, value);
            } else {
                throw missing(path);
            }
        }

        void remove(JsonPointer path) {
            if (path.isRoot()) {
                throw new PatchFailure("cannot remove the whole document");
            }
            JsonNode parent = parentOf(path);
            String token = path.last();
            if (parent instanceof ObjectNode object) {
                if (object.remove(token) == null) {
                    throw new PatchFailure("remove operation does not apply: doc is missing key: " + path);
                }
            } else if (parent instanceof ArrayNode array) {
                array.remove(existingIndex(token, array.size(), true));
            } else {
                throw missing(path);
            }
        }

        void replace(JsonPointer path, JsonNode value) {
            if (path.isRoot()) {
                root = value;
                return;
            }
            JsonNode parent = parentOf(path);
            String token = path.last();
            if (parent instanceof ObjectNode object) {
                if (!object.has(token)) {
                    throw new PatchFailure("replace operation does not apply: doc is missing key: " + path);
                }
                object.set(token, value);
            } else if (parent instanceof ArrayNode array) {
                array.set(existingIndex(token, array.size(), true), value);
            } else {
                throw missing(path);
            }
        }

        /** An index of an existing element (negative counts from the end); -1 or a failure when none. */
        private static int existingIndex(String token, int size, boolean failIfAbsent) {
            int index;
            try {
                index = parseIndex(token);
            } catch (PatchFailure e) {
                if (failIfAbsent) {
                    throw e;
                }
                return -1;
            }
            if (index < 0) {
                index += size;
            }
            if (index < 0 || index >= size) {
                if (failIfAbsent) {
                    throw new PatchFailure("Unable to access invalid index: " + token);
                }
                return -1;
            }
            return index;
        }

        /** Go's {@code strconv.Atoi}: optional sign and ASCII digits. */
        private static int parseIndex(String token) {
            int start = token.startsWith("-") || token.startsWith("+") ? 1 : 0;
            boolean digits = token.length() > start;
            for (int i = start; i < token.length() && digits; i++) {
                digits = token.charAt(i) >= '0' && token.charAt(i) <= '9';
            }
            if (!digits) {
                throw new PatchFailure("value was not a proper array index: '" + token + "'");
            }
            try {
                return Integer.parseInt(token);
            } catch (NumberFormatException e) {
                throw new PatchFailure("value was not a proper array index: '" + token + "'");
            }
        }

        private static long countNodes(JsonNode node) {
            long count = 1;
            for (JsonNode child : node) {
                count += countNodes(child);
            }
            return count;
        }
    }

    /** JSON equality as the test operation needs it: numbers by value, so 1 equals 1.0. */
    static boolean jsonEquals(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = a.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode other = b.get(field.getKey());
                if (other == null || !jsonEquals(field.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!jsonEquals(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
