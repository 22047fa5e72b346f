package dev.kapal.api.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.kapal.api.ApiException;
import dev.kapal.api.GroupVersionKind;
import dev.kapal.api.Json;
import io.kubernetes.client.proto.IntStr.IntOrString;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Meta.ObjectMeta;
import io.kubernetes.client.proto.Resource.Quantity;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Scheduling;
import io.kubernetes.client.proto.V2beta2Autoscaling;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ProtobufCodecTest {

    /** kubectl 1.33 {@code create configmap c1 --from-literal=a=b}, captured on the wire. */
    private static final String KUBECTL_CONFIGMAP = "6b 38 73 00 0a 0f 0a 02 76 31 12 09 43 6f 6e 66 69 67 4d 61 70"
            + " 12 1c 0a 12 0a 02 63 31 12 00 1a 00 22 00 2a 00 32 00 38 00 42 00 12 06 0a 01 61 12 01 62"
            + " 1a 00 22 00";

    @Test
    void capturedKubectlConfigMapDecodesToItsJson() {
        byte[] body = HexFormat.of().parseHex(KUBECTL_CONFIGMAP.replace(" ", ""));

        assertThat(ProtobufCodec.decode(body)).isEqualTo(json("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1"},"data":{"a":"b"}}"""));
    }

    @Test
    void apiVersionAndKindComeFirst() {
        byte[] body = HexFormat.of().parseHex(KUBECTL_CONFIGMAP.replace(" ", ""));

        assertThat(Json.writeString(ProtobufCodec.decode(body)))
                .startsWith("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\"");
    }

    @Test
    void secretKeepsBinaryDataAsBase64AndEmptyValues() {
        V1.Secret secret = V1.Secret.newBuilder()
                .setMetadata(kubectlMeta("s1").setNamespace("team").putLabels("app", "web"))
                .putData("tls.key", ByteString.copyFrom(new byte[] {0, 1, 2, (byte) 0xff}))
                .putData("empty", ByteString.EMPTY)
                .putStringData("plain", "text")
                .setType("Opaque")
                .build();

        assertThat(ProtobufCodec.decode(envelope("v1", "Secret", secret))).isEqualTo(json("""
                {"apiVersion":"v1","kind":"Secret",
                 "metadata":{"name":"s1","namespace":"team","labels":{"app":"web"}},
                 "data":{"tls.key":"AAEC/w==","empty":""},
                 "stringData":{"plain":"text"},"type":"Opaque"}"""));
    }

    @Test
    void configMapBinaryDataAndImmutableFalseSurvive() {
        V1.ConfigMap map = V1.ConfigMap.newBuilder()
                .setMetadata(kubectlMeta("c2"))
                .putBinaryData("bin", ByteString.copyFromUtf8("hi"))
                .setImmutable(false)
                .build();

        assertThat(ProtobufCodec.decode(envelope("v1", "ConfigMap", map))).isEqualTo(json("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c2"},
                 "binaryData":{"bin":"aGk="},"immutable":false}"""));
    }

    @Test
    void namespaceWithEmptySpecAndStatusKeepsThemAsObjects() {
        // kubectl writes the non-pointer spec and status structs even when empty.
        V1.Namespace namespace = V1.Namespace.newBuilder()
                .setMetadata(kubectlMeta("ns1"))
                .setSpec(V1.NamespaceSpec.newBuilder())
                .setStatus(V1.NamespaceStatus.newBuilder().setPhase(""))
                .build();

        assertThat(ProtobufCodec.decode(envelope("v1", "Namespace", namespace))).isEqualTo(json("""
                {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns1"},"spec":{},"status":{}}"""));
    }

    @Test
    void deploymentWithIntOrStringQuantitiesAndProbes() {
        V1.Container container = V1.Container.newBuilder()
                .setName("web").setImage("nginx:1.27").setWorkingDir("").setImagePullPolicy("")
                .addPorts(V1.ContainerPort.newBuilder().setContainerPort(80).setHostPort(0).setProtocol("TCP"))
                .setResources(V1.ResourceRequirements.newBuilder()
                        .putLimits("memory", quantity("128Mi"))
                        .putRequests("cpu", quantity("100m")))
                .setReadinessProbe(V1.Probe.newBuilder()
                        .setHandler(V1.ProbeHandler.newBuilder().setHttpGet(V1.HTTPGetAction.newBuilder()
                                .setPath("/healthz").setPort(intOrString("http")).setHost("").setScheme("HTTP")))
                        .setInitialDelaySeconds(5).setTimeoutSeconds(0).setPeriodSeconds(10)
                        .setSuccessThreshold(0).setFailureThreshold(0))
                .setLivenessProbe(V1.Probe.newBuilder()
                        .setHandler(V1.ProbeHandler.newBuilder().setTcpSocket(V1.TCPSocketAction.newBuilder()
                                .setPort(intOrString(8080)).setHost(""))))
                .setSecurityContext(V1.SecurityContext.newBuilder())
                .setStdin(false).setTty(false)
                .build();
        V1Apps.Deployment deployment = V1Apps.Deployment.newBuilder()
                .setMetadata(kubectlMeta("web").putLabels("app", "web"))
                .setSpec(V1Apps.DeploymentSpec.newBuilder()
                        .setReplicas(0)
                        .setSelector(Meta.LabelSelector.newBuilder().putMatchLabels("app", "web"))
                        .setTemplate(V1.PodTemplateSpec.newBuilder()
                                .setMetadata(kubectlMeta("").putLabels("app", "web"))
                                .setSpec(V1.PodSpec.newBuilder().addContainers(container)
                                        .setTerminationGracePeriodSeconds(0)
                                        .setAutomountServiceAccountToken(false)
                                        .setHostNetwork(false).setServiceAccountName("")))
                        .setStrategy(V1Apps.DeploymentStrategy.newBuilder()
                                .setType("RollingUpdate")
                                .setRollingUpdate(V1Apps.RollingUpdateDeployment.newBuilder()
                                        .setMaxSurge(intOrString("25%"))
                                        .setMaxUnavailable(intOrString(0))))
                        .setMinReadySeconds(0).setPaused(false))
                .setStatus(V1Apps.DeploymentStatus.newBuilder()
                        .setObservedGeneration(0).setReplicas(0).setUpdatedReplicas(0))
                .build();

        assertThat(ProtobufCodec.decode(envelope("apps/v1", "Deployment", deployment))).isEqualTo(json("""
                {"apiVersion":"apps/v1","kind":"Deployment",
                 "metadata":{"name":"web","labels":{"app":"web"}},
                 "spec":{"replicas":0,"selector":{"matchLabels":{"app":"web"}},
                   "template":{"metadata":{"labels":{"app":"web"}},
                     "spec":{"containers":[{"name":"web","image":"nginx:1.27",
                        "ports":[{"containerPort":80,"protocol":"TCP"}],
                        "resources":{"limits":{"memory":"128Mi"},"requests":{"cpu":"100m"}},
                        "livenessProbe":{"tcpSocket":{"port":8080}},
                        "readinessProbe":{"httpGet":{"path":"/healthz","port":"http","scheme":"HTTP"},
                          "initialDelaySeconds":5,"periodSeconds":10},
                        "securityContext":{}}],
                       "terminationGracePeriodSeconds":0,"automountServiceAccountToken":false}},
                   "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":0,"maxSurge":"25%"}}},
                 "status":{}}"""));
    }

    @Test
    void serviceTargetPortsAsNumberAndName() {
        V1.Service service = V1.Service.newBuilder()
                .setMetadata(kubectlMeta("svc"))
                .setSpec(V1.ServiceSpec.newBuilder()
                        .addPorts(V1.ServicePort.newBuilder().setName("http").setProtocol("TCP").setPort(80)
                                .setTargetPort(intOrString(8080)).setNodePort(0))
                        .addPorts(V1.ServicePort.newBuilder().setName("metrics").setPort(9090)
                                .setTargetPort(intOrString("metrics")))
                        // Go writes the non-pointer targetPort even when unset: as 0.
                        .addPorts(V1.ServicePort.newBuilder().setName("dns").setPort(53).setTargetPort(intOrString(0)))
                        .putSelector("app", "web")
                        .setType("ClusterIP").setClusterIP("").setSessionAffinity(""))
                .setStatus(V1.ServiceStatus.newBuilder().setLoadBalancer(V1.LoadBalancerStatus.newBuilder()))
                .build();

        assertThat(ProtobufCodec.decode(envelope("v1", "Service", service))).isEqualTo(json("""
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"svc"},
                 "spec":{"ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080},
                                  {"name":"metrics","port":9090,"targetPort":"metrics"},
                                  {"name":"dns","port":53}],
                   "selector":{"app":"web"},"type":"ClusterIP"},
                 "status":{"loadBalancer":{}}}"""));
    }

    @Test
    void podWithEnvVolumesTolerationsAndTimes() {
        V1.Pod pod = V1.Pod.newBuilder()
                .setMetadata(kubectlMeta("p1")
                        .setCreationTimestamp(Meta.Time.newBuilder().setSeconds(1704164645L).setNanos(123))
                        .setDeletionGracePeriodSeconds(0))
                .setSpec(V1.PodSpec.newBuilder()
                        .addContainers(V1.Container.newBuilder().setName("c").setImage("busybox")
                                .addCommand("sleep").addCommand("3600")
                                .addEnv(V1.EnvVar.newBuilder().setName("EMPTY").setValue(""))
                                .addEnv(V1.EnvVar.newBuilder().setName("FROM").setValueFrom(V1.EnvVarSource.newBuilder()
                                        .setConfigMapKeyRef(V1.ConfigMapKeySelector.newBuilder()
                                                .setLocalObjectReference(V1.LocalObjectReference.newBuilder().setName("cm"))
                                                .setKey("k").setOptional(false)))))
                        .addVolumes(V1.Volume.newBuilder().setName("v")
                                .setVolumeSource(V1.VolumeSource.newBuilder().setSecret(V1.SecretVolumeSource.newBuilder()
                                        .setSecretName("s").setDefaultMode(0))))
                        .addTolerations(V1.Toleration.newBuilder().setKey("k").setOperator("Exists")
                                .setEffect("NoExecute").setTolerationSeconds(0))
                        .setRestartPolicy("Never").setDnsPolicy("ClusterFirst")
                        .setEnableServiceLinks(false))
                .build();

        assertThat(ProtobufCodec.decode(envelope("v1", "Pod", pod))).isEqualTo(json("""
                {"apiVersion":"v1","kind":"Pod",
                 "metadata":{"name":"p1","creationTimestamp":"2024-01-02T03:04:05Z","deletionGracePeriodSeconds":0},
                 "spec":{"volumes":[{"name":"v","secret":{"secretName":"s","defaultMode":0}}],
                   "containers":[{"name":"c","image":"busybox","command":["sleep","3600"],
                     "env":[{"name":"EMPTY"},
                            {"name":"FROM","valueFrom":{"configMapKeyRef":{"name":"cm","key":"k","optional":false}}}]}],
                   "restartPolicy":"Never","dnsPolicy":"ClusterFirst",
                   "tolerations":[{"key":"k","operator":"Exists","effect":"NoExecute","tolerationSeconds":0}],
                   "enableServiceLinks":false}}"""));
    }

    @Test
    void deleteOptionsUnderMetaAndUnderAGroupVersion() {
        Meta.DeleteOptions options = Meta.DeleteOptions.newBuilder()
                .setGracePeriodSeconds(0)
                .setPropagationPolicy("Foreground")
                .setPreconditions(Meta.Preconditions.newBuilder().setUid("u-1"))
                .addDryRun("All")
                .build();
        String expected = """
                {"apiVersion":"%s","kind":"DeleteOptions","gracePeriodSeconds":0,
                 "preconditions":{"uid":"u-1"},"propagationPolicy":"Foreground","dryRun":["All"]}""";

        assertThat(ProtobufCodec.decode(envelope("meta.k8s.io/v1", "DeleteOptions", options)))
                .isEqualTo(json(expected.formatted("meta.k8s.io/v1")));
        assertThat(ProtobufCodec.decode(envelope("apps/v1", "DeleteOptions", options)))
                .isEqualTo(json(expected.formatted("apps/v1")));
    }

    @Test
    void evictionCarriesItsDeleteOptions() {
        V1Policy.Eviction eviction = V1Policy.Eviction.newBuilder()
                .setMetadata(kubectlMeta("p1").setNamespace("default"))
                .setDeleteOptions(Meta.DeleteOptions.newBuilder().setGracePeriodSeconds(30))
                .build();

        assertThat(ProtobufCodec.decode(envelope("policy/v1", "Eviction", eviction))).isEqualTo(json("""
                {"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"p1","namespace":"default"},
                 "deleteOptions":{"gracePeriodSeconds":30}}"""));
    }

    @Test
    void scaleToZeroKeepsReplicas() {
        V1Autoscaling.Scale scale = V1Autoscaling.Scale.newBuilder()
                .setMetadata(kubectlMeta("web").setNamespace("default").setResourceVersion("42"))
                .setSpec(V1Autoscaling.ScaleSpec.newBuilder().setReplicas(0))
                .setStatus(V1Autoscaling.ScaleStatus.newBuilder().setReplicas(3).setSelector(""))
                .build();

        assertThat(ProtobufCodec.decode(envelope("autoscaling/v1", "Scale", scale))).isEqualTo(json("""
                {"apiVersion":"autoscaling/v1","kind":"Scale",
                 "metadata":{"name":"web","namespace":"default","resourceVersion":"42"},
                 "spec":{"replicas":0},"status":{"replicas":3}}"""));
    }

    @Test
    void priorityClassValueZeroIsKept() {
        V1Scheduling.PriorityClass priority = V1Scheduling.PriorityClass.newBuilder()
                .setMetadata(kubectlMeta("low")).setValue(0).setGlobalDefault(false).setDescription("")
                .build();

        assertThat(ProtobufCodec.decode(envelope("scheduling.k8s.io/v1", "PriorityClass", priority)))
                .isEqualTo(json("""
                        {"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"low"},"value":0}"""));
    }

    @Test
    void microTimeDurationRawExtensionAndManagedFields() {
        V1.Event event = V1.Event.newBuilder()
                .setMetadata(kubectlMeta("e1").addManagedFields(Meta.ManagedFieldsEntry.newBuilder()
                        .setManager("kubectl").setOperation("Update").setFieldsType("FieldsV1")
                        .setFieldsV1(Meta.FieldsV1.newBuilder().setRaw(ByteString.copyFromUtf8("{\"f:data\":{}}")))))
                .setEventTime(Meta.MicroTime.newBuilder().setSeconds(1704164645L).setNanos(120_000_999))
                .setInvolvedObject(V1.ObjectReference.newBuilder().setKind("Pod").setName("p1"))
                .build();

        assertThat(ProtobufCodec.decode(envelope("v1", "Event", event))).isEqualTo(json("""
                {"apiVersion":"v1","kind":"Event",
                 "metadata":{"name":"e1","managedFields":[{"manager":"kubectl","operation":"Update",
                   "fieldsType":"FieldsV1","fieldsV1":{"f:data":{}}}]},
                 "involvedObject":{"kind":"Pod","name":"p1"},
                 "eventTime":"2024-01-02T03:04:05.120000Z"}"""));
    }

    @Test
    void autoscalingV2ReadsWithTheSameFieldNumbers() {
        V2beta2Autoscaling.HorizontalPodAutoscaler hpa = V2beta2Autoscaling.HorizontalPodAutoscaler.newBuilder()
                .setMetadata(kubectlMeta("web"))
                .setSpec(V2beta2Autoscaling.HorizontalPodAutoscalerSpec.newBuilder()
                        .setScaleTargetRef(V2beta2Autoscaling.CrossVersionObjectReference.newBuilder()
                                .setKind("Deployment").setName("web").setApiVersion("apps/v1"))
                        .setMinReplicas(1).setMaxReplicas(5)
                        .addMetrics(V2beta2Autoscaling.MetricSpec.newBuilder().setType("Resource")
                                .setResource(V2beta2Autoscaling.ResourceMetricSource.newBuilder().setName("cpu")
                                        .setTarget(V2beta2Autoscaling.MetricTarget.newBuilder()
                                                .setType("Utilization").setAverageUtilization(80))))
                        .setBehavior(V2beta2Autoscaling.HorizontalPodAutoscalerBehavior.newBuilder()
                                .setScaleUp(V2beta2Autoscaling.HPAScalingRules.newBuilder()
                                        .setStabilizationWindowSeconds(0))))
                .setStatus(V2beta2Autoscaling.HorizontalPodAutoscalerStatus.newBuilder()
                        .setCurrentReplicas(0).setDesiredReplicas(0))
                .build();

        assertThat(ProtobufCodec.decode(envelope("autoscaling/v2", "HorizontalPodAutoscaler", hpa)))
                .isEqualTo(json("""
                        {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web"},
                         "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},
                           "minReplicas":1,"maxReplicas":5,
                           "metrics":[{"type":"Resource","resource":{"name":"cpu",
                             "target":{"type":"Utilization","averageUtilization":80}}}],
                           "behavior":{"scaleUp":{"stabilizationWindowSeconds":0}}},
                         "status":{"currentReplicas":0,"desiredReplicas":0}}"""));
    }

    @Test
    void extraValuesAreStringArraysAndRawExtensionsAreEmbeddedJson() {
        V1Authorization.SubjectAccessReview review = V1Authorization.SubjectAccessReview.newBuilder()
                .setMetadata(kubectlMeta(""))
                .setSpec(V1Authorization.SubjectAccessReviewSpec.newBuilder().setUser("alice")
                        .putExtra("scopes", V1Authorization.ExtraValue.newBuilder().addItems("a").addItems("b").build())
                        .setResourceAttributes(V1Authorization.ResourceAttributes.newBuilder()
                                .setVerb("get").setResource("pods").setNamespace("")))
                .setStatus(V1Authorization.SubjectAccessReviewStatus.newBuilder().setAllowed(false))
                .build();
        assertThat(ProtobufCodec.decode(envelope("authorization.k8s.io/v1", "SubjectAccessReview", review)))
                .isEqualTo(json("""
                        {"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","metadata":{},
                         "spec":{"resourceAttributes":{"verb":"get","resource":"pods"},"user":"alice",
                           "extra":{"scopes":["a","b"]}},
                         "status":{"allowed":false}}"""));

        V1Apps.ControllerRevision revision = V1Apps.ControllerRevision.newBuilder()
                .setMetadata(kubectlMeta("r1"))
                .setData(io.kubernetes.client.proto.Runtime.RawExtension.newBuilder()
                        .setRaw(ByteString.copyFromUtf8("{\"spec\":{\"template\":{\"x\":[1,true,null]}}}")))
                .setRevision(3)
                .build();
        assertThat(ProtobufCodec.decode(envelope("apps/v1", "ControllerRevision", revision))).isEqualTo(json("""
                {"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":{"name":"r1"},
                 "data":{"spec":{"template":{"x":[1,true,null]}}},"revision":3}"""));
    }

    @Test
    void timesOutsideGoJsonRangeAre400() {
        V1.ConfigMap map = V1.ConfigMap.newBuilder().setMetadata(kubectlMeta("c")
                .setCreationTimestamp(Meta.Time.newBuilder().setSeconds(-70_000_000_000L))).build();

        assertThat(code(envelope("v1", "ConfigMap", map))).isEqualTo(400);
    }

    @Test
    void customResourceDefinitionsAndNewerGroupsAre415() {
        assertThat(code(envelope("apiextensions.k8s.io/v1", "CustomResourceDefinition", V1.Pod.getDefaultInstance())))
                .isEqualTo(415);
        assertThat(code(envelope("coordination.k8s.io/v1", "Lease", V1.Pod.getDefaultInstance()))).isEqualTo(415);
    }

    @Test
    void goDurationStrings() {
        assertThat(ProtobufJson.goDuration(0)).isEqualTo("0s");
        assertThat(ProtobufJson.goDuration(1_500_000_000L)).isEqualTo("1.5s");
        assertThat(ProtobufJson.goDuration(3_600_000_000_000L)).isEqualTo("1h0m0s");
        assertThat(ProtobufJson.goDuration(90_000_000_000L)).isEqualTo("1m30s");
        assertThat(ProtobufJson.goDuration(1_500_000L)).isEqualTo("1.5ms");
        assertThat(ProtobufJson.goDuration(2_000L)).isEqualTo("2µs");
        assertThat(ProtobufJson.goDuration(7L)).isEqualTo("7ns");
        assertThat(ProtobufJson.goDuration(-61_000_000_000L)).isEqualTo("-1m1s");
        assertThat(ProtobufJson.goDuration(Long.MIN_VALUE)).isEqualTo("-2562047h47m16.854775808s");
    }

    @Test
    void unknownKindIs415() {
        byte[] body = envelope("v1", "PodSpec", V1.PodSpec.getDefaultInstance());

        assertThatThrownBy(() -> ProtobufCodec.decode(body))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(415));
        assertThatThrownBy(() -> ProtobufCodec.decode(envelope("example.com/v1", "Widget", V1.Pod.getDefaultInstance())))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(415));
    }

    @Test
    void setFieldNewerThanTheDescriptorsIs415ButAZeroOneIsIgnored() {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.writeBytes(V1.ConfigMap.newBuilder().setMetadata(kubectlMeta("c")).build().toByteArray());
        raw.writeBytes(new byte[] {(byte) 0xc8, 0x01, 0x00}); // field 25, varint 0
        byte[] zero = envelope("v1", "ConfigMap", ByteString.copyFrom(raw.toByteArray()));
        assertThat(ProtobufCodec.decode(zero)).isEqualTo(json("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}"""));

        raw.writeBytes(new byte[] {(byte) 0xca, 0x01, 0x01, 0x78}); // field 25, bytes "x"
        byte[] set = envelope("v1", "ConfigMap", ByteString.copyFrom(raw.toByteArray()));
        assertThatThrownBy(() -> ProtobufCodec.decode(set))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(415));
    }

    @Test
    void malformedBodiesAre400() {
        assertThat(code(new byte[0])).isEqualTo(400);
        assertThat(code("{\"kind\":\"Pod\"}".getBytes(StandardCharsets.UTF_8))).isEqualTo(400);
        assertThat(code(new byte[] {0x6b, 0x38, 0x73, 0x00, 0x0a, 0x05})).isEqualTo(400);
        // No kind in the envelope.
        assertThat(code(envelope("v1", "", V1.ConfigMap.getDefaultInstance()))).isEqualTo(400);
        // A ConfigMap whose metadata length runs past the end.
        assertThat(code(envelope("v1", "ConfigMap", ByteString.copyFrom(new byte[] {0x0a, 0x7f, 0x0a})))).isEqualTo(400);
    }

    @Test
    void registryCoversTheKindsKubectlSendsTyped() {
        for (String gvk : new String[] {"/v1/ConfigMap", "/v1/Secret", "/v1/Namespace", "/v1/Service",
                "/v1/ServiceAccount", "/v1/Pod", "/v1/ResourceQuota", "apps/v1/Deployment", "batch/v1/Job",
                "batch/v1/CronJob", "networking.k8s.io/v1/Ingress", "policy/v1/PodDisruptionBudget",
                "policy/v1/Eviction", "scheduling.k8s.io/v1/PriorityClass", "rbac.authorization.k8s.io/v1/Role",
                "rbac.authorization.k8s.io/v1/ClusterRoleBinding", "authentication.k8s.io/v1/TokenRequest",
                "authentication.k8s.io/v1/SelfSubjectReview",
                "authorization.k8s.io/v1/SelfSubjectAccessReview", "autoscaling/v1/Scale",
                "autoscaling/v2/HorizontalPodAutoscaler", "certificates.k8s.io/v1/CertificateSigningRequest",
                "storage.k8s.io/v1/StorageClass", "meta.k8s.io/v1/DeleteOptions", "/v1/DeleteOptions"}) {
            int last = gvk.lastIndexOf('/');
            int middle = gvk.lastIndexOf('/', last - 1);
            GroupVersionKind kind = new GroupVersionKind(gvk.substring(0, Math.max(middle, 0)),
                    gvk.substring(middle + 1, last), gvk.substring(last + 1));
            assertThat(ProtobufCodec.supports(kind)).as(gvk).isTrue();
        }
        assertThat(ProtobufCodec.supports(new GroupVersionKind("", "v1", "PodSpec"))).isFalse();
        assertThat(ProtobufCodec.supports(new GroupVersionKind("storage.k8s.io", "v1", "TokenRequest"))).isFalse();
    }

    static int code(byte[] body) {
        try {
            ProtobufCodec.decode(body);
            return 200;
        } catch (ApiException e) {
            return e.code();
        }
    }

    /** Metadata as kubectl's Go encoder writes it: every non-pointer field, empty ones included. */
    static ObjectMeta.Builder kubectlMeta(String name) {
        return ObjectMeta.newBuilder().setName(name).setGenerateName("").setNamespace("").setSelfLink("")
                .setUid("").setResourceVersion("").setGeneration(0).setCreationTimestamp(Meta.Time.getDefaultInstance());
    }

    static IntOrString intOrString(int value) {
        return IntOrString.newBuilder().setType(0).setIntVal(value).setStrVal("").build();
    }

    static IntOrString intOrString(String value) {
        return IntOrString.newBuilder().setType(1).setIntVal(0).setStrVal(value).build();
    }

    static Quantity quantity(String value) {
        return Quantity.newBuilder().setString(value).build();
    }

    static byte[] envelope(String apiVersion, String kind, Message object) {
        return envelope(apiVersion, kind, object.toByteString());
    }

    static byte[] envelope(String apiVersion, String kind, ByteString raw) {
        Runtime.Unknown unknown = Runtime.Unknown.newBuilder()
                .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
                .setRaw(raw).setContentEncoding("").setContentType("")
                .build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x6b, 0x38, 0x73, 0x00});
        out.writeBytes(unknown.toByteArray());
        return out.toByteArray();
    }

    static JsonNode json(String text) {
        return Json.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    static ObjectNode object(String text) {
        return (ObjectNode) json(text);
    }
}
