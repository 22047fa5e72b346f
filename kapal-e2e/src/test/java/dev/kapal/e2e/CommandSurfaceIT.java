package dev.kapal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * kubectl's everyday command surface, each family tried with real kubectl 1.27, 1.30 and 1.33 on
 * one {@code kapal server} with a simulated node, the lines that matter compared with what
 * upstream prints: the {@code create} generators and their verbs, {@code run}/{@code expose}/
 * {@code scale}/{@code autoscale}/{@code set}, label and annotate with {@code --overwrite} and
 * {@code key-}, {@code describe} of every common kind with its events at the bottom, the discovery
 * commands ({@code api-resources} with its flags, {@code api-versions}, {@code cluster-info}),
 * {@code auth whoami}/{@code can-i}, {@code wait} in its three forms, {@code events}, {@code diff},
 * {@code get --raw}, dry runs, every output format, patch in all three types, {@code replace
 * --force}, {@code edit}, {@code taint} and the delete flags. Each version works in a namespace of
 * its own.
 */
@Timeout(300)
class CommandSurfaceIT {
    static final List<String> VERSIONS = Kubectl.VERSIONS;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NODE = "sim-0";
    private static KapalProcess server;
    private static Path work;

    @BeforeAll
    static void startServer() throws Exception {
        server = KapalProcess.startFresh("--sim-nodes", "1");
        work = Files.createTempDirectory("kapal-command-surface");
        Kubectl kubectl = Kubectl.of("1.33", server.kubeconfig());
        kubectl.awaitOutput(WAIT, out -> out.contains(" Ready "), "get", "node", NODE);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static Kubectl.Result ok(Kubectl.Result result) {
        assertThat(result.ok()).as("%s", result).isTrue();
        return result;
    }

    private static String ns(String version) {
        return "surface-" + version.replace(".", "-");
    }

    @ParameterizedTest(name = "kubectl {0}")
    @FieldSource("VERSIONS")
    void createGeneratorsAndWorkloadVerbs(String version) throws Exception {
        Kubectl k = Kubectl.of(version, server.kubeconfig());
        String ns = ns(version);
        assertThat(ok(k.run("create", "namespace", ns)).out()).isEqualTo("namespace/" + ns + " created\n");
        Path env = work.resolve("app-" + version + ".env");
        Files.writeString(env, "MODE=fast\nLEVEL=3\n");
        Path cert = work.resolve("cert.pem");
        Path key = work.resolve("key.pem");
        if (!Files.exists(cert)) {
            Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                    "-out", cert.toString(), "-days", "1", "-subj", "/CN=kapal.test").redirectErrorStream(true).start();
            openssl.getInputStream().readAllBytes();
            assertThat(openssl.waitFor()).isZero();
        }
        List<List<String>> creates = List.of(
                List.of("configmap/literal", "configmap", "literal", "--from-literal=a=1", "--from-literal=b=2"),
                List.of("configmap/from-env", "configmap", "from-env", "--from-env-file=" + env),
                List.of("configmap/from-file", "configmap", "from-file", "--from-file=" + env),
                List.of("secret/generic", "secret", "generic", "generic", "--from-literal=password=s3cret"),
                List.of("secret/tls", "secret", "tls", "tls", "--cert=" + cert, "--key=" + key),
                List.of("secret/regcred", "secret", "docker-registry", "regcred", "--docker-server=registry.example",
                        "--docker-username=u", "--docker-password=p"),
                List.of("deployment.apps/web", "deployment", "web", "--image=busybox:1.36", "--replicas=2"),
                List.of("service/cip", "service", "clusterip", "cip", "--tcp=80:8080"),
                List.of("service/np", "service", "nodeport", "np", "--tcp=80:8080"),
                List.of("service/lb", "service", "loadbalancer", "lb", "--tcp=80:8080"),
                List.of("service/ext", "service", "externalname", "ext", "--external-name=example.com"),
                List.of("serviceaccount/robot", "serviceaccount", "robot"),
                List.of("role.rbac.authorization.k8s.io/reader", "role", "reader", "--verb=get,list", "--resource=pods"),
                List.of("rolebinding.rbac.authorization.k8s.io/reader", "rolebinding", "reader", "--role=reader", "--user=bob"),
                List.of("resourcequota/quota", "quota", "quota", "--hard=pods=10,requests.cpu=2"),
                List.of("poddisruptionbudget.policy/pdb", "poddisruptionbudget", "pdb", "--selector=app=web", "--min-available=1"),
                List.of("ingress.networking.k8s.io/ing", "ingress", "ing", "--rule=foo.example/bar*=cip:80"),
                List.of("job.batch/once", "job", "once", "--image=busybox:1.36", "--", "echo", "hi"),
                List.of("cronjob.batch/tick", "cronjob", "tick", "--image=busybox:1.36", "--schedule=*/5 * * * *", "--", "date"));
        for (List<String> create : creates) {
            List<String> arguments = new java.util.ArrayList<>(List.of("create", "-n", ns));
            arguments.addAll(create.subList(1, create.size()));
            assertThat(ok(k.run(arguments.toArray(String[]::new))).out()).isEqualTo(create.getFirst() + " created\n");
        }
        String tag = version.replace(".", "-");
        assertThat(ok(k.run("create", "clusterrole", "nodes-" + tag, "--verb=list", "--resource=nodes")).out())
                .isEqualTo("clusterrole.rbac.authorization.k8s.io/nodes-" + tag + " created\n");
        assertThat(ok(k.run("create", "clusterrolebinding", "nodes-" + tag, "--clusterrole=nodes-" + tag, "--user=bob")).out())
                .isEqualTo("clusterrolebinding.rbac.authorization.k8s.io/nodes-" + tag + " created\n");
        assertThat(ok(k.run("create", "priorityclass", "high-" + tag, "--value=1000")).out())
                .isEqualTo("priorityclass.scheduling.k8s.io/high-" + tag + " created\n");
        assertThat(ok(k.run("get", "-n", ns, "secret", "regcred", "-o", "jsonpath={.type}")).out())
                .isEqualTo("kubernetes.io/dockerconfigjson");
        assertThat(ok(k.run("get", "-n", ns, "configmap", "from-env", "-o", "jsonpath={.data.LEVEL}")).out()).isEqualTo("3");

        assertThat(ok(k.run("run", "-n", ns, "solo", "--image=busybox:1.36", "--", "sleep", "3600")).out()).isEqualTo("pod/solo created\n");
        assertThat(ok(k.run("expose", "-n", ns, "deployment", "web", "--port=80", "--name=web-svc")).out())
                .isEqualTo("service/web-svc exposed\n");
        assertThat(ok(k.run("scale", "-n", ns, "deployment", "web", "--replicas=3")).out()).isEqualTo("deployment.apps/web scaled\n");
        assertThat(ok(k.run("autoscale", "-n", ns, "deployment", "web", "--min=1", "--max=5", "--cpu-percent=80")).out())
                .isEqualTo("horizontalpodautoscaler.autoscaling/web autoscaled\n");
        assertThat(ok(k.run("set", "image", "-n", ns, "deployment/web", "busybox=busybox:1.37")).out())
                .isEqualTo("deployment.apps/web image updated\n");
        assertThat(ok(k.run("set", "env", "-n", ns, "deployment/web", "MODE=slow")).out()).isEqualTo("deployment.apps/web env updated\n");
        assertThat(ok(k.run("set", "resources", "-n", ns, "deployment/web", "--limits=cpu=200m")).out())
                .isEqualTo("deployment.apps/web resource requirements updated\n");
        assertThat(ok(k.run("set", "serviceaccount", "-n", ns, "deployment", "web", "robot")).out())
                .isEqualTo("deployment.apps/web serviceaccount updated\n");
        assertThat(ok(k.run("set", "selector", "-n", ns, "service", "cip", "app=web")).out()).isEqualTo("service/cip selector updated\n");

        assertThat(ok(k.run("label", "-n", ns, "pod", "solo", "tier=front")).out()).isEqualTo("pod/solo labeled\n");
        Kubectl.Result clash = k.run("label", "-n", ns, "pod", "solo", "tier=back");
        assertThat(clash.exitCode()).isNotZero();
        assertThat(clash.err()).contains("'tier' already has a value (front), and --overwrite is false");
        assertThat(ok(k.run("label", "-n", ns, "pod", "solo", "tier=back", "--overwrite")).out()).isEqualTo("pod/solo labeled\n");
        assertThat(ok(k.run("label", "-n", ns, "pod", "solo", "tier-")).out()).isEqualTo("pod/solo unlabeled\n");
        // kubectl 1.27 prints "annotate" (its own typo, kubernetes/kubernetes#119846, fixed in 1.28).
        String annotated = version.equals("1.27") ? "pod/solo annotate\n" : "pod/solo annotated\n";
        assertThat(ok(k.run("annotate", "-n", ns, "pod", "solo", "note=x")).out()).isEqualTo(annotated);
        assertThat(ok(k.run("annotate", "-n", ns, "pod", "solo", "note-")).out()).isEqualTo(annotated);

        k.awaitOutput(WAIT, "Running"::equals, "get", "-n", ns, "pod", "solo", "-o", "jsonpath={.status.phase}");
        String pod = ok(k.run("describe", "-n", ns, "pod", "solo")).out();
        assertThat(pod).containsPattern("(?m)^Name:\\s+solo$").containsPattern("(?m)^Namespace:\\s+" + ns + "$")
                .containsPattern("(?m)^Node:\\s+" + NODE + "/").containsPattern("(?m)^Status:\\s+Running$")
                .containsPattern("(?m)^QoS Class:\\s+BestEffort$").contains("Containers:\n  solo:\n");
        assertThat(pod.substring(pod.lastIndexOf("Events:"))).containsPattern("Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+"
                + "Successfully assigned " + ns + "/solo to " + NODE);
        String deployment = ok(k.run("describe", "-n", ns, "deployment", "web")).out();
        assertThat(deployment).containsPattern("(?m)^Replicas:\\s+3 desired \\| \\d+ updated \\| \\d+ total \\| \\d+ available")
                .containsPattern("(?m)^StrategyType:\\s+RollingUpdate$").contains("Service Account:  robot")
                .containsPattern("(?m)^NewReplicaSet:\\s+web-");
        assertThat(deployment.substring(deployment.lastIndexOf("Events:"))).contains("ScalingReplicaSet").contains("deployment-controller");
        String replicaSet = ok(k.run("describe", "-n", ns, "replicaset", "-l", "app=web")).out();
        assertThat(replicaSet).containsPattern("(?m)^Controlled By:\\s+Deployment/web$").contains("SuccessfulCreate");
        String service = ok(k.run("describe", "-n", ns, "service", "cip")).out();
        assertThat(service).containsPattern("(?m)^Type:\\s+ClusterIP$").containsPattern("(?m)^Port:\\s+80-8080\\s+80/TCP$")
                .containsPattern("(?m)^TargetPort:\\s+8080/TCP$").containsPattern("(?m)^Selector:\\s+app=web$");
        // kubectl walks the data map in Go's random order.
        assertThat(ok(k.run("describe", "-n", ns, "configmap", "literal")).out()).contains("Data\n====\n")
                .contains("a:\n----\n1\n").contains("b:\n----\n2\n");
        assertThat(ok(k.run("describe", "-n", ns, "secret", "generic")).out()).containsPattern("(?m)^Type:\\s+Opaque$")
                .containsPattern("(?m)^password:\\s+6 bytes$");
        // Seed 004: kubectl describe ingress.
        assertThat(ok(k.run("describe", "-n", ns, "ingress", "ing")).out()).containsPattern("(?m)^Rules:$")
                .containsPattern("(?m)^\\s+Host\\s+Path\\s+Backends$").containsPattern("(?m)^\\s+foo.example\\s*$")
                .containsPattern("(?m)^\\s+/bar\\s+cip:80 ");
        assertThat(ok(k.run("describe", "namespace", ns)).out()).containsPattern("(?m)^Status:\\s+Active$").contains("Resource Quotas");
        String node = ok(k.run("describe", "node", NODE)).out();
        assertThat(node).containsPattern("(?m)^Roles:\\s+").contains("Conditions:").containsPattern("Ready\\s+True")
                .contains("Allocated resources:").contains("Non-terminated Pods:");
    }

