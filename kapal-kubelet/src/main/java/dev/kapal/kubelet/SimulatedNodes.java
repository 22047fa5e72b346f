package dev.kapal.kubelet;

import dev.kapal.kubelet.runtime.sim.SimRuntime;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The simulated nodes of {@code --sim-nodes N}: {@code sim-0} … {@code sim-(N-1)}, each with the
 * given capacity (allocatable the same), the standard labels ({@code kubernetes.io/hostname},
 * {@code kubernetes.io/os=linux}, {@code kubernetes.io/arch=amd64} and their {@code beta.}
 * forms, {@code topology.kubernetes.io/zone} spread round-robin over {@code zone-a},
 * {@code zone-b}, {@code zone-c}, and {@code node.kapal.dev/simulated=true}), an InternalIP
 * from 172.16.0.0/12 (one per node, never a real host's), and a {@link SimRuntime} each, all on
 * one {@link KubeletHost} and one timer thread. They honour the {@code sim.kapal.dev/down}
 * annotation.
 */
public final class SimulatedNodes {
    public static final String SIMULATED_LABEL = "node.kapal.dev/simulated";
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";
    public static final List<String> ZONES = List.of("zone-a", "zone-b", "zone-c");
    /** The kubelet version simulated (and, later, real) nodes report. */
    public static final String KUBELET_VERSION = "v1.33.0+kapal";

    private SimulatedNodes() {
    }

    /**
     * A sim node's capacity; {@code --sim-node-capacity cpu=32,memory=256Gi,pods=110}.
     */
    public record Capacity(Quantity cpu, Quantity memory, Quantity pods) {
        public static final Capacity DEFAULT = new Capacity(new Quantity("32"), new Quantity("256Gi"), new Quantity("110"));

        public Capacity {
            Objects.requireNonNull(cpu, "cpu");
            Objects.requireNonNull(memory, "memory");
            Objects.requireNonNull(pods, "pods");
        }

        /**
         * Parses {@code key=quantity} pairs separated by commas; keys {@code cpu}, {@code memory},
         * {@code pods}; missing keys keep the default.
         *
         * @throws IllegalArgumentException naming what is wrong
         */
        public static Capacity parse(String text) {
            Quantity cpu = DEFAULT.cpu();
            Quantity memory = DEFAULT.memory();
            Quantity pods = DEFAULT.pods();
            for (String part : text.split(",")) {
                String item = part.strip();
                if (item.isEmpty()) {
                    continue;
                }
                int equals = item.indexOf('=');
                if (equals <= 0) {
                    throw new IllegalArgumentException("'" + item + "' is not key=quantity");
                }
                String key = item.substring(0, equals).strip().toLowerCase(Locale.ROOT);
                Quantity value = quantity(item.substring(equals + 1).strip(), key);
                switch (key) {
                    case "cpu" -> cpu = value;
                    case "memory" -> memory = value;
                    case "pods" -> pods = value;
                    default -> throw new IllegalArgumentException("unknown resource '" + key + "' (cpu, memory, pods)");
                }
            }
            return new Capacity(cpu, memory, pods);
        }

        private static Quantity quantity(String text, String key) {
            try {
                Quantity quantity = new Quantity(text);
                if (text.isEmpty() || Quantity.getAmountInBytes(quantity).signum() <= 0) {
                    throw new IllegalArgumentException(key + " must be a positive quantity, not '" + text + "'");
                }
                return quantity;
            } catch (IllegalArgumentException invalid) {
                throw invalid.getMessage() != null && invalid.getMessage().startsWith(key) ? invalid
                        : new IllegalArgumentException(key + ": '" + text + "' is not a quantity");
            } catch (RuntimeException invalid) {
                throw new IllegalArgumentException(key + ": '" + text + "' is not a quantity");
            }
        }

        Map<String, Quantity> asMap() {
            Map<String, Quantity> map = new LinkedHashMap<>();
            map.put("cpu", cpu);
            map.put("memory", memory);
            map.put("pods", pods);
            return map;
        }
    }

    /** The name of the {@code index}th sim node. */
    public static String name(int index) {
        return "sim-" + index;
    }

    /** The registration of the {@code index}th sim node. */
    public static NodeConfig config(int index, Capacity capacity) {
        String name = name(index);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("beta.kubernetes.io/arch", "amd64");
        labels.put("beta.kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("kubernetes.io/hostname", name);
        labels.put("kubernetes.io/os", "linux");
        labels.put(SIMULATED_LABEL, "true");
        labels.put(ZONE_LABEL, ZONES.get(index % ZONES.size()));
        int address = (172 << 24 | 16 << 16) + index + 1;
        String ip = ((address >>> 24) & 0xff) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
        List<NodeAddress> addresses = List.of(new NodeAddress(ip, "InternalIP"), new NodeAddress(name, "Hostname"));
        String id = UUID.nameUUIDFromBytes(("kapal-sim-node/" + name).getBytes(StandardCharsets.UTF_8)).toString();
        NodeConfig.NodeInfo info = new NodeConfig.NodeInfo(id.replace("-", ""), id, UUID.randomUUID().toString(),
                "kapal-sim", "Kapal simulated node", "linux", "amd64", KUBELET_VERSION);
        return new NodeConfig(name, labels, Map.of("volumes.kubernetes.io/controller-managed-attach-detach", "true"),
                capacity.asMap(), capacity.asMap(), addresses, info, true);
    }

    /**
     * A host running {@code count} sim nodes on {@code timers} (which also drives the simulated
     * containers); the caller starts and closes it, and shuts {@code timers} down after.
     */
    public static KubeletHost host(KubernetesClient client, int count, Capacity capacity, KubeletHost.Options options,
                                   ScheduledExecutorService timers, Clock clock) {
        KubeletHost host = new KubeletHost(client, options, clock, timers);
        List<NodeConfig> configs = new ArrayList<>(count);
        for (int index = 0; index < count; index++) {
            configs.add(config(index, capacity));
        }
        for (NodeConfig config : configs) {
            host.addNode(config, new SimRuntime(timers, clock));
        }
        return host;
    }
}
