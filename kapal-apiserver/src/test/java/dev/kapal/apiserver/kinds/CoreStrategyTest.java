package dev.kapal.apiserver.kinds;

import static dev.kapal.apiserver.kinds.Objects.create;
import static dev.kapal.apiserver.kinds.Objects.update;
import static dev.kapal.apiserver.kinds.Objects.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.StatusCause;
import dev.kapal.apiserver.registry.Strategy;
import org.junit.jupiter.api.Test;

class CoreStrategyTest {
    private final Strategy services = Objects.strategy("v1", "services");
    private final Strategy namespaces = Objects.strategy("v1", "namespaces");
    private final Strategy configMaps = Objects.strategy("v1", "configmaps");
    private final Strategy secrets = Objects.strategy("v1", "secrets");

    @Test
    void aMinimalServiceIsDefaultedAsKubernetesShowsIt() {
        ObjectNode service = yaml("""
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  selector: {app: web}
                  ports: [{port: 80}]
                """);
        assertThat(create(services, service)).isEmpty();
        assertThat(service.get("spec")).isEqualTo(yaml("""
                internalTrafficPolicy: Cluster
                ipFamilies: [IPv4]
                ipFamilyPolicy: SingleStack
                ports: [{port: 80, protocol: TCP, targetPort: 80}]
                selector: {app: web}
                sessionAffinity: None
                type: ClusterIP
                """));
        assertThat(service.get("status")).isEqualTo(yaml("{loadBalancer: {}}"));
        assertThat(services.selectableFields(service)).containsEntry("spec.type", "ClusterIP").containsEntry("spec.clusterIP", "");
    }

