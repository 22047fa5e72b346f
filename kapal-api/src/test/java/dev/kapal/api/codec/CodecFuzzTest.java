package dev.kapal.api.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapal.api.ApiException;
import dev.kapal.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Whatever a client sends, the codecs answer a 400 or a tree, never anything else. */
class CodecFuzzTest {

    private static void onlyBadRequests(byte[] input, Consumer<byte[]> parser) {
        try {
            parser.accept(input);
        } catch (ApiException e) {
            assertThat(e.code()).isEqualTo(400);
        }
    }

    @Provide
    Arbitrary<String> jsonish() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("{}[]\":,0123456789.eE+-truefalsn \\u").ofMaxLength(40),
                Arbitraries.strings().ofMaxLength(40));
    }

    @Provide
    Arbitrary<String> yamlish() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("{}[]\"':,-?&*!|>%@`#\n\t abc019.~").ofMaxLength(40),
                Arbitraries.strings().ofMaxLength(40));
    }

    @Property(tries = 2000)
    void jsonParseOfArbitraryBytes(@ForAll byte[] bytes) {
        onlyBadRequests(bytes, Json::parse);
        onlyBadRequests(bytes, Json::parseObject);
    }

    @Property(tries = 2000)
    void jsonParseOfArbitraryStrings(@ForAll("jsonish") String text) {
        onlyBadRequests(text.getBytes(StandardCharsets.UTF_8), Json::parse);
        onlyBadRequests(text.getBytes(StandardCharsets.UTF_8), Json::parseObject);
    }

    @Property(tries = 2000)
    void yamlParseOfArbitraryInput(@ForAll("yamlish") String text, @ForAll byte[] bytes) {
        onlyBadRequests(text.getBytes(StandardCharsets.UTF_8), Yaml::parse);
        onlyBadRequests(bytes, Yaml::parse);
    }

    @Test
    void deepNestingIsABadRequestNotAStackOverflow() {
        for (String opener : new String[]{"[", "{\"a\":"}) {
            byte[] deep = opener.repeat(100_000).getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> Json.parse(deep))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
        }
        byte[] closed = ("[".repeat(Json.MAX_NESTING_DEPTH + 1) + "]".repeat(Json.MAX_NESTING_DEPTH + 1))
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Json.parse(closed)).isInstanceOf(ApiException.class);
    }

    @Test
    void extremeNumbersAreHandled() {
        for (String text : new String[]{"1e999999999999", "1" + "0".repeat(5000), "-0.0e-99999999999", "[1e2147483648]"}) {
            onlyBadRequests(text.getBytes(StandardCharsets.UTF_8), Json::parse);
        }
    }
}
