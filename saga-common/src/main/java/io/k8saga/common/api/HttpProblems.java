package io.k8saga.common.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.stream.Collectors;

/**
 * The answers the HTTP layer gives before any route of ours runs (no route for the path, a method the path does
 * not take) get an RFC 9457 body like every other error of the API, instead of an HTML or empty one. (Too large a
 * body is {@link JsonRequest}'s to refuse; Quarkus's own cap, {@code quarkus.http.limits.max-body-size}, sits above.)
 */
@ApplicationScoped
public class HttpProblems {

    private static final ObjectMapper JSON = new ObjectMapper();

    void register(@Observes Router router) {
        router.errorHandler(404, context -> write(context, 404, null, "No resource at " + context.request().path()));
        router.errorHandler(405, context -> {
            // Vert.x sets Allow only when it writes the 405 itself, so it is worked out here from the routes.
            String allowed = allowedMethods(router, context.request().path());
            context.response().putHeader(HttpHeaders.ALLOW, allowed);
            write(context, 405, null, context.request().method() + " is not allowed on " + context.request().path()
                    + "; allowed: " + allowed);
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
