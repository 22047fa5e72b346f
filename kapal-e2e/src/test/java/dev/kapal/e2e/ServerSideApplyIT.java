package dev.kapal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Server-side apply with real kubectl (1.27, 1.30, 1.33) on the seed deployment: apply, the
 * conflict kubectl prints for a second manager, {@code --force-conflicts}, the move from
 * client-side to server-side apply, managed fields shown only on request, and
 * {@code apply --prune -l}.
 */
@Timeout(180)
class ServerSideApplyIT {
    static final List<String> VERSIONS = Kubectl.VERSIONS;
    private static KapalProcess server;

    @BeforeAll
    static void startServer() throws Exception {
        server = KapalProcess.startFresh();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static String seed() throws IOException {
        try (InputStream yaml = ServerSideApplyIT.class.getResourceAsStream("/seeds/nginx-deployment.yaml")) {
            return new String(yaml.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String withReplicas(String seed, int replicas) {
        return seed.replace("replicas: 3", "replicas: " + replicas);
    }

    private static Kubectl.Result ok(Kubectl.Result result) {
        assertThat(result.ok()).as("%s", result).isTrue();
        return result;
    }

    private static String namespace(Kubectl kubectl, String prefix) {
        String name = prefix + "-" + kubectl.version().replace(".", "-");
        ok(kubectl.run("create", "namespace", name));
        return name;
    }

    @ParameterizedTest(name = "kubectl {0}")
    @FieldSource("VERSIONS")
    void applyConflictAndForce(String version) throws IOException {
        Kubectl kubectl = Kubectl.of(version, server.kubeconfig());
        String ns = namespace(kubectl, "ssa");
        Kubectl.Result applied = ok(kubectl.runWithInput(seed(), "apply", "--server-side", "-n", ns, "-f", "-"));
        assertThat(applied.out()).isEqualTo("deployment.apps/nginx-deployment serverside-applied\n");

        String yaml = ok(kubectl.run("get", "deployment", "nginx-deployment", "-n", ns, "-o", "yaml")).out();
        assertThat(yaml).doesNotContain("managedFields");
        String shown = ok(kubectl.run("get", "deployment", "nginx-deployment", "-n", ns, "-o", "yaml",
                "--show-managed-fields")).out();
        assertThat(shown).contains("managedFields:", "manager: kubectl", "operation: Apply", "f:replicas: {}",
                "k:{\"name\":\"nginx\"}:", "k:{\"containerPort\":80,\"protocol\":\"TCP\"}:");

        Kubectl.Result conflict = kubectl.runWithInput(withReplicas(seed(), 5), "apply", "--server-side",
                "--field-manager=other", "-n", ns, "-f", "-");
        assertThat(conflict.exitCode()).as("%s", conflict).isEqualTo(1);
        assertThat(conflict.err()).contains(
                "Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas",
                "Please review the fields above--they currently have other managers.",
                "--force-conflicts");

        Kubectl.Result forced = ok(kubectl.runWithInput(withReplicas(seed(), 5), "apply", "--server-side",
                "--field-manager=other", "--force-conflicts", "-n", ns, "-f", "-"));
        assertThat(forced.out()).isEqualTo("deployment.apps/nginx-deployment serverside-applied\n");
        assertThat(ok(kubectl.run("get", "deployment", "nginx-deployment", "-n", ns, "-o",
                "jsonpath={.spec.replicas}")).out()).isEqualTo("5");
        String owners = ok(kubectl.run("get", "deployment", "nginx-deployment", "-n", ns, "-o",
                "jsonpath={range .metadata.managedFields[*]}{.manager}/{.operation}={.fieldsV1.f:spec.f:replicas}{\"\\n\"}{end}")).out();
        assertThat(owners.lines()).contains("other/Apply={}", "kubectl/Apply=");

        // A plain update takes the field as an Update manager, named (without --field-manager) after
        // the user agent's first segment: the binary's name, kubectl.1.27 for the side-by-side binaries.
        ok(kubectl.run("scale", "deployment", "nginx-deployment", "-n", ns, "--replicas=2"));
        Kubectl.Result again = kubectl.runWithInput(withReplicas(seed(), 5), "apply", "--server-side",
                "--field-manager=other", "-n", ns, "-f", "-");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).containsPattern(
                "Apply failed with 1 conflict: conflict with \"kubectl[^\"]*\" using apps/v1: \\.spec\\.replicas");
    }

    @ParameterizedTest(name = "kubectl {0}")
    @FieldSource("VERSIONS")
    void clientSideApplyMovesToServerSideApply(String version) throws IOException {
        Kubectl kubectl = Kubectl.of(version, server.kubeconfig());
        String ns = namespace(kubectl, "csa");
        assertThat(ok(kubectl.runWithInput(seed(), "apply", "-n", ns, "-f", "-")).out())
                .isEqualTo("deployment.apps/nginx-deployment created\n");
        assertThat(ok(kubectl.run("get", "deployment", "nginx-deployment", "-n", ns, "-o",
                "jsonpath={range .metadata.managedFields[*]}{.manager}/{.operation}{\"\\n\"}{end}")).out().lines())
                .contains("kubectl-client-side-apply/Update");

        Kubectl.Result upgraded = ok(kubectl.runWithInput(withReplicas(seed(), 4), "apply", "--server-side", "-n", ns,
                "-f", "-"));
        assertThat(upgraded.out()).isEqualTo("deployment.apps/nginx-deployment serverside-applied\n");
        assertThat(ok(kubectl.run("get", "deployment", "nginx-deployment", "-n", ns, "-o",
                "jsonpath={.spec.replicas}")).out()).isEqualTo("4");
        String owners = ok(kubectl.run("get", "deployment", "nginx-deployment", "-n", ns, "-o",
                "jsonpath={range .metadata.managedFields[*]}{.manager}/{.operation}={.fieldsV1.f:spec.f:replicas}{\"\\n\"}{end}")).out();
        assertThat(owners.lines()).contains("kubectl/Apply={}");
        assertThat(owners.lines()).noneMatch(line -> line.startsWith("kubectl-client-side-apply/") && line.endsWith("={}"));

        // And back: client-side apply still works on the upgraded object. (Its verb is "configured":
        // the last-applied annotation server-side apply kept differs in shape from kubectl's own.)
        assertThat(ok(kubectl.runWithInput(withReplicas(seed(), 4), "apply", "-n", ns, "-f", "-")).out())
                .matches("deployment.apps/nginx-deployment (unchanged|configured)\n");
        assertThat(ok(kubectl.run("get", "deployment", "nginx-deployment", "-n", ns, "-o",
                "jsonpath={.spec.replicas}")).out()).isEqualTo("4");
    }

    @ParameterizedTest(name = "kubectl {0}")
    @FieldSource("VERSIONS")
    void applyPrunesBySelector(String version) {
        Kubectl kubectl = Kubectl.of(version, server.kubeconfig());
        String ns = namespace(kubectl, "prune");
        String two = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: keep, labels: {app: pruned}}
                data: {a: "1"}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: drop, labels: {app: pruned}}
                data: {a: "2"}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: other, labels: {app: elsewhere}}
                data: {a: "3"}
                """;
        ok(kubectl.runWithInput(two, "apply", "-n", ns, "-f", "-"));
        String one = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: keep, labels: {app: pruned}}
                data: {a: "1"}
                """;
        Kubectl.Result pruned = ok(kubectl.runWithInput(one, "apply", "--prune", "-l", "app=pruned", "-n", ns, "-f", "-"));
        assertThat(pruned.out()).isEqualTo("configmap/keep unchanged\nconfigmap/drop pruned\n");
        assertThat(ok(kubectl.run("get", "configmaps", "-n", ns, "-l", "app", "-o", "name")).out())
                .isEqualTo("configmap/keep\nconfigmap/other\n");
    }
}
