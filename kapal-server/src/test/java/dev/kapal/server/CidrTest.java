package dev.kapal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapal.apiserver.tls.InetLiterals;
import org.junit.jupiter.api.Test;

class CidrTest {
    @Test
    void computesAddressesInsideTheNetwork() {
        Cidr services = Cidr.parse("10.43.0.0/16");
        assertThat(InetLiterals.format(services.address(1))).isEqualTo("10.43.0.1");
        assertThat(InetLiterals.format(services.address(10))).isEqualTo("10.43.0.10");
        assertThat(InetLiterals.format(services.address(65535))).isEqualTo("10.43.255.255");
        assertThatThrownBy(() -> services.address(65536)).isInstanceOf(IllegalArgumentException.class);
        assertThat(services.contains(InetLiterals.parse("10.43.7.7").orElseThrow())).isTrue();
        assertThat(services.contains(InetLiterals.parse("10.44.0.0").orElseThrow())).isFalse();
        assertThat(services.contains(InetLiterals.parse("::1").orElseThrow())).isFalse();
    }

    @Test
    void ipv6Works() {
        Cidr cidr = Cidr.parse("fd00:43::/112");
        assertThat(InetLiterals.format(cidr.address(1))).isEqualTo("fd00:43::1");
        assertThat(cidr).hasToString("fd00:43::/112");
    }

    @Test
    void overlapIsDetectedBothWays() {
        assertThat(Cidr.parse("10.0.0.0/8").overlaps(Cidr.parse("10.43.0.0/16"))).isTrue();
        assertThat(Cidr.parse("10.43.0.0/16").overlaps(Cidr.parse("10.0.0.0/8"))).isTrue();
        assertThat(Cidr.parse("10.42.0.0/16").overlaps(Cidr.parse("10.43.0.0/16"))).isFalse();
    }

    @Test
    void rejectsWhatIsNotACidr() {
        for (String bad : new String[] {"10.43.0.0", "10.43.0.0/", "10.43.0.0/33", "10.43.0.1/16", "host/16",
                "::/129", "10.43.0.0/-1", "10.43.0.0/1a"}) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Cidr.parse("10.43.0.1/16")).hasMessageContaining("did you mean 10.43.0.0/16");
    }
}
