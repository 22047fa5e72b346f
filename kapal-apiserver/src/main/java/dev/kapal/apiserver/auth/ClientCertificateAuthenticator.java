package dev.kapal.apiserver.auth;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Authenticates by the client certificate the TLS layer verified against the client CA:
 * the subject's CN is the user name, each O a group, as upstream's x509 authenticator.
 */
public final class ClientCertificateAuthenticator implements Authenticator {
    @Override
    public Result authenticate(Credentials credentials) {
        List<X509Certificate> chain = credentials.clientCertificates();
        if (chain.isEmpty()) {
            return new Result.NotApplicable();
        }
        X509Certificate leaf = chain.get(0);
        try {
            leaf.checkValidity();
        } catch (java.security.cert.CertificateException expired) {
            return new Result.Rejected("the client certificate has expired or is not yet valid");
        }
        String user = "";
        List<String> groups = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                switch (rdn.getType().toUpperCase()) {
                    case "CN" -> user = rdn.getValue().toString();
                    case "O" -> groups.add(0, rdn.getValue().toString());
                    default -> {
                    }
                }
            }
        } catch (InvalidNameException e) {
            return new Result.Rejected("unreadable certificate subject");
        }
        if (user.isEmpty()) {
            return new Result.Rejected("the client certificate has no common name");
        }
        groups.add(UserInfo.AUTHENTICATED_GROUP);
        return new Result.Authenticated(new UserInfo(user, "", groups, Map.of()));
    }
}
