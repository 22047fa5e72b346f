package dev.kapal.apiserver.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.List;
import org.junit.jupiter.api.Test;

class InetLiteralsTest {
    @Test
    void recognisesLiteralsAndNothingElse() {
        assertThat(InetLiterals.parse("10.43.0.1")).get().isInstanceOf(Inet4Address.class);
        assertThat(InetLiterals.parse("::1")).get().isInstanceOf(Inet6Address.class);
        assertThat(InetLiterals.parse("[fd00::1]")).get().isInstanceOf(Inet6Address.class);
        for (String notAnAddress : List.of("localhost", "10.43.0", "10.43.0.256", "1.2.3.4.5", "01.2.3.4",
                "example.com", "10.0.0.1a", ":::", "fe80::1%eth0", "")) {
            assertThat(InetLiterals.parse(notAnAddress)).as(notAnAddress).isEmpty();
        }
    }

    @Test
    void formatsIpv6Compressed() {
        assertThat(InetLiterals.format(InetLiterals.parse("0:0:0:0:0:0:0:1").orElseThrow())).isEqualTo("::1");
        assertThat(InetLiterals.format(InetLiterals.parse("fd00:0:0:1:0:0:0:5").orElseThrow())).isEqualTo("fd00:0:0:1::5");
        assertThat(InetLiterals.formatForUrl(InetLiterals.parse("::1").orElseThrow())).isEqualTo("[::1]");
        assertThat(InetLiterals.formatForUrl(InetLiterals.parse("127.0.0.1").orElseThrow())).isEqualTo("127.0.0.1");
    }
}