    @ParameterizedTest(name = "kubectl {0}")
    @FieldSource("VERSIONS")
    void discoveryAuthWaitEventsDiffAndOutputs(String version) throws Exception {
        Kubectl k = Kubectl.of(version, server.kubeconfig());
        String ns = ns(version) + "-b";
        ok(k.run("create", "namespace", ns));
        List<String> wide = ok(k.run("api-resources", "-o", "wide")).out().lines().toList();
        assertThat(wide.getFirst()).matches("NAME\\s+SHORTNAMES\\s+APIVERSION\\s+NAMESPACED\\s+KIND\\s+VERBS\\s+CATEGORIES");
        assertThat(wide).anyMatch(line -> line.matches("deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment\\s+"
                + "create,delete,deletecollection,get,list,patch,update,watch\\s+all"));
        assertThat(ok(k.run("api-resources", "--namespaced=false")).out().lines())
                .anyMatch(line -> line.matches("nodes\\s+no\\s+v1\\s+false\\s+Node")).noneMatch(line -> line.startsWith("pods "));
        assertThat(ok(k.run("api-resources", "--verbs=list", "--api-group=apps", "-o", "name")).out().lines())
                .contains("deployments.apps", "replicasets.apps", "statefulsets.apps", "daemonsets.apps");
        assertThat(ok(k.run("api-versions")).out().lines()).contains("v1", "apps/v1", "batch/v1", "rbac.authorization.k8s.io/v1");
        // cluster-info colours its output whatever stdout is.
        assertThat(ok(k.run("cluster-info")).out().replaceAll("\u001b\\[[0-9;]*m", ""))
                .contains("Kubernetes control plane is running at https://");
        if (!version.equals("1.27")) {  // auth whoami arrived in kubectl 1.28 (beta)
            assertThat(ok(k.run("auth", "whoami")).out()).containsPattern("Username\\s+system:admin");
        }
        assertThat(ok(k.run("auth", "can-i", "create", "pods", "-n", ns)).out()).isEqualTo("yes\n");

        ok(k.run("create", "deployment", "-n", ns, "app", "--image=busybox:1.36", "--replicas=1", "--", "sleep", "3600"));
        assertThat(ok(k.run("wait", "-n", ns, "--for=condition=Available", "deployment/app", "--timeout=60s")).out())
                .isEqualTo("deployment.apps/app condition met\n");
        if (!version.equals("1.27")) {  // --for=jsonpath with a value arrived in 1.23, but 1.27's parser wants '=' forms only
            assertThat(ok(k.run("wait", "-n", ns, "--for=jsonpath={.spec.replicas}=1", "deployment/app", "--timeout=30s")).out())
                    .isEqualTo("deployment.apps/app condition met\n");
        }
        ok(k.run("create", "configmap", "-n", ns, "doomed", "--from-literal=a=1"));
        Process waiting = k.start("wait", "-n", ns, "--for=delete", "configmap/doomed", "--timeout=60s");
        ok(k.run("delete", "-n", ns, "configmap", "doomed"));
        assertThat(waiting.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(waiting.exitValue()).isZero();

        List<String> events = ok(k.run("events", "-n", ns)).out().lines().toList();
        assertThat(events.getFirst()).matches("LAST SEEN\\s+TYPE\\s+REASON\\s+OBJECT\\s+MESSAGE");
        assertThat(events).anyMatch(line -> line.matches(".*Normal\\s+ScalingReplicaSet\\s+Deployment/app\\s+Scaled up replica set app-.*"));

        Path file = work.resolve("diff-" + version + ".yaml");
        Files.writeString(file, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: diffed\n  namespace: " + ns + "\ndata:\n  a: \"1\"\n");
        assertThat(ok(k.run("apply", "-f", file.toString())).out()).isEqualTo("configmap/diffed created\n");
        assertThat(k.run("diff", "-f", file.toString()).exitCode()).isZero();
        Files.writeString(file, Files.readString(file).replace("a: \"1\"", "a: \"2\""));
        Kubectl.Result diff = k.run("diff", "-f", file.toString());
        assertThat(diff.exitCode()).isEqualTo(1);
        assertThat(diff.out()).contains("-  a: \"1\"\n+  a: \"2\"\n");
        assertThat(ok(k.run("get", "-n", ns, "configmap", "diffed", "-o", "jsonpath={.data.a}")).out()).isEqualTo("1");

        assertThat(ok(k.run("create", "configmap", "-n", ns, "dry", "--from-literal=a=1", "--dry-run=server", "-o", "name")).out())
                .isEqualTo("configmap/dry\n");
        assertThat(k.run("get", "-n", ns, "configmap", "dry").err()).contains("configmaps \"dry\" not found");
        assertThat(ok(k.run("create", "configmap", "-n", ns, "dry", "--from-literal=a=1", "--dry-run=client", "-o", "yaml")).out())
                .contains("kind: ConfigMap", "name: dry", "creationTimestamp: null");
        var raw = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ok(k.run("get", "--raw", "/api/v1/namespaces/" + ns)).out());
        assertThat(raw.path("kind").asText()).isEqualTo("Namespace");
        assertThat(raw.path("status").path("phase").asText()).isEqualTo("Active");

        assertThat(ok(k.run("get", "-n", ns, "deployment", "app", "-o", "custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas")).out())
                .matches("NAME\\s+REPLICAS\\napp\\s+1\\n");
        assertThat(ok(k.run("get", "-n", ns, "deployment", "app", "-o", "go-template={{.metadata.name}}")).out()).isEqualTo("app");
        assertThat(ok(k.run("get", "-n", ns, "deployment", "-o", "name")).out()).isEqualTo("deployment.apps/app\n");
        assertThat(ok(k.run("get", "-n", ns, "configmaps", "--chunk-size=1", "-o", "name")).out().lines())
                .contains("configmap/diffed", "configmap/kube-root-ca.crt");
        assertThat(ok(k.run("get", "-n", ns, "deployment", "app", "-o", "json")).out()).contains("\"kind\": \"Deployment\"");
        assertThat(ok(k.run("get", "-n", ns, "deployment", "app", "-o", "wide")).out().lines().findFirst().orElseThrow())
                .matches("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE\\s+CONTAINERS\\s+IMAGES\\s+SELECTOR");
    }

