package dev.kapal.apiserver.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapal.apiserver.discovery.Health.Endpoint;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HealthTest {
    private final AtomicReference<Optional<String>> datastore = new AtomicReference<>(Optional.empty());
    private final Health health = Health.withPing()
            .register("log", () -> Optional.empty())
            .register("etcd", () -> datastore.get())
            .register("poststarthook/start-apiserver-admission-initializer", () -> Optional.empty())
            .register("shutdown", EnumSet.of(Endpoint.READYZ), () -> Optional.empty());

    private HealthResponse get(String path, String query) {
        return health.handle(path, query).orElseThrow();
    }

    @Test
    void allPassingIsPlainOk() {
        for (String path : new String[] {"/healthz", "/livez", "/readyz"}) {
            HealthResponse response = get(path, "");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("ok");
            assertThat(response.contentType()).isEqualTo("text/plain; charset=utf-8");
            assertThat(response.headers()).containsEntry("X-Content-Type-Options", "nosniff");
        }
    }

    @Test
    void verboseListsEveryCheckOfTheEndpoint() {
        assertThat(get("/readyz", "verbose").body()).isEqualTo("""
                [+]ping ok
                [+]log ok
                [+]etcd ok
                [+]poststarthook/start-apiserver-admission-initializer ok
                [+]shutdown ok
                readyz check passed
                """);
        assertThat(get("/livez", "verbose=1").body()).isEqualTo("""
                [+]ping ok
                [+]log ok
                [+]etcd ok
                [+]poststarthook/start-apiserver-admission-initializer ok
                livez check passed
                """);
        assertThat(get("/healthz", "verbose").body()).endsWith("[+]poststarthook/start-apiserver-admission-initializer ok\nhealthz check passed\n");
    }

    @Test
    void aFailureIs500AndAlwaysVerboseWithTheReasonWithheld() {
        datastore.set(Optional.of("connection refused to 127.0.0.1:2379"));
        HealthResponse response = get("/livez", "");
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("""
                [+]ping ok
                [+]log ok
                [-]etcd failed: reason withheld
                [+]poststarthook/start-apiserver-admission-initializer ok
                livez check failed
                """);
        assertThat(response.body()).doesNotContain("refused");
    }

    @Test
    void aThrowingCheckFailsWithoutBreakingTheEndpoint() {
        Health throwing = Health.withPing().register("boom", () -> {
            throw new IllegalStateException("kaput");
        });
        HealthResponse response = throwing.handle("/readyz", "").orElseThrow();
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.body()).contains("[-]boom failed: reason withheld\n");
        assertThat(throwing.handle("/readyz/boom", "").orElseThrow().body()).isEqualTo("internal server error: IllegalStateException: kaput\n");
    }

    @Test
    void excludeSkipsChecksAndWarnsAboutUnknownOnes() {
        datastore.set(Optional.of("down"));
        HealthResponse response = get("/readyz", "verbose&exclude=etcd&exclude=zeta&exclude=alpha");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("""
                [+]ping ok
                [+]log ok
                [+]etcd excluded: ok
                [+]poststarthook/start-apiserver-admission-initializer ok
                [+]shutdown ok
                warn: some health checks cannot be excluded: no matches for "alpha","zeta"
                readyz check passed
                """);
        assertThat(get("/readyz", "exclude=etcd").body()).isEqualTo("ok");
        assertThat(get("/readyz", "exclude=poststarthook%2Fstart-apiserver-admission-initializer&verbose").body())
                .contains("[+]poststarthook/start-apiserver-admission-initializer excluded: ok\n");
    }

    @Test
    void aSingleCheckHasItsOwnPath() {
        assertThat(get("/readyz/etcd", "").body()).isEqualTo("ok");
        assertThat(get("/livez/poststarthook/start-apiserver-admission-initializer", "").status()).isEqualTo(200);
        datastore.set(Optional.of("connection refused"));
        HealthResponse failed = get("/readyz/etcd", "");
        assertThat(failed.status()).isEqualTo(500);
        assertThat(failed.body()).isEqualTo("internal server error: connection refused\n");
        assertThat(get("/readyz/ping", "").status()).isEqualTo(200);
    }

    @Test
    void checksOnlyAnswerOnTheirEndpoints() {
        assertThat(health.handle("/readyz/shutdown", "")).isPresent();
        assertThat(health.handle("/livez/shutdown", "")).isEmpty();
        assertThat(health.handle("/readyz/nope", "")).isEmpty();
        assertThat(health.handle("/version", "")).isEmpty();
        assertThat(health.handle("/readyzz", "")).isEmpty();
        assertThat(get("/livez", "verbose").body()).doesNotContain("shutdown");
    }

    @Test
    void namesAreUnique() {
        assertThatThrownBy(() -> health.register("etcd", () -> Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
