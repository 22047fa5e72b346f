package dev.kapal.apiserver.auth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.kapal.api.Json;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Issues and verifies service account tokens: RS256-signed JWTs with upstream's claims
 * ({@code iss}, {@code sub = system:serviceaccount:<ns>:<name>}, {@code aud}, {@code exp},
 * {@code iat}, {@code nbf}, {@code jti} and the private {@code kubernetes.io} claim naming the
 * namespace, the service account and the object the token is bound to, with the pod's node). The
 * key ID is upstream's: the unpadded base64url SHA-256 of the public key's DER encoding.
 *
 * <p>{@link #verify} checks only what the token itself says (signature, issuer, audience, time);
 * whether the account and the bound object still exist is {@link ServiceAccountAuthenticator}'s
 * question.
 */
public final class ServiceAccountTokens {
    /** What the kubelet asks for: a token that is honoured for a year but warned about after this. */
    public static final long WARN_ONLY_EXPIRATION_SECONDS = 3607;
    /** How long such a token really lives (upstream's ExpirationExtensionSeconds: one year). */
    public static final long EXTENDED_EXPIRATION_SECONDS = 365L * 24 * 60 * 60;
    /** Tokens are accepted up to this long before their {@code nbf} and after their {@code exp}: upstream's leeway. */
    static final Duration LEEWAY = Duration.ofSeconds(60);
    private static final String PRIVATE_CLAIM = "kubernetes.io";

    private final RSAKey key;
    private final RSASSASigner signer;
    private final RSASSAVerifier verifier;
    private final String issuer;
    private final List<String> audiences;
    private final Clock clock;

    /**
     * @param keys      the RSA signing key pair ({@code --service-account-signing-key-file})
     * @param issuer    the {@code iss} of every token ({@code --service-account-issuer})
     * @param audiences the API's audiences: tokens without any of them are not accepted, and a
     *                  TokenRequest without audiences gets these ({@code --api-audiences})
     */
    public ServiceAccountTokens(KeyPair keys, String issuer, List<String> audiences, Clock clock) {
        Objects.requireNonNull(keys, "keys");
        if (!(keys.getPublic() instanceof RSAPublicKey publicKey) || !(keys.getPrivate() instanceof RSAPrivateKey privateKey)) {
            throw new IllegalArgumentException("service account tokens are signed with an RSA key");
        }
        this.key = new RSAKey.Builder(publicKey).privateKey(privateKey).keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.RS256).keyID(keyId(publicKey)).build();
        this.signer = new RSASSASigner(privateKey);
        try {
            this.verifier = new RSASSAVerifier(publicKey);
        } catch (RuntimeException unusable) {
            throw new IllegalArgumentException("unusable service account key", unusable);
        }
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.audiences = List.copyOf(audiences);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public String issuer() {
        return issuer;
    }

    public List<String> audiences() {
        return audiences;
    }

    /** The object a token is bound to: its kind ({@code Pod}, {@code Secret}, {@code Node}), name and uid. */
    public record Binding(String kind, String name, String uid) {
        public Binding {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(uid, "uid");
        }
    }

    /**
     * What a token asserts.
     *
     * @param namespace          the service account's namespace
     * @param serviceAccount     its name
     * @param serviceAccountUid  its uid
     * @param audiences          who may accept the token
     * @param bound              the object the token is bound to, if any
     * @param node               the node of the pod the token is bound to (name, uid), if any
     * @param issuedAt           {@code iat} (also {@code nbf})
     * @param expiresAt          {@code exp}
     * @param warnAfter          when a client using it should be warned (extended tokens only)
     * @param id                 {@code jti}
     */
    public record Claims(String namespace, String serviceAccount, String serviceAccountUid, List<String> audiences,
                         Optional<Binding> bound, Optional<Binding> node, Instant issuedAt, Instant expiresAt,
                         Optional<Instant> warnAfter, String id) {
        public Claims {
            audiences = List.copyOf(audiences);
        }

        /** {@code system:serviceaccount:<namespace>:<name>}. */
        public String subject() {
            return "system:serviceaccount:" + namespace + ":" + serviceAccount;
        }
    }

    /**
     * New claims for a token valid from now for {@code seconds}; a kubelet's request for
     * {@value #WARN_ONLY_EXPIRATION_SECONDS} seconds of a pod-bound token is extended to a year
     * with {@code warnafter} at the requested time, as upstream does by default.
     */
    public Claims claims(String namespace, String serviceAccount, String serviceAccountUid, List<String> audiences,
                         Optional<Binding> bound, Optional<Binding> node, long seconds) {
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        boolean extend = seconds == WARN_ONLY_EXPIRATION_SECONDS && bound.map(b -> b.kind().equals("Pod")).orElse(false);
        Instant expires = now.plusSeconds(extend ? EXTENDED_EXPIRATION_SECONDS : seconds);
        Optional<Instant> warnAfter = extend ? Optional.of(now.plusSeconds(seconds)) : Optional.empty();
        return new Claims(namespace, serviceAccount, serviceAccountUid, audiences.isEmpty() ? this.audiences : audiences,
                bound, node, now, expires, warnAfter, UUID.randomUUID().toString());
    }

    /**
     * Signs {@code claims} into a compact JWS. The payload is written as upstream's: claims in
     * alphabetical order and {@code aud} always an array.
     */
    public String sign(Claims claims) {
        ObjectNode payload = Json.object();
        ArrayNode audience = payload.putArray("aud");
        claims.audiences().forEach(audience::add);
        payload.put("exp", claims.expiresAt().getEpochSecond());
        payload.put("iat", claims.issuedAt().getEpochSecond());
        payload.put("iss", issuer);
        payload.put("jti", claims.id());
        ObjectNode kubernetes = payload.putObject(PRIVATE_CLAIM);
        kubernetes.put("namespace", claims.namespace());
        claims.node().ifPresent(node -> reference(kubernetes.putObject("node"), node));
        claims.bound().ifPresent(bound -> reference(kubernetes.putObject(bound.kind().toLowerCase(java.util.Locale.ROOT)), bound));
        ObjectNode account = kubernetes.putObject("serviceaccount");
        account.put("name", claims.serviceAccount());
        account.put("uid", claims.serviceAccountUid());
        claims.warnAfter().ifPresent(warn -> kubernetes.put("warnafter", warn.getEpochSecond()));
        payload.put("nbf", claims.issuedAt().getEpochSecond());
        payload.put("sub", claims.subject());
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new Payload(Json.write(payload)));
        try {
            jws.sign(signer);
        } catch (JOSEException failure) {
            throw new IllegalStateException("cannot sign a service account token", failure);
        }
        return jws.serialize();
    }

    private static void reference(ObjectNode target, Binding binding) {
        target.put("name", binding.name());
        target.put("uid", binding.uid());
    }

    /** The outcome of {@link #verify}. */
    public sealed interface Verification {
        /** Not a token of this issuer (not a JWT, or another {@code iss}): another authenticator's business. */
        record NotOurs() implements Verification {
        }

        /** Ours but not acceptable (bad signature, expired, wrong audience, malformed claims). */
        record Invalid(String why) implements Verification {
        }

        record Valid(Claims claims) implements Verification {
        }
    }

    /** Checks the signature, issuer, audience and validity period of {@code token}. */
    public Verification verify(String token) {
        SignedJWT jwt;
        JWTClaimsSet set;
        try {
            jwt = SignedJWT.parse(token);
            set = jwt.getJWTClaimsSet();
        } catch (ParseException notAJwt) {
            return new Verification.NotOurs();
        }
        if (!issuer.equals(set.getIssuer())) {
            return new Verification.NotOurs();
        }
        try {
            if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                return new Verification.Invalid("invalid signature");
            }
        } catch (JOSEException unverifiable) {
            return new Verification.Invalid("invalid signature");
        }
        Instant now = clock.instant();
        if (set.getExpirationTime() == null || now.isAfter(set.getExpirationTime().toInstant().plus(LEEWAY))) {
            return new Verification.Invalid("service account token has expired");
        }
        if (set.getNotBeforeTime() != null && now.isBefore(set.getNotBeforeTime().toInstant().minus(LEEWAY))) {
            return new Verification.Invalid("service account token is not valid yet");
        }
        List<String> tokenAudiences = set.getAudience() == null ? List.of() : set.getAudience();
        if (tokenAudiences.stream().noneMatch(audiences::contains)) {
            return new Verification.Invalid("token audiences " + tokenAudiences + " is invalid for the target audiences " + audiences);
        }
        try {
            Map<String, Object> kubernetes = set.getJSONObjectClaim(PRIVATE_CLAIM);
            if (kubernetes == null) {
                return new Verification.Invalid("service account token claims are missing");
            }
            String namespace = String.valueOf(kubernetes.get("namespace"));
            Binding account = binding("ServiceAccount", kubernetes.get("serviceaccount"))
                    .orElseThrow(() -> new ParseException("no serviceaccount claim", 0));
            if (!set.getSubject().equals("system:serviceaccount:" + namespace + ":" + account.name())) {
                return new Verification.Invalid("service account token subject does not match its claims");
            }
            Optional<Binding> bound = binding("Pod", kubernetes.get("pod"))
                    .or(() -> binding("Secret", kubernetes.get("secret")))
                    .or(() -> binding("Node", kubernetes.get("node")));
            Optional<Binding> node = bound.filter(b -> b.kind().equals("Pod")).flatMap(b -> binding("Node", kubernetes.get("node")));
            Optional<Instant> warnAfter = kubernetes.get("warnafter") instanceof Number number
                    ? Optional.of(Instant.ofEpochSecond(number.longValue())) : Optional.empty();
            Instant issued = set.getIssueTime() == null ? Instant.EPOCH : set.getIssueTime().toInstant();
            return new Verification.Valid(new Claims(namespace, account.name(), account.uid(), tokenAudiences, bound, node,
                    issued, set.getExpirationTime().toInstant(), warnAfter, Objects.requireNonNullElse(set.getJWTID(), "")));
        } catch (ParseException | ClassCastException malformed) {
            return new Verification.Invalid("service account token claims are malformed");
        }
    }

    private static Optional<Binding> binding(String kind, Object claim) {
        if (!(claim instanceof Map<?, ?> map) || !(map.get("name") instanceof String name)) {
            return Optional.empty();
        }
        return Optional.of(new Binding(kind, name, map.get("uid") instanceof String uid ? uid : ""));
    }

    /** The public key set ({@code /openid/v1/jwks}): the signing key's public half. */
    public String jwks() {
        return new JWKSet(key.toPublicJWK()).toString(true);
    }

    /** Upstream's key ID: unpadded base64url of the SHA-256 of the public key's DER (PKIX) encoding. */
    static String keyId(RSAPublicKey publicKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException unavailable) {
            throw new IllegalStateException(unavailable);
        }
    }
}
