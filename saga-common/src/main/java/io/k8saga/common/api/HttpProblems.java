package io.k8saga.common.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The answers the HTTP layer gives before any route of ours runs (no route for the path, a method the path does
 * not take, a body over {@code quarkus.http.limits.max-body-size}, a form body) get an RFC 9457 body like every
 * other error of the API, instead of an HTML, empty or 500 one.
 */
@ApplicationScoped
public class HttpProblems {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Most bytes of a refused body read and dropped before its connection is closed regardless. */
    private static final long MAX_DROPPED_BYTES = 8L * 1024 * 1024;

    private final long maxBodyBytes;

    HttpProblems(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.maxBodyBytes = maxBodySize.asLongValue();
    }

    void register(@Observes Router router) {
        router.errorHandler(404, context -> write(context, 404, null, "No resource at " + context.request().path()));
        router.errorHandler(405, context -> {
            // Vert.x sets Allow only when it writes the 405 itself, so it is worked out here from the routes.
            String allowed = allowedMethods(router, context.request().path());
            context.response().putHeader(HttpHeaders.ALLOW, allowed);
            write(context, 405, null, context.request().method() + " is not allowed on " + context.request().path()
                    + "; allowed: " + allowed);
        });
        // Runs just before Quarkus's own check of a declared length (at ROUTE_ORDER_UPLOAD_LIMIT), which would end
        // the exchange with an empty 413, and before any body is read.
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(context -> {
            String type = context.request().getHeader(HttpHeaders.CONTENT_TYPE);
            if (declaredLength(context) > maxBodyBytes) {
                refuse(context, 413, "body", tooLarge());
            } else if (isForm(type)) {
                // No endpoint takes a form, and Camel would turn its fields into message headers and the body into
                // a map that no route can read (a 500).
                refuse(context, 415, "Content-Type", "Content-Type: forms are not accepted, was " + type);
            } else {
                context.next();
            }
        });
        // The body handler fails a chunked body that grows past the limit with a bare status; Quarkus's last failure
        // handler would answer that with an empty body.
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).failureHandler(context -> {
            if (context.statusCode() == 413) {
                refuse(context, 413, "body", tooLarge());
            } else {
                context.next();
            }
        });
    }

    /** The methods of the routes whose path (with {@code :name} parameters) matches {@code path}. */
    static String allowedMethods(Router router, String path) {
        return router.getRoutes().stream()
                .filter(route -> route.getPath() != null && route.methods() != null)
                .filter(route -> path.matches(route.getPath().replaceAll(":[^/]+", "[^/]+")))
                .flatMap(route -> route.methods().stream())
                .map(HttpMethod::name)
                .distinct()
                .sorted()
                .collect(Collectors.joining(","));
    }

    private String tooLarge() {
        String limit = maxBodyBytes % 1024 == 0 ? maxBodyBytes / 1024 + " KiB" : maxBodyBytes + " bytes";
        return "body: larger than " + limit;
    }

    private static boolean isForm(String contentType) {
        String type = contentType == null ? "" : contentType.trim().toLowerCase(Locale.ROOT);
        return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/");
    }

    private static long declaredLength(RoutingContext context) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            // Netty refuses a malformed length before any route runs; this only keeps the check total.
            return -1;
        }
    }

    /**
     * Answers a request whose body is refused unread, then reads and drops what is still coming of it. On HTTP/1.1
     * the connection is closed after that (the answer says so): closing while bytes are still unread would make the
     * kernel reset it, and a client still sending (a proxy in particular) could lose the answer. Past
     * {@link #MAX_DROPPED_BYTES} it is closed at once. On HTTP/2 only this stream is concerned.
     */
    public static void refuse(RoutingContext context, int status, String field, String detail) {
        HttpServerRequest request = context.request();
        boolean http1 = request.version() != HttpVersion.HTTP_2;
        if (http1) {
            context.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        Future<Void> answered = write(context, status, field, detail);
        Promise<Void> read = Promise.promise();
        if (request.isEnded()) {
            read.complete();
        } else {
            long[] dropped = {0};
            // From here the request is ours: a reader set up before (the body handler) sees neither data nor close.
            request.exceptionHandler(ignored -> { });
            request.handler(chunk -> {
                dropped[0] += chunk.length();
                if (http1 && dropped[0] > MAX_DROPPED_BYTES) {
                    request.connection().close();
                }
            });
            request.endHandler(ended -> read.tryComplete());
            request.resume();
        }
        if (http1) {
            Future.join(answered, read.future()).onComplete(both -> request.connection().close());
        }
    }

    /** Answers {@code status} with a problem body naming {@code field} (may be null), unless already answered. */
    public static Future<Void> write(RoutingContext context, int status, String field, String detail) {
        if (context.response().ended()) {
            return Future.succeededFuture();
        }
        String body;
        try {
            body = JSON.writeValueAsString(Problem.of(new ApiException(status, field, detail),
                    context.request().path()));
        } catch (JsonProcessingException e) {
            body = "";
        }
        return context.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(body);
    }
}
