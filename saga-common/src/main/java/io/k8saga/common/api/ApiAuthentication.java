package io.k8saga.common.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.json.JsonString;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Lets a request reach the public API ({@code /api/*}) or the operators' endpoints ({@code /admin/*}) only with a
 * bearer JWT that smallrye-jwt verifies (signature, issuer, audience, expiry; {@code mp.jwt.verify.*}) and that
 * grants the role {@code admin} or {@code customer} (a customer's id in {@code saga.auth.customer-claim}). Anything
 * else is answered here, before the body is read or any route runs: {@code 401} with {@code WWW-Authenticate} for a
 * missing or refused token, {@code 403} for a token without a role of this API, or a customer's on {@code /admin}.
 * The {@link Caller} of an admitted request is what Camel sees as the request's authenticated user; routes read it
 * with {@link #CALLER}.
 */
@ApplicationScoped
public class ApiAuthentication {

    /** The Camel header (a simple expression) holding the request's {@link Caller}. */
    public static final String CALLER = "${header.CamelVertxPlatformHttpAuthenticatedUser}";
    public static final String ADMIN_ROLE = "admin";
    public static final String CUSTOMER_ROLE = "customer";

    private static final Logger LOG = Logger.getLogger(ApiAuthentication.class);
    private static final String CHALLENGE = "Bearer realm=\"saga\"";
    private static final String PRINCIPAL_NAME = "name";
    private static final String PRINCIPAL_CUSTOMER = "customerId";

    private final JWTParser parser;
    private final String customerClaim;
    private final boolean keyFetchedOverHttp;
    private final MeterRegistry registry;
    private final VerifiedTokens verifiedTokens = new VerifiedTokens(Clock.systemUTC());

    ApiAuthentication(JWTParser parser,
            @ConfigProperty(name = "saga.auth.customer-claim") String customerClaim,
            @ConfigProperty(name = "mp.jwt.verify.issuer") Optional<String> issuer,
            @ConfigProperty(name = "mp.jwt.verify.audiences") Optional<List<String>> audiences,
            @ConfigProperty(name = "mp.jwt.verify.publickey") Optional<String> key,
            @ConfigProperty(name = "mp.jwt.verify.publickey.location") Optional<String> keyLocation,
            MeterRegistry registry) {
        // Without an issuer or an audience smallrye-jwt would not check them; without a key, refuse every token.
        if (issuer.isEmpty() || audiences.isEmpty() || (key.isEmpty() && keyLocation.isEmpty())) {
            throw new IllegalStateException("The public API needs mp.jwt.verify.issuer, mp.jwt.verify.audiences and"
                    + " a verification key (mp.jwt.verify.publickey or mp.jwt.verify.publickey.location); env"
                    + " MP_JWT_VERIFY_ISSUER, MP_JWT_VERIFY_AUDIENCES, MP_JWT_VERIFY_PUBLICKEY(_LOCATION)");
        }
        this.parser = parser;
        this.customerClaim = customerClaim;
        this.keyFetchedOverHttp = key.isEmpty() && keyLocation.get().matches("(?i)https?:.*");
        this.registry = registry;
    }

    void register(@Observes Router router) {
        // After PublicRequestLimit (which bounds this work too), before the body limit, the body handler, Camel and
        // a service's own handlers (order-route's OrderWaits).
        int order = RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1;
        router.route("/api/*").order(order).handler(this::authenticate);
        router.route("/admin/*").order(order).handler(this::authenticate);
    }

    private void authenticate(RoutingContext request) {
        request.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        String token = bearerToken(request);
        if (token == null) {
            refuse(request, "missing", 401, CHALLENGE, "This API needs a bearer token: Authorization: Bearer <JWT>");
            return;
        }
        Optional<Caller> known = verifiedTokens.callerOf(token);
        if (known.isPresent()) {
            admit(request, known.get());
            return;
        }
        // A JWKS URL is fetched (and refreshed) with a blocking call, which must stay off the event loop.
        Future<JsonWebToken> verified = keyFetchedOverHttp
                ? request.vertx().executeBlocking(() -> parser.parse(token), false)
                : verifyNow(token);
        verified.onComplete(result -> {
            if (result.failed()) {
                LOG.debugf("Refused a bearer token on %s: %s", request.request().path(), result.cause().getMessage());
                refuse(request, "invalid", 401, CHALLENGE + ", error=\"invalid_token\"",
                        "The bearer token is not valid here: malformed, badly signed, expired, or issued for"
                                + " another issuer or audience");
                return;
            }
            JsonWebToken verifiedToken = result.result();
            Optional<Caller> caller = callerOf(verifiedToken);
            if (caller.isEmpty()) {
                refuse(request, "no-role", 403, CHALLENGE + ", error=\"insufficient_scope\"", "The token grants no"
                        + " role of this API: it needs the role " + ADMIN_ROLE + ", or " + CUSTOMER_ROLE + " with a"
                        + " customer id in the claim " + customerClaim);
                return;
            }
            verifiedTokens.remember(token, caller.get(), verifiedToken.getExpirationTime());
            admit(request, caller.get());
        });
    }

    private Future<JsonWebToken> verifyNow(String token) {
        try {
            return Future.succeededFuture(parser.parse(token));
        } catch (ParseException | RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private void admit(RoutingContext request, Caller caller) {
        if (request.request().path().startsWith("/admin/") && !caller.isAdmin()) {
            refuse(request, "no-role", 403, CHALLENGE + ", error=\"insufficient_scope\"",
                    "This endpoint needs the role " + ADMIN_ROLE);
            return;
        }
        request.setUser(User.create(principalOf(caller)));
        request.next();
    }

    /** The caller a verified token names, or empty when it grants neither role. */
    Optional<Caller> callerOf(JsonWebToken token) {
        String name = token.getName();
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        if (token.getGroups().contains(ADMIN_ROLE)) {
            return Optional.of(Caller.admin(name));
        }
        if (!token.getGroups().contains(CUSTOMER_ROLE)) {
            return Optional.empty();
        }
        Object claim = token.getClaim(customerClaim);
        String customerId = claim instanceof JsonString json ? json.getString()
                : claim instanceof String text ? text : null;
        if (customerId == null || !Formats.ID.matcher(customerId).matches()) {
            return Optional.empty();
        }
        return Optional.of(Caller.customer(name, customerId));
    }

    private static String bearerToken(RoutingContext request) {
        List<String> headers = request.request().headers().getAll(HttpHeaders.AUTHORIZATION);
        if (headers.size() != 1) {
            return null;
        }
        String value = headers.get(0).strip();
        if (value.length() < 8 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = value.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    private void refuse(RoutingContext request, String reason, int status, String challenge, String detail) {
        registry.counter("saga.api.auth.refused", "reason", reason).increment();
        request.response().putHeader("WWW-Authenticate", challenge);
        // Unread, like a body over the limit: a client still sending one must still get this answer.
        HttpProblems.refuse(request, status, "Authorization", detail);
    }

    private static JsonObject principalOf(Caller caller) {
        return new JsonObject().put(PRINCIPAL_NAME, caller.name()).put(PRINCIPAL_CUSTOMER, caller.customerId());
    }

    /** The caller of a request this class admitted, for a Vert.x handler that runs after it. */
    public static Caller callerOf(RoutingContext request) {
        return callerOf(request.user());
    }

    /** The caller of an admitted request, from what Camel's header {@link #CALLER} holds. */
    static Caller callerOf(User user) {
        JsonObject principal = user.principal();
        String customerId = principal.getString(PRINCIPAL_CUSTOMER);
        String name = principal.getString(PRINCIPAL_NAME);
        return customerId == null ? Caller.admin(name) : Caller.customer(name, customerId);
    }
}
