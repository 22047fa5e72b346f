package dev.kapal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapal.apiserver.testing.InProcessApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Service accounts as upstream's API server has them: TokenRequest (defaults, validation, bound
 * objects), the bearer-token authenticator (and its refusal once the account or the bound pod is
 * gone), the ServiceAccount admission plugin (missing account, token volume, automount, pull
 * secrets) and issuer discovery.
 */
class ServiceAccountTokensTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static InProcessApiServer server;
    private static KubernetesClient admin;

    @BeforeAll
    static void start() throws Exception {
        server = new InProcessApiServer(config -> config.withServiceAccountAdmission(true));
        admin = server.admin();
        // No serviceaccount controller runs here: the accounts are made by hand.
        admin.serviceAccounts().inNamespace("default").resource(account("default")).create();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static io.fabric8.kubernetes.api.model.ServiceAccount account(String name) {
        return new ServiceAccountBuilder().withNewMetadata().withName(name).endMetadata().build();
    }

    private static Pod pod(String name, String account) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withServiceAccountName(account)
                .addNewInitContainer().withName("init").withImage("busybox").endInitContainer()
                .addNewContainer().withName("app").withImage("busybox").endContainer().endSpec().build();
    }

    private static TokenRequest request(Long seconds) {
        return new TokenRequestBuilder().withNewSpec().withExpirationSeconds(seconds).endSpec().build();
    }

    private static KubernetesClient withToken(String token) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:" + server.port())
                .withCaCertData(Base64.getEncoder().encodeToString(server.serverCaPem().getBytes(StandardCharsets.US_ASCII)))
                .withOauthToken(token).withRequestRetryBackoffLimit(0).build()).build();
    }

    private static JsonNode payload(String token) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    }

    @Test
    void aTokenRequestGetsAnHourLongTokenThatAuthenticatesAsTheAccount() throws Exception {
        TokenRequest answer = admin.serviceAccounts().inNamespace("default").withName("default").tokenRequest(request(null));
        assertThat(answer.getSpec().getExpirationSeconds()).isEqualTo(3600L);
        assertThat(answer.getSpec().getAudiences()).containsExactly("https://kubernetes.default.svc.cluster.local");
        Instant expires = Instant.parse(answer.getStatus().getExpirationTimestamp());
        assertThat(Duration.between(Instant.now(), expires)).isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));

        JsonNode claims = payload(answer.getStatus().getToken());
        assertThat(claims.path("sub").asText()).isEqualTo("system:serviceaccount:default:default");
        assertThat(claims.path("iss").asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");
        assertThat(claims.path("aud").isArray()).isTrue();
        assertThat(claims.path("kubernetes.io").path("serviceaccount").path("uid").asText())
                .isEqualTo(admin.serviceAccounts().inNamespace("default").withName("default").get().getMetadata().getUid());

        try (KubernetesClient robot = withToken(answer.getStatus().getToken())) {
            SelfSubjectReview review = robot.resource(new io.fabric8.kubernetes.api.model.authentication.SelfSubjectReviewBuilder()
                    .build()).create();
            assertThat(review.getStatus().getUserInfo().getUsername()).isEqualTo("system:serviceaccount:default:default");
            assertThat(review.getStatus().getUserInfo().getGroups())
                    .containsExactly("system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated");
            assertThat(robot.configMaps().inNamespace("default").list().getItems()).isNotNull();
        }
    }

    @Test
    void badTokenRequestsAreRefusedAsUpstream() {
        assertThatThrownBy(() -> admin.serviceAccounts().inNamespace("default").withName("default").tokenRequest(request(60L)))
                .isInstanceOfSatisfying(KubernetesClientException.class, failure -> {
                    assertThat(failure.getCode()).isEqualTo(422);
                    assertThat(failure.getStatus().getMessage()).isEqualTo("TokenRequest.authentication.k8s.io \"\" is invalid: "
                            + "spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes");
                });
        assertThatThrownBy(() -> admin.serviceAccounts().inNamespace("default").withName("nobody").tokenRequest(request(null)))
                .isInstanceOfSatisfying(KubernetesClientException.class, failure -> {
                    assertThat(failure.getCode()).isEqualTo(404);
                    assertThat(failure.getStatus().getMessage()).isEqualTo("serviceaccounts \"nobody\" not found");
                });
        admin.serviceAccounts().inNamespace("default").resource(account("other")).create();
        admin.pods().inNamespace("default").resource(pod("runs-as-default", "default")).create();
        TokenRequest wrongAccount = new TokenRequestBuilder().withNewSpec().withNewBoundObjectRef("v1", "Pod", "runs-as-default", null)
                .endSpec().build();
        assertThatThrownBy(() -> admin.serviceAccounts().inNamespace("default").withName("other").tokenRequest(wrongAccount))
                .isInstanceOfSatisfying(KubernetesClientException.class, failure -> {
                    assertThat(failure.getCode()).isEqualTo(400);
                    assertThat(failure.getStatus().getMessage())
                            .isEqualTo("cannot bind token for serviceaccount \"other\" to pod running with different serviceaccount name.");
                });
        TokenRequest staleUid = new TokenRequestBuilder().withNewSpec().withNewBoundObjectRef("v1", "Pod", "runs-as-default", "0000")
                .endSpec().build();
        assertThatThrownBy(() -> admin.serviceAccounts().inNamespace("default").withName("default").tokenRequest(staleUid))
                .isInstanceOfSatisfying(KubernetesClientException.class, failure -> assertThat(failure.getCode()).isEqualTo(409));
        TokenRequest toAConfigMap = new TokenRequestBuilder().withNewSpec().withNewBoundObjectRef("v1", "ConfigMap", "x", null)
                .endSpec().build();
        assertThatThrownBy(() -> admin.serviceAccounts().inNamespace("default").withName("default").tokenRequest(toAConfigMap))
                .isInstanceOfSatisfying(KubernetesClientException.class, failure -> {
                    assertThat(failure.getCode()).isEqualTo(400);
                    assertThat(failure.getStatus().getMessage()).isEqualTo("cannot bind token to object of type /v1, Kind=ConfigMap");
                });
    }

    @Test
    void aPodBoundTokenIsExtendedAndStopsWorkingWithThePodOrTheAccount() throws Exception {
        admin.serviceAccounts().inNamespace("default").resource(account("worker")).create();
        Pod pod = admin.pods().inNamespace("default").resource(pod("bound", "worker")).create();
        TokenRequest bound = new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3607L)
                .withNewBoundObjectRef("v1", "Pod", "bound", pod.getMetadata().getUid()).endSpec().build();
        TokenRequest answer = admin.serviceAccounts().inNamespace("default").withName("worker").tokenRequest(bound);
        assertThat(Duration.between(Instant.now(), Instant.parse(answer.getStatus().getExpirationTimestamp())))
                .isGreaterThan(Duration.ofDays(364));
        JsonNode claims = payload(answer.getStatus().getToken());
        assertThat(claims.path("kubernetes.io").path("pod").path("name").asText()).isEqualTo("bound");
        assertThat(claims.path("kubernetes.io").path("warnafter").asLong())
                .isEqualTo(claims.path("iat").asLong() + 3607);
        String token = answer.getStatus().getToken();
        try (KubernetesClient robot = withToken(token)) {
            SelfSubjectReview review = robot.resource(new io.fabric8.kubernetes.api.model.authentication.SelfSubjectReviewBuilder()
                    .build()).create();
            assertThat(review.getStatus().getUserInfo().getExtra())
                    .containsEntry("authentication.kubernetes.io/pod-name", List.of("bound"))
                    .containsEntry("authentication.kubernetes.io/pod-uid", List.of(pod.getMetadata().getUid()));

            admin.pods().inNamespace("default").withName("bound").withGracePeriod(0).delete();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> admin.pods().inNamespace("default").withName("bound").get() == null);
            assertThatThrownBy(() -> robot.configMaps().inNamespace("default").list())
                    .isInstanceOfSatisfying(KubernetesClientException.class, failure -> assertThat(failure.getCode()).isEqualTo(401));
        }

        String unbound = admin.serviceAccounts().inNamespace("default").withName("worker").tokenRequest(request(null))
                .getStatus().getToken();
        try (KubernetesClient robot = withToken(unbound)) {
            assertThat(robot.configMaps().inNamespace("default").list().getItems()).isNotNull();
            admin.serviceAccounts().inNamespace("default").withName("worker").delete();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> admin.serviceAccounts().inNamespace("default").withName("worker").get() == null);
            assertThatThrownBy(() -> robot.configMaps().inNamespace("default").list())
                    .isInstanceOfSatisfying(KubernetesClientException.class, failure -> assertThat(failure.getCode()).isEqualTo(401));
        }
        try (KubernetesClient forged = withToken(unbound.substring(0, unbound.length() - 4) + "AAAA")) {
            assertThatThrownBy(() -> forged.configMaps().inNamespace("default").list())
                    .isInstanceOfSatisfying(KubernetesClientException.class, failure -> assertThat(failure.getCode()).isEqualTo(401));
        }
    }

    @Test
    void admissionMountsTheTokenVolumeIntoEveryContainer() {
        Pod created = admin.pods().inNamespace("default").resource(pod("mounted", "")).create();
        assertThat(created.getSpec().getServiceAccountName()).isEqualTo("default");
        List<Volume> volumes = created.getSpec().getVolumes();
        assertThat(volumes).hasSize(1);
        Volume volume = volumes.get(0);
        assertThat(volume.getName()).matches("kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}");
        assertThat(volume.getProjected().getDefaultMode()).isEqualTo(420);
        assertThat(volume.getProjected().getSources().get(0).getServiceAccountToken().getExpirationSeconds()).isEqualTo(3607L);
        assertThat(volume.getProjected().getSources().get(0).getServiceAccountToken().getPath()).isEqualTo("token");
        assertThat(volume.getProjected().getSources().get(1).getConfigMap().getName()).isEqualTo("kube-root-ca.crt");
        assertThat(volume.getProjected().getSources().get(2).getDownwardAPI().getItems().get(0).getFieldRef().getFieldPath())
                .isEqualTo("metadata.namespace");
        for (var container : List.of(created.getSpec().getInitContainers().get(0), created.getSpec().getContainers().get(0))) {
            assertThat(container.getVolumeMounts()).singleElement().satisfies(mount -> {
                assertThat(mount.getName()).isEqualTo(volume.getName());
                assertThat(mount.getMountPath()).isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount");
                assertThat(mount.getReadOnly()).isTrue();
            });
        }

        Pod optedOut = pod("opted-out", "default");
        optedOut.getSpec().setAutomountServiceAccountToken(false);
        assertThat(admin.pods().inNamespace("default").resource(optedOut).create().getSpec().getVolumes()).isEmpty();

        admin.serviceAccounts().inNamespace("default").resource(new ServiceAccountBuilder().withNewMetadata().withName("quiet")
                .endMetadata().withAutomountServiceAccountToken(false).addNewImagePullSecret("regcred").build()).create();
        Pod quiet = admin.pods().inNamespace("default").resource(pod("quiet", "quiet")).create();
        assertThat(quiet.getSpec().getVolumes()).isEmpty();
        assertThat(quiet.getSpec().getImagePullSecrets()).singleElement().satisfies(secret -> assertThat(secret.getName()).isEqualTo("regcred"));
    }

    @Test
    void aPodWhoseAccountIsMissingIsForbidden() {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("no-accounts").endMetadata().build()).create();
        assertThatThrownBy(() -> admin.pods().inNamespace("no-accounts").resource(pod("orphan", "")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, failure -> {
                    assertThat(failure.getCode()).isEqualTo(403);
                    assertThat(failure.getStatus().getMessage()).isEqualTo("pods \"orphan\" is forbidden: error looking up service "
                            + "account no-accounts/default: serviceaccount \"default\" not found");
                });
    }

    @Test
    void issuerDiscoveryPublishesTheVerificationKey() throws Exception {
        JsonNode discovery = JSON.readTree(admin.raw("/.well-known/openid-configuration"));
        assertThat(discovery.path("issuer").asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");
        assertThat(discovery.path("jwks_uri").asText()).endsWith("/openid/v1/jwks");
        JsonNode keys = JSON.readTree(admin.raw("/openid/v1/jwks"));
        String token = admin.serviceAccounts().inNamespace("default").withName("default").tokenRequest(request(null))
                .getStatus().getToken();
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0]));
        assertThat(keys.path("keys")).singleElement().satisfies(key -> {
            assertThat(key.path("kty").asText()).isEqualTo("RSA");
            assertThat(key.path("alg").asText()).isEqualTo("RS256");
            assertThat(key.path("kid").asText()).isEqualTo(header.path("kid").asText());
            assertThat(key.has("d")).isFalse();
        });
    }
}
