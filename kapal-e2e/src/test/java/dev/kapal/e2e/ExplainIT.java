package dev.kapal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * {@code kubectl explain} (from the OpenAPI documents) and server-side field validation (which
 * kubectl asks for by default) with real kubectl 1.27, 1.30 and 1.33 against one real kapal server.
 */
@Timeout(120)
class ExplainIT {
    static final List<String> VERSIONS = Kubectl.VERSIONS;
    private static KapalProcess server;

    private static final String CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: crontabs.stable.example.com
            spec:
              group: stable.example.com
              scope: Namespaced
              names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    description: CronTab runs a command on a schedule.
                    properties:
                      spec:
                        type: object
                        description: The schedule and what to run.
                        required: [cronSpec]
                        properties:
                          cronSpec: {type: string, description: A cron expression for when to run.}
                          image: {type: string, description: The container image to run.}
            """;

    @BeforeAll
    static void startServer() throws Exception {
        server = KapalProcess.startFresh();
        Kubectl kubectl = Kubectl.of("1.33", server.kubeconfig());
        Kubectl.Result crd = kubectl.runWithInput(CRD, "apply", "-f", "-");
        assertThat(crd.ok()).as("%s", crd).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> kubectl.run("get", "crontabs").ok());
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static Kubectl kubectl(String version) {
        return Kubectl.of(version, server.kubeconfig());
    }

    @ParameterizedTest(name = "kubectl {0}")
    @FieldSource("VERSIONS")
    void explainsAFieldOfABuiltinKindWithItsDocumentationAndTypes(String version) {
        Kubectl.Result explained = kubectl(version).run("explain", "pod.spec.containers.resources");
        assertThat(explained.ok()).as("%s", explained).isTrue();
        assertThat(explained.out()).contains("KIND:       Pod", "VERSION:    v1",
                "FIELD: resources <ResourceRequirements>",
                "ResourceRequirements describes the compute resource requirements.",
                "limits\t<map[string]Quantity>", "claims\t<[]ResourceClaim>",
                "Limits describes the maximum amount of compute resources allowed.");
    }

    @ParameterizedTest(name = "kubectl {0}")
    @FieldSource("VERSIONS")
    void explainsAKindRecursivelyWithRequiredFields(String version) {
        Kubectl.Result explained = kubectl(version).run("explain", "deployment", "--recursive");
        assertThat(explained.ok()).as("%s", explained).isTrue();
        assertThat(explained.out()).contains("GROUP:      apps", "KIND:       Deployment",
                "Deployment enables declarative updates for Pods and ReplicaSets.");
        assertThat(explained.out().lines().map(String::strip).toList()).contains(
                "selector\t<LabelSelector> -required-", "template\t<PodTemplateSpec> -required-",
                "containers\t<[]Container> -required-", "maxSurge\t<IntOrString>", "metadata\t<ObjectMeta>");
    }

    @ParameterizedTest(name = "kubectl {0}")
    @FieldSource("VERSIONS")
    void explainsACustomResourceFromItsCrdSchema(String version) {
        Kubectl.Result explained = kubectl(version).run("explain", "crontab.spec");
        assertThat(explained.ok()).as("%s", explained).isTrue();
        assertThat(explained.out()).contains("GROUP:      stable.example.com", "KIND:       CronTab",
                "The schedule and what to run.", "A cron expression for when to run.");
        assertThat(explained.out().lines().map(String::strip).toList()).contains("cronSpec\t<string> -required-", "image\t<string>");
    }

    @ParameterizedTest(name = "kubectl {0}")
    @FieldSource("VERSIONS")
    void unknownFieldsAreRefusedByDefaultAndWarnedAboutOnRequest(String version) {
        Kubectl kubectl = kubectl(version);
        String name = "unknown-" + version.replace(".", "-");
        String manifest = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %s
                data:
                  a: b
                spec:
                  foo: bar
                """.formatted(name);
        Kubectl.Result strict = kubectl.runWithInput(manifest, "create", "-f", "-");
        assertThat(strict.exitCode()).as("%s", strict).isEqualTo(1);
        assertThat(strict.err()).contains("Error from server (BadRequest): error when creating \"STDIN\": ConfigMap in version \"v1\""
                + " cannot be handled as a ConfigMap: strict decoding error: unknown field \"spec\"");

        Kubectl.Result warned = kubectl.runWithInput(manifest, "create", "--validate=warn", "-f", "-");
        assertThat(warned.ok()).as("%s", warned).isTrue();
        assertThat(warned.err()).contains("Warning: unknown field \"spec\"");
        assertThat(warned.out()).isEqualTo("configmap/" + name + " created\n");

        Kubectl.Result crontab = kubectl.runWithInput("""
                apiVersion: stable.example.com/v1
                kind: CronTab
                metadata:
                  name: %s
                spec:
                  cronSpec: "* * * * */5"
                  replicas: 3
                """.formatted(name), "create", "-f", "-");
        assertThat(crontab.exitCode()).as("%s", crontab).isEqualTo(1);
        assertThat(crontab.err()).contains("strict decoding error: unknown field \"spec.replicas\"");
    }
}
