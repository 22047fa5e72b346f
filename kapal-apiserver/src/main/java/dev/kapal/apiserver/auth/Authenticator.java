package dev.kapal.apiserver.auth;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Decides who a request comes from. Several authenticators are tried in order; the first that
 * recognises the credentials wins. An authenticator that sees credentials of its kind that are
 * invalid (an unknown bearer token) returns {@link Result.Rejected}; one that sees none returns
 * {@link Result.NotApplicable}. A request no authenticator accepts is answered 401.
 */
public interface Authenticator {

    /** What a request offers: its verified client-certificate chain and its headers. */
    interface Credentials {
        /** The client certificate chain the TLS layer verified against the cluster CA (leaf first). */
        List<X509Certificate> clientCertificates();

        /** The bearer token of the {@code Authorization} header, if any. */
        Optional<String> bearerToken();
    }

    sealed interface Result {
        record Authenticated(UserInfo user) implements Result {
        }

        record Rejected(String why) implements Result {
        }

        record NotApplicable() implements Result {
        }
    }

    Result authenticate(Credentials credentials);
}
