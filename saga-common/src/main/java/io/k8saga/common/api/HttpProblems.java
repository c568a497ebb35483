package io.k8saga.common.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The answers the HTTP layer gives before any route of ours runs (no route for the path, a method the path does
 * not take, a body over {@code quarkus.http.limits.max-body-size}) get an RFC 9457 body like every other error of
 * the API, instead of an HTML or empty one.
 */
@ApplicationScoped
public class HttpProblems {

    private static final ObjectMapper JSON = new ObjectMapper();

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
        // Quarkus's own check of a declared length (at ROUTE_ORDER_UPLOAD_LIMIT) ends the exchange with an empty
        // 413, so the same check runs just before it and fails the request instead.
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(context -> {
            if (declaredLength(context) > maxBodyBytes) {
                context.fail(413);
            } else {
                context.next();
            }
        });
        // A failure with a status only (the check above, or the body handler counting a chunked body past the
        // limit) would otherwise reach Quarkus's last failure handler, which answers with an empty body.
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).failureHandler(context -> {
            int status = context.statusCode();
            if (context.failure() != null || status < 400 || status >= 500) {
                context.next();
            } else if (status == 413) {
                // The rest of the body stays unread, so the connection cannot carry another request.
                context.response().putHeader(HttpHeaders.CONNECTION, "close")
                        .endHandler(ended -> context.request().connection().close());
                write(context, 413, "body", "body: larger than " + describe(maxBodyBytes));
            } else {
                write(context, status, null, HttpResponseStatus.valueOf(status).reasonPhrase());
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

    /** A byte count as people write it: {@code 64 KiB} when it is a whole number of KiB. */
    static String describe(long bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " bytes";
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

    private static void write(RoutingContext context, int status, String field, String detail) {
        if (context.response().ended()) {
            return;
        }
        String body;
        try {
            body = JSON.writeValueAsString(Problem.of(new ApiException(status, field, detail),
                    context.request().path()));
        } catch (JsonProcessingException e) {
            body = "";
        }
        context.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(body);
    }
}
