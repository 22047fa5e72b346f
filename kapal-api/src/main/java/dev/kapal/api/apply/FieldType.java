package dev.kapal.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The schema seam of server-side apply: what structured-merge-diff needs to know of a field's type.
 * Maps are structs (named fields) or maps (entries of one element type), granular or atomic;
 * lists are atomic, sets (items identified by value) or maps (items identified by key fields);
 * everything else is a scalar. {@link #DEDUCED} is upstream's deduced type for values without a
 * schema: objects are granular maps, arrays are atomic.
 *
 * <p>Contract: pure and thread-safe; children may be resolved lazily (built-in schemas are
 * recursive, e.g. JSONSchemaProps).
 */
public final class FieldType {
    public enum Shape { SCALAR, MAP, LIST, DEDUCED }

    public enum ListKind { ATOMIC, SET, MAP }

    public static final FieldType SCALAR = new FieldType(Shape.SCALAR, true, name -> Optional.empty(), null, null,
            ListKind.ATOMIC, List.of(), Map.of());
    public static final FieldType DEDUCED = new FieldType(Shape.DEDUCED, false, name -> Optional.empty(), null, null,
            ListKind.ATOMIC, List.of(), Map.of());

    private final Shape shape;
    private final boolean atomic;
    private final Function<String, Optional<FieldType>> fields;
    private final Supplier<FieldType> elements;
    private final Supplier<FieldType> listElement;
    private final ListKind listKind;
    private final List<String> keys;
    private final Map<String, JsonNode> keyDefaults;
    private volatile FieldType resolvedElements;
    private volatile FieldType resolvedListElement;

    private FieldType(Shape shape, boolean atomic, Function<String, Optional<FieldType>> fields,
                      Supplier<FieldType> elements, Supplier<FieldType> listElement, ListKind listKind, List<String> keys,
                      Map<String, JsonNode> keyDefaults) {
        this.shape = shape;
        this.atomic = atomic;
        this.fields = fields;
        this.elements = elements;
        this.listElement = listElement;
        this.listKind = listKind;
        this.keys = List.copyOf(keys);
        this.keyDefaults = Map.copyOf(keyDefaults);
    }

    /**
     * A struct or map: {@code fields} answers the named fields (empty for others), whose values are
     * then entries of type {@code elements} (null: {@link #DEDUCED}).
     */
    public static FieldType map(boolean atomic, Function<String, Optional<FieldType>> fields, Supplier<FieldType> elements) {
        return new FieldType(Shape.MAP, atomic, Objects.requireNonNull(fields, "fields"), elements, null,
                ListKind.ATOMIC, List.of(), Map.of());
    }

    /** A list; {@code keys} are the key fields of a {@link ListKind#MAP} list. */
    public static FieldType list(ListKind kind, List<String> keys, Supplier<FieldType> element) {
        return list(kind, keys, Map.of(), element);
    }

    /**
     * A map list whose key fields may be absent from an item and then count with their schema
     * default ({@code protocol: TCP} of container ports), as upstream identifies such items.
     */
    public static FieldType list(ListKind kind, List<String> keys, Map<String, JsonNode> keyDefaults,
                                 Supplier<FieldType> element) {
        if (kind == ListKind.MAP && keys.isEmpty()) {
            throw new IllegalArgumentException("a map list needs key fields");
        }
        return new FieldType(Shape.LIST, kind == ListKind.ATOMIC, name -> Optional.empty(), null,
                Objects.requireNonNull(element, "element"), kind, keys, keyDefaults);
    }

    public Shape shape() {
        return shape;
    }

    /** Atomic maps and lists (and scalars) are owned and replaced as one value. */
    public boolean atomic() {
        return atomic;
    }

    /** The named field {@code name} of a struct, if it is one. */
    public Optional<FieldType> field(String name) {
        return fields.apply(name);
    }

    /** The type of the value under {@code name}: the named field's, else the map's element type. */
    public FieldType entry(String name) {
        Optional<FieldType> named = fields.apply(name);
        if (named.isPresent()) {
            return named.get();
        }
        FieldType cached = resolvedElements;
        if (cached == null) {
            cached = elements == null ? DEDUCED : elements.get();
            resolvedElements = cached;
        }
        return cached;
    }

    public FieldType element() {
        FieldType cached = resolvedListElement;
        if (cached == null) {
            cached = listElement == null ? DEDUCED : listElement.get();
            resolvedListElement = cached;
        }
        return cached;
    }

    public ListKind listKind() {
        return listKind;
    }

    public List<String> keys() {
        return keys;
    }

    /** Defaults of key fields, by key. */
    public Map<String, JsonNode> keyDefaults() {
        return keyDefaults;
    }

    @Override
    public String toString() {
        return shape + (atomic ? "(atomic)" : "") + (shape == Shape.LIST ? listKind + keys.toString() : "");
    }
}