    /** Seed 003's Label/label-pod.yaml, verbatim (its separator comment and trailing space included). */
    private static final String LABEL_PODS = """
            ## Label/label-pod.yaml
            apiVersion: v1
            kind: Pod
            metadata:
              name: nginx-pod-a
              labels:
                env: test
                app: photo-view
            spec:
              containers:
              - image: nginx
                name: photoview-container

            --- ## --- 를 사용해 하나의 파일에 2개의 리소스 정보 입력 가능

            apiVersion: v1\s
            kind: Pod
            metadata:
              name: nginx-pod-b
              labels:
                env: test
                app: imagetrain
            spec:
              containers:
              - image: nginx
                name: photoview-container
            """;

    /** Seed 003's label session: apply, --show-labels, apply again (unchanged/configured), and -l in every selector form. */
    @ParameterizedTest(name = "kubectl {0}")
    @FieldSource("VERSIONS")
    void seed003LabelSelectors(String version) throws Exception {
        Kubectl k = Kubectl.of(version, server.kubeconfig());
        String ns = ns(version) + "-labels";
        ok(k.run("create", "namespace", ns));
        Path file = work.resolve("label-pod-" + version + ".yaml");
        Files.writeString(file, LABEL_PODS);
        assertThat(ok(k.run("apply", "-n", ns, "-f", file.toString())).out())
                .isEqualTo("pod/nginx-pod-a created\npod/nginx-pod-b created\n");
        String shown = k.awaitOutput(WAIT, out -> out.lines().skip(1).filter(line -> line.contains(" Running ")).count() == 2,
                "get", "pod", "-n", ns, "--show-labels");
        List<String> lines = shown.lines().toList();
        assertThat(lines.getFirst()).matches("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s+LABELS");
        assertThat(lines.get(1)).matches("nginx-pod-a\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+app=photo-view,env=test");
        assertThat(lines.get(2)).matches("nginx-pod-b\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+app=imagetrain,env=test");

        Files.writeString(file, LABEL_PODS.replace("app: imagetrain", "app: predictoin"));
        assertThat(ok(k.run("apply", "-n", ns, "-f", file.toString())).out())
                .isEqualTo("pod/nginx-pod-a unchanged\npod/nginx-pod-b configured\n");
        assertThat(ok(k.run("get", "pod", "-n", ns, "--show-labels")).out().lines().toList().get(2))
                .matches("nginx-pod-b\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+app=predictoin,env=test");

        assertThat(names(k, ns, "app=photo-view,env=test")).containsExactly("nginx-pod-a");
        assertThat(names(k, ns, "app!=photo-view")).containsExactly("nginx-pod-b");
        assertThat(names(k, ns, "app in (photo-view,predictoin)")).containsExactly("nginx-pod-a", "nginx-pod-b");
        assertThat(names(k, ns, "app notin (photo-view)")).containsExactly("nginx-pod-b");
        assertThat(names(k, ns, "env")).containsExactly("nginx-pod-a", "nginx-pod-b");
        Kubectl.Result none = ok(k.run("get", "pod", "-n", ns, "-l", "!env"));
        assertThat(none.out()).isEmpty();
        assertThat(none.err()).isEqualTo("No resources found in " + ns + " namespace.\n");
        List<String> table = ok(k.run("get", "pod", "-n", ns, "-l", "app=photo-view,env=test")).out().lines().toList();
        assertThat(table.getFirst()).matches("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE");
        assertThat(table).hasSize(2);
    }

