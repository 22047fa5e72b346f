package dev.kapal.api.quantity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapal.api.ApiException;
import java.math.BigDecimal;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuantityTest {

    @ParameterizedTest
    @CsvSource({
            "0, 0", "-0, 0", "00, 0", "1, 1", "+1, 1", "1000m, 1", "1500m, 1500m", "0.5, 500m", ".5, 500m",
            "1024Mi, 1Gi", "1Ki, 1Ki", "1025Ki, 1025Ki", "1.5Gi, 1536Mi", "512, 512", "100Mi, 100Mi",
            "1000, 1k", "1500, 1500", "12e2, 1200", "1e3, 1e3", "1E3, 1e3", "5e-3, 5e-3", "1.5e2, 150",
            "1k, 1k", "1M, 1M", "2G, 2G", "1T, 1T", "1P, 1P", "1E, 1E", "1000E, 1000E",
            "1n, 1n", "0.1n, 1n", "1u, 1u", "1.1m, 1100u", "-1.1m, -1100u", "-0.1n, -1n",
            "1023Ki, 1023Ki", "1000Ki, 1000Ki", "0.5Ki, 512", "1.G, 1G", "., 0", "-., 0",
            "100m, 100m", "10m, 10m", "0.001, 1m", "1.000, 1", "7Ei, 7Ei", "8Ei, 9223372036854775807", "-8Ei, -8Ei",
    })
    void printsCanonicallyAsUpstream(String text, String canonical) {
        assertThat(Quantity.parse(text.strip().isEmpty() ? text : text.strip())).hasToString(canonical);
    }

    @Test
    void comparesExactlyByValue() {
        assertThat(Quantity.parse("1Gi")).isEqualTo(Quantity.parse("1024Mi"));
        assertThat(Quantity.parse("1000m")).isEqualTo(Quantity.parse("1"));
        assertThat(Quantity.parse("1G")).isLessThan(Quantity.parse("1Gi"));
        assertThat(Quantity.parse("0.1")).isEqualByComparingTo(Quantity.parse("100m"));
        assertThat(Quantity.parse("1Gi").hashCode()).isEqualTo(Quantity.parse("1024Mi").hashCode());
        assertThat(Quantity.parse("500m").add(Quantity.parse("0.5"))).hasToString("1");
        assertThat(Quantity.parse("2").subtract(Quantity.parse("500m"))).hasToString("1500m");
    }

    @Test
    void scaledValuesRoundAwayFromZero() {
        assertThat(Quantity.parse("1.5").value()).isEqualTo(2);
        assertThat(Quantity.parse("250m").milliValue()).isEqualTo(250);
        assertThat(Quantity.parse("1u").milliValue()).isEqualTo(1);
        assertThat(Quantity.parse("2").milliValue()).isEqualTo(2000);
        assertThat(Quantity.parse("128Mi").value()).isEqualTo(134_217_728L);
        assertThat(Quantity.parse("-1.5").value()).isEqualTo(-2);
        assertThat(Quantity.parse("1e999999").value()).isEqualTo(Long.MAX_VALUE);
        assertThat(Quantity.parse("1e-999999").milliValue()).isEqualTo(1);
        assertThat(Quantity.ofMillis(250)).hasToString("250m");
        assertThat(Quantity.of(3000)).hasToString("3k");
    }

    @Test
    void rejectsWhatUpstreamRejects() {
        for (String text : new String[]{"", "1Q", "1 m", "abc", "1.2.3", "1Gib", "1e", "1e1.5", "1mi", "Mi", "-", "+", " 1", "1e99999999999"}) {
            assertThatThrownBy(() -> Quantity.parse(text)).as(text)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
        }
        assertThatThrownBy(() -> Quantity.parse("1Q")).hasMessage(Quantity.FORMAT_WRONG);
        assertThatThrownBy(() -> Quantity.parse("1mi")).hasMessage(Quantity.SUFFIX_WRONG);
    }

    @Provide
    Arbitrary<String> quantities() {
        Arbitrary<String> sign = Arbitraries.of("", "", "-", "+");
        Arbitrary<String> integer = Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(12);
        Arbitrary<String> fraction = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.strings().numeric().ofMaxLength(12).map(digits -> "." + digits));
        Arbitrary<String> suffix = Arbitraries.of("", "n", "u", "m", "k", "M", "G", "T", "P", "E",
                "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "e3", "e-2", "E0", "e25", "e-12");
        return Combinators.combine(sign, integer, fraction, suffix)
                .filter((s, i, f, x) -> !(i + f).isEmpty())
                .as((s, i, f, x) -> s + i + f + x);
    }

    @Property(tries = 3000)
    void canonicalFormParsesBackToTheSameValueAndIsStable(@ForAll("quantities") String text) {
        Quantity quantity = Quantity.parse(text);
        Quantity reparsed = Quantity.parse(quantity.toString());
        assertThat(reparsed).isEqualTo(quantity);
        assertThat(reparsed.toString()).isEqualTo(quantity.toString());
    }

    @Property(tries = 2000)
    void parsingIsExactToTheNano(@ForAll("quantities") String text) {
        Quantity quantity = Quantity.parse(text);
        BigDecimal nanos = quantity.amount().movePointRight(9);
        assertThat(nanos.stripTrailingZeros().scale()).isLessThanOrEqualTo(0);
    }

    @Property(tries = 2000)
    void arbitraryTextFailsOnlyWithBadRequest(@ForAll("quantityish") String text) {
        try {
            Quantity.parse(text);
        } catch (ApiException e) {
            assertThat(e.code()).isEqualTo(400);
        }
    }

    @Provide
    Arbitrary<String> quantityish() {
        return Arbitraries.oneOf(Arbitraries.strings().withChars("0123456789.+-eEinumkKMGTP ").ofMaxLength(16),
                Arbitraries.strings().ofMaxLength(16));
    }
}
