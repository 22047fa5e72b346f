package dev.kapal.apiserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Authenticates bearer tokens issued by {@link ServiceAccountTokens}, as upstream's service
 * account token authenticator: after the token's own checks, the service account must still exist
 * with the uid the token names, and so must the object the token is bound to (a pod being deleted
 * for more than {@link ServiceAccountTokens#LEEWAY} no longer counts). The user is
 * {@code system:serviceaccount:<ns>:<name>} with the account's uid, in
 * {@code system:serviceaccounts}, {@code system:serviceaccounts:<ns>} and
 * {@code system:authenticated}; a pod-bound token adds upstream's extra attributes
 * ({@code authentication.kubernetes.io/pod-name}, {@code pod-uid}, {@code node-name},
 * {@code node-uid}) and every token its {@code credential-id} ({@code JTI=<jti>}).
 */
public final class ServiceAccountAuthenticator implements Authenticator {
    private static final String EXTRA = "authentication.kubernetes.io/";

    /** Reads current objects (through caches): {@code resource} is {@code serviceaccounts}, {@code pods}, {@code secrets} or {@code nodes}. */
    @FunctionalInterface
    public interface Lookup {
        Optional<ObjectNode> get(String resource, String namespace, String name);
    }

    private final ServiceAccountTokens tokens;
    private final Lookup lookup;
    private final Clock clock;

    public ServiceAccountAuthenticator(ServiceAccountTokens tokens, Lookup lookup, Clock clock) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Result authenticate(Credentials credentials) {
        Optional<String> token = credentials.bearerToken();
        if (token.isEmpty()) {
            return new Result.NotApplicable();
        }
        return switch (tokens.verify(token.get())) {
            case ServiceAccountTokens.Verification.NotOurs notOurs -> new Result.NotApplicable();
            case ServiceAccountTokens.Verification.Invalid invalid -> new Result.Rejected(invalid.why());
            case ServiceAccountTokens.Verification.Valid valid -> authenticate(valid.claims());
        };
    }

    private Result authenticate(ServiceAccountTokens.Claims claims) {
        Optional<ObjectNode> account = lookup.get("serviceaccounts", claims.namespace(), claims.serviceAccount());
        if (account.isEmpty()) {
            return new Result.Rejected("serviceaccounts \"" + claims.serviceAccount() + "\" not found");
        }
        if (!uid(account.get()).equals(claims.serviceAccountUid())) {
            return new Result.Rejected("service account UID (" + claims.serviceAccountUid() + ") does not match claim ("
                    + uid(account.get()) + ")");
        }
        Map<String, List<String>> extra = new LinkedHashMap<>();
        if (claims.bound().isPresent()) {
            ServiceAccountTokens.Binding bound = claims.bound().get();
            String resource = switch (bound.kind()) {
                case "Pod" -> "pods";
                case "Secret" -> "secrets";
                default -> "nodes";
            };
            Optional<ObjectNode> object = lookup.get(resource, resource.equals("nodes") ? "" : claims.namespace(), bound.name());
            if (object.isEmpty()) {
                return new Result.Rejected(resource + " \"" + bound.name() + "\" not found");
            }
            if (!uid(object.get()).equals(bound.uid())) {
                return new Result.Rejected(bound.kind() + " UID (" + bound.uid() + ") does not match claim");
            }
            if (deletedLongerThanLeeway(object.get())) {
                return new Result.Rejected(bound.kind() + " \"" + bound.name() + "\" is being deleted");
            }
            if (bound.kind().equals("Pod")) {
                extra.put(EXTRA + "pod-name", List.of(bound.name()));
                extra.put(EXTRA + "pod-uid", List.of(bound.uid()));
            }
        }
        claims.node().ifPresent(node -> {
            extra.put(EXTRA + "node-name", List.of(node.name()));
            extra.put(EXTRA + "node-uid", List.of(node.uid()));
        });
        if (!claims.id().isEmpty()) {
            extra.put(EXTRA + "credential-id", List.of("JTI=" + claims.id()));
        }
        return new Result.Authenticated(new UserInfo(claims.subject(), claims.serviceAccountUid(),
                List.of("system:serviceaccounts", "system:serviceaccounts:" + claims.namespace(), UserInfo.AUTHENTICATED_GROUP),
                extra));
    }

    private boolean deletedLongerThanLeeway(ObjectNode object) {
        JsonNode deletion = object.path("metadata").path("deletionTimestamp");
        if (!deletion.isTextual()) {
            return false;
        }
        try {
            return Instant.parse(deletion.asText()).isBefore(clock.instant().minus(ServiceAccountTokens.LEEWAY));
        } catch (java.time.format.DateTimeParseException unreadable) {
            return false;
        }
    }

    private static String uid(ObjectNode object) {
        return object.path("metadata").path("uid").asText("");
    }
}
