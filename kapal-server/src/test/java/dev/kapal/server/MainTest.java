package dev.kapal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapal.apiserver.tls.InetLiterals;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final List<ServerConfig> started = new ArrayList<>();

    private int run(Map<String, String> environment, String... args) {
        return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true), environment,
                config -> {
                    started.add(config);
                    return 0;
                });
    }

    private int run(String... args) {
        return run(Map.of(), args);
    }

    private ServerConfig startedWith(String... args) {
        assertThat(run(args)).as(err.toString()).isZero();
        assertThat(started).hasSize(1);
        return started.getFirst();
    }

    @Test
    void versionPrintsKapalAndKubernetesVersions() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString().strip()).matches("kapal version v\\d+\\.\\d+\\.\\d+\\S* \\(Kubernetes v1\\.33\\.\\d+\\)");
    }

    @Test
    void helpListsTheServerCommand() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("server");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void serverHelpListsK3sFlags() {
        assertThat(run("server", "--help")).isZero();
        assertThat(out.toString()).contains("--data-dir", "--https-listen-port", "--bind-address", "--advertise-address",
                "--tls-san", "--write-kubeconfig", "--write-kubeconfig-mode", "--datastore-endpoint", "--cluster-cidr",
                "--service-cidr", "--cluster-dns", "--cluster-domain", "--node-name", "--disable-agent", "--container-runtime-endpoint", "--sim-nodes",
                "--sim-node-capacity", "--node-monitor-grace-period", "--kubelet-port");
        assertThat(started).isEmpty();
    }

    @Test
    void unknownFlagIsOneLineAndExitTwo() {
        assertThat(run("server", "--no-such-flag")).isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(err.toString()).contains("--no-such-flag");
        assertThat(out.toString()).isEmpty();
        assertThat(started).isEmpty();
    }

    @Test
    void unknownCommandIsOneLineAndExitTwo() {
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(1);
    }

    @Test
    void badValuesAreOneLineAndExitTwo() {
        List<List<String>> bad = List.of(
                List.of("--service-cidr", "10.43.0.0/33"),
                List.of("--service-cidr", "10.43.0.5/16"),
                List.of("--cluster-cidr", "not-a-cidr"),
                List.of("--https-listen-port", "65536"),
                List.of("--https-listen-port", "-1"),
                List.of("--bind-address", "example.com"),
                List.of("--advertise-address", "10.0.0.300"),
                List.of("--write-kubeconfig-mode", "888"),
                List.of("--write-kubeconfig-mode", "rw"),
                List.of("--tls-san", "bad_name!"),
                List.of("--datastore-endpoint", "mysql://db"),
                List.of("--cluster-dns", "10.99.0.10"),
                List.of("--cluster-cidr", "10.43.0.0/16"),
                List.of("--node-name", "Not_A_Node"),
                List.of("--cluster-domain", "-bad-"),
                List.of("--controllers", "*,-no-such-controller"),
                List.of("--controllers", "replicasets-controller"));
        for (List<String> flags : bad) {
            StringWriter errors = new StringWriter();
            List<String> args = new ArrayList<>(List.of("server"));
            args.addAll(flags);
            int status = Main.execute(args.toArray(String[]::new), new PrintWriter(new StringWriter()),
                    new PrintWriter(errors, true), Map.of(), config -> 0);
            assertThat(status).as(String.join(" ", flags)).isEqualTo(2);
            assertThat(errors.toString().lines()).as(String.join(" ", flags)).hasSize(1);
            assertThat(errors.toString()).doesNotContain("Exception", "\tat ");
        }
    }

    @Test
    void defaultsAreK3s() {
        ServerConfig config = startedWith("server");

        assertThat(config.httpsPort()).isEqualTo(6443);
        assertThat(InetLiterals.format(config.bindAddress())).isEqualTo("0.0.0.0");
        assertThat(config.clusterCidr()).hasToString("10.42.0.0/16");
        assertThat(config.serviceCidr()).hasToString("10.43.0.0/16");
        assertThat(InetLiterals.format(config.clusterDns())).isEqualTo("10.43.0.10");
        assertThat(InetLiterals.format(config.serviceIp())).isEqualTo("10.43.0.1");
        assertThat(config.clusterDomain()).isEqualTo("cluster.local");
        assertThat(config.datastoreEndpoint()).isEmpty();
        assertThat(config.writeKubeconfig()).isEmpty();
        assertThat(PosixFilePermissions.toString(config.kubeconfigMode())).isEqualTo("rw-------");
        assertThat(config.disableAgent()).isFalse();
        assertThat(config.controllers()).containsExactly("*");
        assertThat(config.dataDirectory()).isEqualTo(ServerConfig.defaultDataDirectory(ServerCommand.isRoot(),
                Path.of(System.getProperty("user.home"))));
        assertThat(config.nodeName()).isEqualTo(LocalHost.detect().hostName());
        assertThat(config.datastoreDescription())
                .isEqualTo("sqlite://" + config.dataDirectory().resolve("server/db/state.db"));
    }

    @Test
    void flagsAreApplied() {
        ServerConfig config = startedWith("server", "-d", "/srv/k", "--https-listen-port", "7443",
                "--bind-address", "127.0.0.1", "--advertise-address", "192.168.1.5", "--tls-san", "a.example.com,10.1.1.1",
                "--tls-san", "B.example.com", "-o", "/tmp/kc.yaml", "--write-kubeconfig-mode", "0644",
                "--datastore-endpoint", "memory://", "--service-cidr", "10.96.0.0/12", "--cluster-domain", "corp.local",
                "--node-name", "node-1", "--disable-agent", "--controllers", "*,-serviceaccount,-garbage-collector-controller");

        assertThat(config.dataDirectory()).isEqualTo(Path.of("/srv/k"));
        assertThat(config.httpsPort()).isEqualTo(7443);
        assertThat(InetLiterals.format(config.advertiseAddress())).isEqualTo("192.168.1.5");
        assertThat(config.tlsSans()).containsExactly("a.example.com", "10.1.1.1", "b.example.com");
        assertThat(config.writeKubeconfig()).contains(Path.of("/tmp/kc.yaml"));
        assertThat(PosixFilePermissions.toString(config.kubeconfigMode())).isEqualTo("rw-r--r--");
        assertThat(config.datastoreEndpoint()).isEqualTo("memory://");
        assertThat(InetLiterals.format(config.serviceIp())).isEqualTo("10.96.0.1");
        assertThat(InetLiterals.format(config.clusterDns())).as("derived from the service CIDR").isEqualTo("10.96.0.10");
        assertThat(config.clusterDomain()).isEqualTo("corp.local");
        assertThat(config.nodeName()).isEqualTo("node-1");
        assertThat(config.disableAgent()).isTrue();
        assertThat(config.controllers()).containsExactly("*", "-serviceaccount", "-garbage-collector-controller");
        assertThat(config.localServerUrl(7443)).isEqualTo("https://127.0.0.1:7443");
    }

    @Test
    void theAgentRunsByDefaultOnManagedContainerdOrOnTheGivenCriSocket() {
        ServerConfig defaults = startedWith("server");
        assertThat(defaults.disableAgent()).isFalse();
        assertThat(defaults.containerRuntimeEndpoint()).isEmpty();
        started.clear();
        ServerConfig existing = startedWith("server", "--container-runtime-endpoint", "unix:///run/containerd/containerd.sock");
        assertThat(existing.containerRuntimeEndpoint()).contains("unix:///run/containerd/containerd.sock");
        started.clear();
        assertThat(run("server", "--container-runtime-endpoint", "tcp://10.0.0.1:1234")).isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(err.toString()).contains("only unix:// endpoints");
        assertThat(started).isEmpty();
    }

    @Test
    void simulatedNodesAreOffByDefaultAndConfiguredByTheirFlags() {
        ServerConfig defaults = startedWith("server");
        assertThat(defaults.simNodes()).isZero();
        assertThat(defaults.simNodeCapacity()).isEqualTo(dev.kapal.kubelet.SimulatedNodes.Capacity.DEFAULT);
        started.clear();

        ServerConfig config = startedWith("server", "--sim-nodes", "200", "--sim-node-capacity", "cpu=8,memory=32Gi");
        assertThat(config.simNodes()).isEqualTo(200);
        assertThat(config.simNodeCapacity().cpu()).isEqualTo(new io.fabric8.kubernetes.api.model.Quantity("8"));
        assertThat(config.simNodeCapacity().memory()).isEqualTo(new io.fabric8.kubernetes.api.model.Quantity("32Gi"));
        assertThat(config.simNodeCapacity().pods()).as("unset keys keep the default")
                .isEqualTo(new io.fabric8.kubernetes.api.model.Quantity("110"));

        for (List<String> flags : List.of(List.of("--sim-nodes", "-1"), List.of("--sim-nodes", "many"),
                List.of("--sim-node-capacity", "gpu=1"), List.of("--sim-node-capacity", "cpu=lots"),
                List.of("--sim-node-capacity", "cpu"), List.of("--sim-node-capacity", "pods=0"))) {
            StringWriter errors = new StringWriter();
            List<String> args = new ArrayList<>(List.of("server"));
            args.addAll(flags);
            int status = Main.execute(args.toArray(String[]::new), new PrintWriter(new StringWriter()),
                    new PrintWriter(errors, true), Map.of(), ignored -> 0);
            assertThat(status).as(String.join(" ", flags)).isEqualTo(2);
            assertThat(errors.toString().lines()).as(String.join(" ", flags)).hasSize(1);
        }
    }

    @Test
    void nodeMonitorGracePeriodTakesGoDurations() {
        assertThat(startedWith("server").nodeMonitorGracePeriod()).isEqualTo(java.time.Duration.ofSeconds(50));
        started.clear();
        assertThat(startedWith("server", "--node-monitor-grace-period", "1m30s").nodeMonitorGracePeriod())
                .isEqualTo(java.time.Duration.ofSeconds(90));
        started.clear();
        assertThat(startedWith("server", "--node-monitor-grace-period", "20s").nodeMonitorGracePeriod())
                .isEqualTo(java.time.Duration.ofSeconds(20));
        started.clear();
        assertThat(ControllersComponent.parameters(startedWith("server", "--node-monitor-grace-period", "1.5m"), "")
                .nodeLifecycle().monitorGracePeriod()).isEqualTo(java.time.Duration.ofSeconds(90));

        for (String value : List.of("20", "-5s", "0s", "5s", "ten seconds", "1x")) {
            StringWriter errors = new StringWriter();
            int status = Main.execute(new String[] {"server", "--node-monitor-grace-period", value}, new PrintWriter(new StringWriter()),
                    new PrintWriter(errors, true), Map.of(), ignored -> 0);
            assertThat(status).as(value).isEqualTo(2);
            assertThat(errors.toString().lines()).as(value).hasSize(1);
        }
    }

    @Test
    void environmentSuppliesDefaultsAndFlagsWin() {
        assertThat(run(Map.of("KAPAL_DATA_DIR", "/env/dir", "KAPAL_KUBECONFIG_MODE", "640",
                "KAPAL_HTTPS_LISTEN_PORT", "8443"), "server", "--https-listen-port", "9443")).isZero();

        ServerConfig config = started.getFirst();
        assertThat(config.dataDirectory()).isEqualTo(Path.of("/env/dir"));
        assertThat(PosixFilePermissions.toString(config.kubeconfigMode())).isEqualTo("rw-r-----");
        assertThat(config.httpsPort()).isEqualTo(9443);
    }

    @Test
    void dataDirectoryDefaultsLikeK3s() {
        assertThat(ServerConfig.defaultDataDirectory(true, Path.of("/root"))).isEqualTo(Path.of("/var/lib/kapal"));
        assertThat(ServerConfig.defaultDataDirectory(false, Path.of("/home/ana"))).isEqualTo(Path.of("/home/ana/.kapal"));
    }

    @Test
    void failureOfTheServerIsExitOneWithOneLine() {
        int status = Main.execute(new String[] {"server"}, new PrintWriter(out), new PrintWriter(err, true), Map.of(),
                config -> {
                    throw new IllegalStateException("port 6443 is in use");
                });
        assertThat(status).isEqualTo(1);
        assertThat(err.toString().lines()).containsExactly("kapal server: port 6443 is in use");
    }
}
