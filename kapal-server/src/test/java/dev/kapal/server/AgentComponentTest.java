package dev.kapal.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AgentComponentTest {
    @Test
    void theKubeletCertificateNamesTheNodeAndHostOnceEachEvenWhenTheyAreTheSame() throws Exception {
        InetAddress address = InetAddress.getByName("10.0.0.5");
        // Without --node-name the node is named after the host: one name, not a failed start.
        assertThat(AgentComponent.kubeletServingNames("vm", "vm", address).dnsNames()).containsExactly("vm");
        assertThat(AgentComponent.kubeletServingNames("edge-1", "vm", address).dnsNames()).containsExactly("edge-1", "vm");
        assertThat(AgentComponent.kubeletServingNames("vm", "vm", address).ipAddresses()).containsExactly(address);
    }
}