    private static List<String> names(Kubectl k, String ns, String selector) {
        return ok(k.run("get", "pod", "-n", ns, "-l", selector, "-o", "custom-columns=NAME:.metadata.name", "--no-headers"))
                .out().lines().toList();
    }

    /** Seed 004's ReplicaSet manifest, comment and all. */
    private static final String FRONTEND = """
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata:
              name: frontend
              labels:
                app: guestbook
                tier: frontend
            spec:
              # 케이스에 따라 레플리카를 수정한다.
              replicas: 3
              selector:
                matchLabels:
                  tier: frontend
              template:
                metadata:
                  labels:
                    tier: frontend
                spec:
                  containers:
                  - name: php-redis
                    image: gcr.io/google_samples/gb-frontend:v3
            """;

    /** Seed 004's ReplicaSet walk-through: apply, get rs, describe rs/frontend, get pods, a pod's YAML. */
    @ParameterizedTest(name = "kubectl {0}")
    @FieldSource("VERSIONS")
    void seed004ReplicaSetWalkThrough(String version) {
        Kubectl k = Kubectl.of(version, server.kubeconfig());
        String ns = ns(version) + "-seed";
        ok(k.run("create", "namespace", ns));
        assertThat(ok(k.runWithInput(FRONTEND, "apply", "-n", ns, "-f", "-")).out()).isEqualTo("replicaset.apps/frontend created\n");
        String rs = k.awaitOutput(WAIT, out -> out.lines().skip(1).anyMatch(line -> line.matches("frontend\\s+3\\s+3\\s+3\\s+\\S+")),
                "get", "rs", "-n", ns);
        assertThat(rs.lines().findFirst().orElseThrow()).matches("NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+AGE");

        String describe = ok(k.run("describe", "rs/frontend", "-n", ns)).out();
        assertThat(describe).containsPattern("(?m)^Name:\\s+frontend$").containsPattern("(?m)^Namespace:\\s+" + ns + "$")
                .containsPattern("(?m)^Selector:\\s+tier=frontend$").containsPattern("(?m)^Labels:\\s+app=guestbook\\n\\s+tier=frontend$")
                // The seed's kubectl (2020) listed the last-applied annotation; kubectl 1.27+ leaves it out of describe.
                .containsPattern("(?m)^Annotations:\\s+<none>$")
                .containsPattern("(?m)^Replicas:\\s+3 current / 3 desired$")
                .containsPattern("(?m)^Pods Status:\\s+3 Running / 0 Waiting / 0 Succeeded / 0 Failed$")
                .contains("Pod Template:\n  Labels:  tier=frontend\n  Containers:\n   php-redis:\n")
                .containsPattern("(?m)^    Image:\\s+gcr.io/google_samples/gb-frontend:v3$");
        assertThat(describe.substring(describe.indexOf("Events:")).lines()
                .filter(line -> line.matches("\\s+Normal\\s+SuccessfulCreate\\s+\\S+\\s+replicaset-controller\\s+Created pod: frontend-\\w{5}")))
                .hasSize(3);

        List<String> pods = ok(k.run("get", "pods", "-n", ns)).out().lines().toList();
        assertThat(pods.getFirst()).matches("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE");
        assertThat(pods.subList(1, pods.size())).hasSize(3).allMatch(line -> line.matches("frontend-\\w{5}\\s+1/1\\s+Running\\s+0\\s+\\S+"));
        String name = pods.get(1).split("\\s+")[0];
        assertThat(ok(k.run("get", "pods", name, "-n", ns, "-o", "yaml")).out())
                .contains("apiVersion: v1\nkind: Pod\nmetadata:\n").contains("  generateName: frontend-\n")
                .contains("    kind: ReplicaSet\n    name: frontend\n");
    }

