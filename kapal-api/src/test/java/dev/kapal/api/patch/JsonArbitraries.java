package dev.kapal.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Small JSON trees for property tests; keys from a tiny alphabet so documents overlap. */
final class JsonArbitraries {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonArbitraries() {
    }

    static Arbitrary<JsonNode> scalars(boolean withNull) {
        Arbitrary<JsonNode> text = Arbitraries.strings().withChars("ab~/ 1").ofMaxLength(4).map(NODES::textNode);
        Arbitrary<JsonNode> number = Arbitraries.integers().between(-3, 3).map(i -> (JsonNode) NODES.numberNode(i));
        Arbitrary<JsonNode> decimal = Arbitraries.of("1.5", "0.25").map(s -> (JsonNode) NODES.numberNode(new BigDecimal(s)));
        Arbitrary<JsonNode> bool = Arbitraries.of(true, false).map(b -> (JsonNode) NODES.booleanNode(b));
        return withNull
                ? Arbitraries.oneOf(text, number, decimal, bool, Arbitraries.just(NODES.nullNode()))
                : Arbitraries.oneOf(text, number, decimal, bool);
    }

    static Arbitrary<JsonNode> values(int depth, boolean withNull) {
        if (depth == 0) {
            return scalars(withNull);
        }
        Arbitrary<JsonNode> child = values(depth - 1, withNull);
        Arbitrary<JsonNode> array = child.list().ofMaxSize(3).map(elements -> {
            ArrayNode node = NODES.arrayNode();
            elements.forEach(node::add);
            return node;
        });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, scalars(withNull)),
                net.jqwik.api.Tuple.of(1, array),
                net.jqwik.api.Tuple.of(3, objects(depth, withNull)));
    }

    static Arbitrary<JsonNode> objects(int depth, boolean withNull) {
        Arbitrary<JsonNode> child = depth == 0 ? scalars(withNull) : Arbitraries.lazy(() -> values(depth - 1, withNull));
        return Arbitraries.maps(Arbitraries.of("a", "b", "c", "d/e", "f~g"), child).ofMaxSize(4).map(members -> {
            ObjectNode node = NODES.objectNode();
            members.forEach(node::set);
            return node;
        });
    }
}
