package dev.kapal.api.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.Json;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Laws of the walks over arbitrary objects of the test schema (typed and untyped parts). */
class FieldWalksPropertyTest {
    @Provide
    Arbitrary<ObjectNode> things() {
        Arbitrary<String> names = Arbitraries.of("a", "b", "c", "d");
        Arbitrary<JsonNode> scalars = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 3).map(i -> Json.mapper().getNodeFactory().numberNode(i)),
                names.map(s -> Json.mapper().getNodeFactory().textNode(s)));
        Arbitrary<ObjectNode> labels = Arbitraries.maps(names, names).ofMaxSize(3).map(map -> {
            ObjectNode node = Json.object();
            map.forEach(node::put);
            return node;
        });
        Arbitrary<ArrayNode> containers = Arbitraries.maps(names, names).ofMaxSize(3).map(map -> {
            ArrayNode list = Json.array();
            map.forEach((name, image) -> list.addObject().put("name", name).put("image", image));
            return list;
        });
        Arbitrary<ArrayNode> finalizers = names.set().ofMaxSize(3).map(set -> {
            ArrayNode list = Json.array();
            set.forEach(list::add);
            return list;
        });
        Arbitrary<ObjectNode> raw = Arbitraries.maps(names, scalars).ofMaxSize(3).map(map -> {
            ObjectNode node = Json.object();
            map.forEach(node::set);
            return node;
        });
        return net.jqwik.api.Combinators.combine(labels, containers, finalizers, raw,
                Arbitraries.integers().between(0, 3), Arbitraries.of(true, false)).as((l, c, f, r, replicas, withArgs) -> {
            ObjectNode thing = Json.object().put("apiVersion", "example.com/v1").put("kind", "Thing");
            ObjectNode metadata = thing.putObject("metadata").put("name", "t");
            if (!l.isEmpty()) {
                metadata.set("labels", l);
            }
            if (!f.isEmpty()) {
                metadata.set("finalizers", f);
            }
            ObjectNode spec = thing.putObject("spec").put("replicas", replicas);
            spec.set("containers", c);
            spec.set("raw", r);
            if (withArgs) {
                spec.putArray("args").add("x");
            }
            return thing;
        });
    }

    private static final FieldSet NONE = new FieldSet();

    @Property(tries = 300)
    void fieldSetsSurviveFieldsV1(@ForAll("things") ObjectNode thing) {
        FieldSet set = FieldWalks.fieldSet(thing, Types.THING, NONE);
        assertThat(FieldSet.fromFieldsV1(set.toFieldsV1())).isEqualTo(set);
    }

    @Property(tries = 300)
    void aValueComparedWithItselfHasNoChanges(@ForAll("things") ObjectNode thing) {
        FieldWalks.Comparison comparison = FieldWalks.compare(thing, thing.deepCopy(), Types.THING, NONE);
        assertThat(comparison.added().isEmpty()).isTrue();
        assertThat(comparison.modified().isEmpty()).isTrue();
        assertThat(comparison.removed().isEmpty()).isTrue();
    }

    @Property(tries = 300)
    void everythingAppliedIsAddedFromNothing(@ForAll("things") ObjectNode thing) {
        FieldSet applied = FieldWalks.fieldSet(thing, Types.THING, NONE);
        FieldSet added = FieldWalks.compare(Json.object(), thing, Types.THING, NONE).added();
        assertThat(applied.difference(added).isEmpty()).isTrue();
    }

    @Property(tries = 300)
    void mergingAValueIntoItselfChangesNothing(@ForAll("things") ObjectNode thing) {
        assertThat(FieldWalks.merge(thing, thing, Types.THING)).isEqualTo(thing);
    }

    @Property(tries = 200)
    void applyIsIdempotentAndTheLastApplyWins(@ForAll("things") ObjectNode first, @ForAll("things") ObjectNode second) {
        // Untyped (as a custom resource): an explicit [] stays as applied.
        FieldManager.Context context = new FieldManager.Context(Types.THING, "example.com/v1", "", java.util.Set.of(),
                "2026-01-01T00:00:00Z", false);
        ObjectNode once = FieldManager.apply(Optional.empty(), first, "m", false, context).object();
        ObjectNode next = FieldManager.apply(Optional.of(once), second, "m", false, context).object();
        FieldManager.Applied twice = FieldManager.apply(Optional.of(next), second, "m", false, context);
        assertThat(twice.changed()).as("%s then %s gave %s then %s", first, second, next, twice.object()).isFalse();
        assertThat(twice.object()).isEqualTo(next);
        // With one manager, what is left is exactly the second configuration (the server adds nothing here).
        ObjectNode expected = second.deepCopy();
        ObjectNode actual = next.deepCopy();
        ((ObjectNode) actual.get("metadata")).remove("managedFields");
        for (ObjectNode object : List.of(expected, actual)) {
            JsonNode spec = object.get("spec");
            if (spec instanceof ObjectNode s && s.path("raw").isEmpty()) {
                s.remove("raw");
            }
            if (spec instanceof ObjectNode s && s.path("containers").isEmpty()) {
                s.remove("containers");
            }
        }
        assertThat(actual.path("spec").path("replicas")).isEqualTo(expected.path("spec").path("replicas"));
        assertThat(actual.path("spec").path("containers")).isEqualTo(expected.path("spec").path("containers"));
        assertThat(actual.path("metadata").path("labels")).isEqualTo(expected.path("metadata").path("labels"));
        assertThat(actual.path("spec").path("raw")).isEqualTo(expected.path("spec").path("raw"));
    }
}
