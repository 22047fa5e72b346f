package dev.kapal.apiserver.kinds;

import static dev.kapal.apiserver.kinds.Objects.create;
import static dev.kapal.apiserver.kinds.Objects.update;
import static dev.kapal.apiserver.kinds.Objects.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.StatusCause;
import dev.kapal.apiserver.registry.Strategy;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PodStrategyTest {
    private final Strategy pods = Objects.strategy("v1", "pods");

    private static ObjectNode nginx() {
        return yaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: nginx, namespace: default, uid: u1}
                spec:
                  containers:
                  - name: nginx
                    image: nginx
                    ports:
                    - containerPort: 80
                """);
    }

    @Test
    void aMinimalPodIsDefaultedAsKubernetesShowsIt() {
        ObjectNode pod = nginx();
        assertThat(create(pods, pod)).isEmpty();
        ObjectNode expected = yaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: nginx, namespace: default, uid: u1}
                spec:
                  containers:
                  - image: nginx
                    imagePullPolicy: Always
                    name: nginx
                    ports:
                    - containerPort: 80
                      protocol: TCP
                    resources: {}
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                  dnsPolicy: ClusterFirst
                  enableServiceLinks: true
                  restartPolicy: Always
                  schedulerName: default-scheduler
                  securityContext: {}
                  serviceAccount: default
                  serviceAccountName: default
                  terminationGracePeriodSeconds: 30
                status:
                  phase: Pending
                  qosClass: BestEffort
                """);
        assertThat(pod).isEqualTo(expected);
    }

    @Test
    void defaultingTwiceChangesNothing() {
        ObjectNode pod = nginx();
        create(pods, pod);
        ObjectNode once = pod.deepCopy();
        pods.applyDefaults(pod);
        assertThat(pod).isEqualTo(once);
    }

    @Test
    void pullPolicyFollowsTheTag() {
        assertThat(PodSpecs.pullPolicyFor("nginx")).isEqualTo("Always");
        assertThat(PodSpecs.pullPolicyFor("nginx:latest")).isEqualTo("Always");
        assertThat(PodSpecs.pullPolicyFor("nginx:1.27")).isEqualTo("IfNotPresent");
        assertThat(PodSpecs.pullPolicyFor("localhost:5000/busybox")).isEqualTo("Always");
        assertThat(PodSpecs.pullPolicyFor("localhost:5000/busybox:1.36")).isEqualTo("IfNotPresent");
        assertThat(PodSpecs.pullPolicyFor("busybox@sha256:abcd")).isEqualTo("IfNotPresent");
    }

    @Test
    void probesVolumesAndEnvGetTheirDefaults() {
        ObjectNode pod = yaml("""
                metadata: {name: p}
                spec:
                  containers:
                  - name: app
                    image: app:1
                    livenessProbe: {httpGet: {port: 8080}}
                    env:
                    - name: NODE
                      valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
                  volumes:
                  - name: config
                    configMap: {name: c}
                  - name: scratch
                """);
        assertThat(create(pods, pod)).isEmpty();
        assertThat(pod.at("/spec/containers/0/livenessProbe")).isEqualTo(yaml("""
                httpGet: {port: 8080, path: /, scheme: HTTP}
                timeoutSeconds: 1
                periodSeconds: 10
                successThreshold: 1
                failureThreshold: 3
                """));
        assertThat(pod.at("/spec/containers/0/env/0/valueFrom/fieldRef/apiVersion").asText()).isEqualTo("v1");
        assertThat(pod.at("/spec/volumes/0/configMap/defaultMode").asInt()).isEqualTo(420);
        assertThat(pod.at("/spec/volumes/1/emptyDir").isObject()).isTrue();
    }

    @Test
    void qosClassFollowsRequestsAndLimits() {
        ObjectNode guaranteed = yaml("""
                metadata: {name: p}
                spec:
                  containers:
                  - {name: a, image: a, resources: {limits: {cpu: "1", memory: 1Gi}}}
                """);
        create(pods, guaranteed);
        assertThat(guaranteed.at("/status/qosClass").asText()).isEqualTo("Guaranteed");
        assertThat(guaranteed.at("/spec/containers/0/resources/requests/cpu").asText()).isEqualTo("1");

        ObjectNode burstable = yaml("""
                metadata: {name: p}
                spec:
                  containers:
                  - {name: a, image: a, resources: {requests: {cpu: 500m}, limits: {cpu: "1", memory: 1Gi}}}
                """);
        create(pods, burstable);
        assertThat(burstable.at("/status/qosClass").asText()).isEqualTo("Burstable");
        assertThat(PodSpecs.qosClass(yaml("""
                containers:
                - {name: a, image: a, resources: {requests: {cpu: 1000m, memory: 1024Mi}, limits: {cpu: "1", memory: 1Gi}}}
                """))).isEqualTo("Guaranteed");
    }

    @Test
    void clientStatusIsReplacedOnCreate() {
        ObjectNode pod = nginx();
        pod.putObject("status").put("phase", "Running").put("podIP", "10.0.0.1");
        create(pods, pod);
        assertThat(pod.get("status")).isEqualTo(yaml("{phase: Pending, qosClass: BestEffort}"));
    }

    @Test
    void commonMistakesAreReportedWithUpstreamPathsAndMessages() {
        ObjectNode pod = yaml("""
                metadata: {name: p}
                spec:
                  restartPolicy: Sometimes
                  containers:
                  - name: web
                    image: nginx
                    imagePullPolicy: Maybe
                    ports: [{containerPort: 70000, protocol: FOO}]
                  - name: web
                  - name: Bad_Name
                    image: x
                """);
        List<StatusCause> causes = create(pods, pod);
        assertThat(causes).extracting(StatusCause::field, StatusCause::reason).contains(
                org.assertj.core.groups.Tuple.tuple("spec.containers[1].name", "FieldValueDuplicate"),
                org.assertj.core.groups.Tuple.tuple("spec.containers[1].image", "FieldValueRequired"),
                org.assertj.core.groups.Tuple.tuple("spec.containers[2].name", "FieldValueInvalid"),
                org.assertj.core.groups.Tuple.tuple("spec.containers[0].imagePullPolicy", "FieldValueNotSupported"),
                org.assertj.core.groups.Tuple.tuple("spec.containers[0].ports[0].containerPort", "FieldValueInvalid"),
                org.assertj.core.groups.Tuple.tuple("spec.containers[0].ports[0].protocol", "FieldValueNotSupported"),
                org.assertj.core.groups.Tuple.tuple("spec.restartPolicy", "FieldValueNotSupported"));
        assertThat(causes).extracting(StatusCause::describe).contains(
                "spec.containers[1].name: Duplicate value: \"web\"",
                "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
                "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
                "spec.containers[0].imagePullPolicy: Unsupported value: \"Maybe\": supported values: \"Always\", \"IfNotPresent\", \"Never\"");
    }

    @Test
    void aPodWithoutContainersNeedsThem() {
        assertThat(create(pods, yaml("{metadata: {name: p}, spec: {}}")))
                .extracting(StatusCause::describe).containsExactly("spec.containers: Required value");
    }

    @Test
    void mountsMustNameAVolume() {
        ObjectNode pod = yaml("""
                metadata: {name: p}
                spec:
                  containers:
                  - {name: a, image: a, volumeMounts: [{name: data, mountPath: /data}]}
                """);
        assertThat(create(pods, pod)).extracting(StatusCause::describe)
                .containsExactly("spec.containers[0].volumeMounts[0].name: Not found: \"data\"");
    }

    @Test
    void imagesMayChangeButNotTheRestOfTheSpec() {
        ObjectNode old = nginx();
        create(pods, old);
        ObjectNode newImage = old.deepCopy();
        ((ObjectNode) newImage.at("/spec/containers/0")).put("image", "nginx:1.27");
        assertThat(update(pods, newImage, old)).isEmpty();

        ObjectNode newPort = old.deepCopy();
        ((ObjectNode) newPort.at("/spec/containers/0/ports/0")).put("containerPort", 81);
        assertThat(update(pods, newPort, old)).extracting(StatusCause::field, StatusCause::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("spec", "FieldValueForbidden"));
        assertThat(update(pods, newPort, old).get(0).message()).startsWith("Forbidden: pod updates may not change fields other than `spec.containers[*].image`");

        ObjectNode addedToleration = old.deepCopy();
        ((ObjectNode) addedToleration.get("spec")).putArray("tolerations").addObject()
                .put("key", "dedicated").put("operator", "Exists");
        assertThat(update(pods, addedToleration, old)).isEmpty();
    }

    @Test
    void boundPodsAreDeletedGracefullyOthersAtOnce() {
        ObjectNode pod = nginx();
        create(pods, pod);
        assertThat(pods.gracefulDeletion(pod, OptionalLong.empty())).isEmpty();

        ((ObjectNode) pod.get("spec")).put("nodeName", "node-1");
        assertThat(pods.gracefulDeletion(pod, OptionalLong.empty())).hasValue(30);
        assertThat(pods.gracefulDeletion(pod, OptionalLong.of(5))).hasValue(5);
        assertThat(pods.gracefulDeletion(pod, OptionalLong.of(0))).isEmpty();

        ((ObjectNode) pod.get("status")).put("phase", "Succeeded");
        assertThat(pods.gracefulDeletion(pod, OptionalLong.empty())).isEmpty();
    }

    @Test
    void selectableFieldsAreUpstreams() {
        ObjectNode pod = nginx();
        create(pods, pod);
        ((ObjectNode) pod.get("spec")).put("nodeName", "node-1");
        ((ObjectNode) pod.get("status")).putArray("podIPs").addObject().put("ip", "10.42.0.7");
        assertThat(pods.selectableFields(pod)).containsEntry("spec.nodeName", "node-1")
                .containsEntry("spec.restartPolicy", "Always").containsEntry("spec.schedulerName", "default-scheduler")
                .containsEntry("spec.serviceAccountName", "default").containsEntry("spec.hostNetwork", "false")
                .containsEntry("status.phase", "Pending").containsEntry("status.podIP", "10.42.0.7")
                .containsEntry("status.nominatedNodeName", "");
        assertThat(pods.selectableFieldNames()).containsExactlyInAnyOrderElementsOf(pods.selectableFields(pod).keySet());
        assertThat(pods.tracksGeneration()).isTrue();
    }
}
