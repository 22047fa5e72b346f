package dev.kapal.apiserver.http;

import dev.kapal.api.ApiException;
import dev.kapal.api.Json;
import dev.kapal.apiserver.auth.Authenticator;
import dev.kapal.apiserver.auth.Authorizer;
import dev.kapal.apiserver.auth.UserInfo;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front door: authenticates, reads the request, authorizes, dispatches to the non-resource
 * routes or the resource handler, and turns every failure into a {@code Status}. Nothing escapes
 * as a stack trace: an unexpected exception is logged and answered 500 InternalError.
 */
public final class ApiHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    /** Paths anyone may read, as upstream's system:public-info-viewer allows. */
    private static final List<String> PUBLIC_PATHS = List.of("/healthz", "/livez", "/readyz", "/version");

    /** Non-resource endpoints: discovery, health, version, metrics, OpenAPI. */
    public interface NonResourceRoutes {
        /** Answers the request if it is one of these, else returns false (the caller answers 404). */
        boolean handle(RequestInfo.NonResource request, Exchange exchange, Optional<UserInfo> user) throws Exception;
    }

    /** Observes each finished request and each open watch (metrics). */
    public interface RequestObserver {
        void observe(RequestInfo request, int code, long nanos);

        /** A watch started; closing the handle says it ended. */
        AutoCloseable watchStarted(RequestInfo.Resource request);
    }

    private final List<Authenticator> authenticators;
    private final Authorizer authorizer;
    private final NonResourceRoutes nonResource;
    private final ResourceHandler resources;
    private final Reviews reviews;
    private final RequestObserver observer;
    private final int maxBodyBytes;

    public ApiHandler(List<Authenticator> authenticators, Authorizer authorizer, NonResourceRoutes nonResource,
                      ResourceHandler resources, RequestObserver observer, int maxBodyBytes) {
        // Non-blocking as far as Jetty is concerned: every request is handed to its own virtual
        // thread at once, so a watch or a slow store never holds one of Jetty's few platform threads
        // (HTTP/1.1 requests would otherwise run on them).
        super(InvocationType.NON_BLOCKING);
        this.authenticators = List.copyOf(authenticators);
        this.authorizer = authorizer;
        this.nonResource = nonResource;
        this.resources = resources;
        this.reviews = new Reviews(this.authenticators, authorizer);
        this.observer = observer;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        REQUEST_THREADS.execute(() -> serve(request, response, callback));
        return true;
    }

    private static final java.util.concurrent.Executor REQUEST_THREADS =
            java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("kapal-request-", 0).factory());

    private void serve(Request request, Response response, Callback callback) {
        long started = System.nanoTime();
        Exchange exchange = new Exchange(request, response, callback, maxBodyBytes);
        RequestInfo info = new RequestInfo.NonResource(request.getMethod().toLowerCase(Locale.ROOT), exchange.path());
        try {
            info = RequestInfo.parse(request.getMethod(), exchange.path(),
                    exchange.query("watch").map(v -> v.equals("true") || v.equals("1")).orElse(false));
            Optional<UserInfo> user = authenticate(request, exchange);
            if (user.isEmpty() && !(info instanceof RequestInfo.NonResource nr && PUBLIC_PATHS.contains(stripSlash(nr.path()))
                    || info instanceof RequestInfo.NonResource nr2 && stripSlash(nr2.path()).startsWith("/readyz/")
                    || info instanceof RequestInfo.NonResource nr3 && stripSlash(nr3.path()).startsWith("/livez/"))) {
                throw ApiException.unauthorized();
            }
            if (user.isPresent()) {
                authorize(user.get(), info);
            }
            switch (info) {
                case RequestInfo.Resource resource -> {
                    if (reviews.handles(resource)) {
                        reviews.handle(resource, exchange, user.orElseThrow(ApiException::unauthorized));
                    } else {
                        resources.handle(resource, exchange, observer);
                    }
                }
                case RequestInfo.NonResource other -> {
                    if (!nonResource.handle(other, exchange, user)) {
                        throw new ApiException(dev.kapal.api.StatusReason.NOT_FOUND, "the server could not find the requested resource");
                    }
                }
            }
        } catch (ApiException error) {
            fail(exchange, error);
        } catch (Throwable unexpected) {
            LOG.error("internal error serving {} {}", request.getMethod(), exchange.path(), unexpected);
            fail(exchange, ApiException.internal("an unexpected error occurred; see the server log"));
        } finally {
            observer.observe(info, exchange.status(), System.nanoTime() - started);
        }
    }

    private static String stripSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private void fail(Exchange exchange, ApiException error) {
        if (exchange.committed()) {
            exchange.abort(error);
            return;
        }
        if (error.code() == 401) {
            exchange.setHeader("WWW-Authenticate", "Basic realm=\"kubernetes-master\"");
        }
        error.retryAfterSeconds().ifPresent(seconds -> exchange.setHeader("Retry-After", Long.toString(seconds)));
        exchange.respond(error.code(), "application/json", Json.write(StatusObjects.failure(error)));
    }

    private Optional<UserInfo> authenticate(Request request, Exchange exchange) {
        EndPoint.SslSessionData ssl = (EndPoint.SslSessionData) request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        List<X509Certificate> chain = ssl == null || ssl.peerCertificates() == null ? List.of() : List.of(ssl.peerCertificates());
        Optional<String> bearer = exchange.header(HttpHeader.AUTHORIZATION)
                .filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(value -> value.substring(7).trim());
        Authenticator.Credentials credentials = new Authenticator.Credentials() {
            @Override
            public List<X509Certificate> clientCertificates() {
                return chain;
            }

            @Override
            public Optional<String> bearerToken() {
                return bearer;
            }
        };
        for (Authenticator authenticator : authenticators) {
            switch (authenticator.authenticate(credentials)) {
                case Authenticator.Result.Authenticated authenticated -> {
                    return Optional.of(authenticated.user());
                }
                case Authenticator.Result.Rejected rejected -> throw ApiException.unauthorized();
                case Authenticator.Result.NotApplicable notApplicable -> {
                }
            }
        }
        return Optional.empty();
    }

    private void authorize(UserInfo user, RequestInfo info) {
        Authorizer.Attributes attributes = switch (info) {
            case RequestInfo.Resource r -> new Authorizer.Attributes(user, r.verb(), true, r.group(), r.version(),
                    r.resource(), r.subresource(), r.namespace(), r.name(), "");
            case RequestInfo.NonResource n -> new Authorizer.Attributes(user, n.verb(), false, "", "", "", "", "", "", n.path());
        };
        switch (authorizer.authorize(attributes)) {
            case Authorizer.Decision.Allow allow -> {
            }
            case Authorizer.Decision.Deny deny -> throw forbidden(attributes, deny.reason());
            case Authorizer.Decision.NoOpinion none -> throw forbidden(attributes, none.reason());
        }
    }

    private static ApiException forbidden(Authorizer.Attributes a, String reason) {
        String suffix = reason.isEmpty() ? "" : ": " + reason;
        if (!a.resourceRequest()) {
            return ApiException.forbidden("forbidden: User \"" + a.user().name() + "\" cannot " + a.verb()
                    + " path \"" + a.path() + "\"" + suffix);
        }
        String resource = a.group().isEmpty() ? a.resource() : a.resource() + "." + a.group();
        String what = a.name().isEmpty() ? resource : resource + " \"" + a.name() + "\"";
        String scope = a.namespace().isEmpty() ? " at the cluster scope" : " in the namespace \"" + a.namespace() + "\"";
        String sub = a.subresource().isEmpty() ? "" : a.subresource() + " ";
        return ApiException.forbidden(what + " is forbidden: User \"" + a.user().name() + "\" cannot " + a.verb()
                + " resource \"" + (sub.isEmpty() ? a.resource() : a.resource() + "/" + a.subresource()) + "\" in API group \""
                + a.group() + "\"" + scope + suffix);
    }
}