    @Test
    void serviceMistakesAreReported() {
        ObjectNode service = yaml("""
                metadata: {name: web}
                spec:
                  type: Magic
                  ports: [{port: 0, targetPort: 70000}, {name: b, port: 81, protocol: ICMP}]
                """);
        assertThat(create(services, service)).extracting(StatusCause::describe).contains(
                "spec.type: Unsupported value: \"Magic\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"",
                "spec.ports[0].name: Required value",
                "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                "spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
                "spec.ports[1].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"");
        assertThat(create(services, yaml("{metadata: {name: s}, spec: {selector: {app: x}}}")))
                .extracting(StatusCause::describe).containsExactly("spec.ports: Required value");
    }

    @Test
    void anAssignedClusterIpIsKeptWhenOmittedAndMayNotChange() {
        ObjectNode old = yaml("{metadata: {name: s}, spec: {ports: [{port: 80}], clusterIP: 10.43.0.5, clusterIPs: [10.43.0.5]}}");
        create(services, old);
        ObjectNode reapplied = yaml("{metadata: {name: s}, spec: {ports: [{port: 80}]}}");
        assertThat(update(services, reapplied, old)).isEmpty();
        assertThat(reapplied.at("/spec/clusterIP").asText()).isEqualTo("10.43.0.5");

        ObjectNode changed = yaml("{metadata: {name: s}, spec: {ports: [{port: 80}], clusterIP: 10.43.0.9, clusterIPs: [10.43.0.9]}}");
        assertThat(update(services, changed, old)).extracting(StatusCause::describe).containsExactly(
                "spec.clusterIPs[0]: Invalid value: []string{\"10.43.0.9\"}: may not change once set");
    }

    @Test
    void namespacesAreActiveFinalizedAndLabelledWithTheirName() {
        ObjectNode namespace = yaml("{apiVersion: v1, kind: Namespace, metadata: {name: team-a}}");
        assertThat(create(namespaces, namespace)).isEmpty();
        assertThat(namespace).isEqualTo(yaml("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: team-a
                  labels: {kubernetes.io/metadata.name: team-a}
                spec: {finalizers: [kubernetes]}
                status: {phase: Active}
                """));
        ObjectNode edited = namespace.deepCopy();
        ((ObjectNode) edited.get("spec")).putArray("finalizers");
        update(namespaces, edited, namespace);
        assertThat(edited.at("/spec/finalizers/0").asText()).isEqualTo("kubernetes");
        assertThat(namespaces.selectableFields(namespace)).containsEntry("status.phase", "Active");
    }

    @Test
    void configMapKeysAreChecked() {
        ObjectNode configMap = yaml("{metadata: {name: c}, data: {good.key: a, 'bad key': b, '..x': c}, binaryData: {good.key: Zm9v}}");
        assertThat(create(configMaps, configMap)).extracting(StatusCause::describe).containsExactlyInAnyOrder(
                "data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, "
                        + "'-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
                "data[..x]: Invalid value: \"..x\": must not start with '..'",
                "binaryData: Invalid value: \"good.key\": duplicate of key present in data");
    }

    @Test
    void immutableConfigMapsKeepTheirData() {
        ObjectNode old = yaml("{metadata: {name: c}, immutable: true, data: {a: b}}");
        ObjectNode changed = yaml("{metadata: {name: c}, immutable: true, data: {a: c}}");
        assertThat(update(configMaps, changed, old)).extracting(StatusCause::describe)
                .containsExactly("data: Forbidden: field is immutable when `immutable` is set");
    }

    @Test
    void secretsAreOpaqueFoldStringDataAndCheckTheirType() {
        ObjectNode secret = yaml("{metadata: {name: s}, stringData: {password: hunter2}}");
        assertThat(create(secrets, secret)).isEmpty();
        assertThat(secret.at("/type").asText()).isEqualTo("Opaque");
        assertThat(secret.has("stringData")).isFalse();
        assertThat(secret.at("/data/password").asText()).isEqualTo("aHVudGVyMg==");
        assertThat(secrets.selectableFields(secret)).containsEntry("type", "Opaque");

        ObjectNode tls = yaml("{metadata: {name: t}, type: kubernetes.io/tls, data: {tls.crt: YQ==}}");
        assertThat(create(secrets, tls)).extracting(StatusCause::describe).containsExactly("data[tls.key]: Required value");

        ObjectNode retyped = secret.deepCopy().put("type", "kubernetes.io/basic-auth");
        assertThat(update(secrets, retyped, secret)).extracting(StatusCause::describe)
                .contains("type: Invalid value: \"kubernetes.io/basic-auth\": field is immutable");
    }

    @Test
    void volumesAndClaimsStartPending() {
        ObjectNode claim = yaml("{metadata: {name: c}, spec: {accessModes: [ReadWriteOnce]}}");
        create(Objects.strategy("v1", "persistentvolumeclaims"), claim);
        assertThat(claim.at("/spec/volumeMode").asText()).isEqualTo("Filesystem");
        assertThat(claim.at("/status/phase").asText()).isEqualTo("Pending");
        ObjectNode volume = yaml("{metadata: {name: v}, spec: {hostPath: {path: /tmp}}}");
        create(Objects.strategy("v1", "persistentvolumes"), volume);
        assertThat(volume.at("/spec/persistentVolumeReclaimPolicy").asText()).isEqualTo("Retain");
        assertThat(volume.at("/status/phase").asText()).isEqualTo("Pending");
    }

    @Test
    void eventsSelectOnTheirInvolvedObject() {
        Strategy events = Objects.strategy("v1", "events");
        ObjectNode event = yaml("""
                metadata: {name: e}
                involvedObject: {kind: Pod, name: web-1, namespace: default}
                reason: Scheduled
                source: {component: default-scheduler}
                type: Normal
                """);
        assertThat(events.selectableFields(event)).containsEntry("involvedObject.kind", "Pod")
                .containsEntry("involvedObject.name", "web-1").containsEntry("reason", "Scheduled")
                .containsEntry("source", "default-scheduler").containsEntry("involvedObject.uid", "");
        assertThat(Objects.strategy("events.k8s.io/v1", "events").selectableFieldNames()).contains("regarding.kind");
    }

    @Test
    void otherGroupsGetTheirDefaults() {
        ObjectNode policy = yaml("{metadata: {name: p}, spec: {podSelector: {}, egress: [{}]}}");
        create(Objects.strategy("networking.k8s.io/v1", "networkpolicies"), policy);
        assertThat(policy.at("/spec/policyTypes")).isEqualTo(yaml("{t: [Ingress, Egress]}").get("t"));

        ObjectNode hpa = yaml("{metadata: {name: h}, spec: {maxReplicas: 5, scaleTargetRef: {kind: Deployment, name: web}}}");
        create(Objects.strategy("autoscaling/v2", "horizontalpodautoscalers"), hpa);
        assertThat(hpa.at("/spec/minReplicas").asInt()).isEqualTo(1);
        assertThat(hpa.at("/spec/metrics/0/resource/target/averageUtilization").asInt()).isEqualTo(80);
        assertThat(hpa.at("/spec/behavior/scaleDown/stabilizationWindowSeconds").asInt()).isEqualTo(300);

        ObjectNode ingress = yaml("{metadata: {name: i}, spec: {rules: [{http: {paths: [{path: /, backend: {}}]}}]}}");
        assertThat(create(Objects.strategy("networking.k8s.io/v1", "ingresses"), ingress))
                .extracting(StatusCause::describe)
                .containsExactly("spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified");

        ObjectNode priority = yaml("{metadata: {name: high}, value: 1000}");
        create(Objects.strategy("scheduling.k8s.io/v1", "priorityclasses"), priority);
        assertThat(priority.at("/preemptionPolicy").asText()).isEqualTo("PreemptLowerPriority");
    }
}