    @ParameterizedTest(name = "kubectl {0}")
    @FieldSource("VERSIONS")
    void patchReplaceEditTaintAndDelete(String version) throws Exception {
        Kubectl k = Kubectl.of(version, server.kubeconfig());
        String ns = ns(version) + "-c";
        ok(k.run("create", "namespace", ns));
        ok(k.run("create", "deployment", "-n", ns, "app", "--image=busybox:1.36", "--replicas=1", "--", "sleep", "3600"));
        assertThat(ok(k.run("patch", "-n", ns, "deployment", "app", "-p", "{\"spec\":{\"replicas\":2}}")).out())
                .isEqualTo("deployment.apps/app patched\n");
        assertThat(ok(k.run("patch", "-n", ns, "deployment", "app", "--type=merge", "-p", "{\"spec\":{\"replicas\":2}}")).out())
                .isEqualTo("deployment.apps/app patched (no change)\n");
        assertThat(ok(k.run("patch", "-n", ns, "deployment", "app", "--type=json",
                "-p", "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":1}]")).out()).isEqualTo("deployment.apps/app patched\n");
        Kubectl.Result edited = k.runWithEnvironment(java.util.Map.of("EDITOR", "sed -i s/replicas:\\ 1/replicas:\\ 3/",
                "KUBE_EDITOR", "sed -i s/replicas:\\ 1/replicas:\\ 3/"), "edit", "-n", ns, "deployment", "app");
        assertThat(ok(edited).out()).isEqualTo("deployment.apps/app edited\n");
        assertThat(ok(k.run("get", "-n", ns, "deployment", "app", "-o", "jsonpath={.spec.replicas}")).out()).isEqualTo("3");

        ok(k.run("create", "configmap", "-n", ns, "swap", "--from-literal=a=1"));
        Path file = work.resolve("replace-" + version + ".yaml");
        Files.writeString(file, ok(k.run("get", "-n", ns, "configmap", "swap", "-o", "yaml")).out());
        assertThat(ok(k.run("replace", "--force", "-f", file.toString())).out())
                .isEqualTo("configmap \"swap\" deleted\nconfigmap/swap replaced\n");

        String taint = "surface-" + version.replace(".", "-");
        assertThat(ok(k.run("taint", "node", NODE, taint + "=yes:NoSchedule")).out()).isEqualTo("node/" + NODE + " tainted\n");
        assertThat(ok(k.run("taint", "node", NODE, taint + ":NoSchedule-")).out()).isEqualTo("node/" + NODE + " untainted\n");

        ok(k.run("run", "-n", ns, "victim", "--image=busybox:1.36", "--", "sleep", "3600"));
        Kubectl.Result forced = k.run("delete", "-n", ns, "pod", "victim", "--grace-period=0", "--force");
        assertThat(ok(forced).out()).isEqualTo("pod \"victim\" force deleted\n");
        assertThat(forced.err()).contains("Immediate deletion does not wait for confirmation");
        ok(k.run("create", "job", "-n", ns, "keep-pods", "--image=busybox:1.36", "--", "sleep", "1"));
        assertThat(ok(k.run("delete", "-n", ns, "job", "keep-pods", "--cascade=orphan")).out()).isEqualTo("job.batch \"keep-pods\" deleted\n");
        assertThat(ok(k.run("delete", "-n", ns, "deployment", "app", "--cascade=foreground", "--wait")).out())
                .isEqualTo("deployment.apps \"app\" deleted\n");
        ok(k.run("create", "configmap", "-n", ns, "a", "--from-literal=a=1"));
        ok(k.run("create", "configmap", "-n", ns, "b", "--from-literal=a=1"));
        ok(k.run("label", "-n", ns, "configmap", "a", "b", "group=x"));
        assertThat(ok(k.run("delete", "-n", ns, "configmap", "-l", "group=x")).out())
                .isEqualTo("configmap \"a\" deleted\nconfigmap \"b\" deleted\n");
        assertThat(ok(k.run("delete", "-n", ns, "configmap", "--all")).out()).contains("configmap \"kube-root-ca.crt\" deleted\n");
    }
}
