package io.k8saga.common.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.RestRegistry;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The public API's OpenAPI document ({@code docs/openapi.yaml}, packed into this jar): each service serves the
 * operations it implements (those whose {@code x-saga-service} is its {@code quarkus.application.name}) at
 * {@code GET /q/openapi}, in YAML, beside its health and metrics, which neither the gateway nor the ingress route.
 */
@ApplicationScoped
public class OpenApiDocument {

    /** Where the build puts docs/openapi.yaml on the class path. */
    public static final String RESOURCE = "openapi/openapi.yaml";
    private static final String SERVICE_KEY = "x-saga-service";
    /** Marks an operation a Vert.x handler serves rather than a REST DSL route. */
    private static final String HANDLER_KEY = "x-saga-handler";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    /** Camel's own REST endpoints: the LRA participant callbacks, not part of the public API. */
    private static final String CALLBACK_PATH = "/lra-participant";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final String service;
    private final CamelContext camel;
    private final byte[] served;

    OpenApiDocument(@ConfigProperty(name = "quarkus.application.name") String service, CamelContext camel) {
        this.service = service;
        this.camel = camel;
        try {
            this.served = YAML.writeValueAsBytes(partOf(load(), service));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the OpenAPI document of " + service, e);
        }
    }

    void register(@Observes Router router) {
        router.get("/q/openapi").handler(request -> request.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml")
                .end(Buffer.buffer(served)));
    }

    /** The whole document, as the build packed it. */
    public static JsonNode load() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path");
            }
            return YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The document with only the operations of {@code service}, and no path left without one. */
    public static JsonNode partOf(JsonNode document, String service) {
        ObjectNode part = document.deepCopy();
        ObjectNode paths = (ObjectNode) part.get("paths");
        Iterator<Map.Entry<String, JsonNode>> pathItems = paths.fields();
        while (pathItems.hasNext()) {
            ObjectNode item = (ObjectNode) pathItems.next().getValue();
            Iterator<Map.Entry<String, JsonNode>> operations = item.fields();
            while (operations.hasNext()) {
                Map.Entry<String, JsonNode> operation = operations.next();
                if (METHODS.contains(operation.getKey())
                        && !service.equals(operation.getValue().path(SERVICE_KEY).asText())) {
                    operations.remove();
                }
            }
            if (METHODS.stream().noneMatch(item::has)) {
                pathItems.remove();
            }
        }
        return part;
    }

    /** The document's operations of {@code service} (all of them for null), as "GET /api/orders/{orderId}". */
    public static Set<String> operations(JsonNode document, String service) {
        return operations(document, service, null);
    }

    /** The same, only those that carry the extension {@code requiredKey} (any for null). */
    private static Set<String> operations(JsonNode document, String service, String requiredKey) {
        Set<String> operations = new TreeSet<>();
        document.path("paths").fields().forEachRemaining(item -> item.getValue().fields().forEachRemaining(op -> {
            if (METHODS.contains(op.getKey())
                    && (service == null || service.equals(op.getValue().path(SERVICE_KEY).asText()))
                    && (requiredKey == null || op.getValue().has(requiredKey))) {
                operations.add(op.getKey().toUpperCase(Locale.ROOT) + " " + item.getKey());
            }
        }));
        return operations;
    }

    /** The operations this service documents as REST DSL routes (not those of a Vert.x handler). */
    public Set<String> documented() {
        JsonNode document = load();
        Set<String> operations = operations(document, service);
        operations.removeAll(operations(document, service, HANDLER_KEY));
        return operations;
    }

    /** The REST operations this service's Camel routes serve, but the participant callbacks, in the same form. */
    public Set<String> served() {
        Set<String> operations = new TreeSet<>();
        for (RestRegistry.RestService rest : camel.getRestRegistry().listAllRestServices()) {
            String path = (rest.getBasePath() + (rest.getUriTemplate() == null ? "" : rest.getUriTemplate()))
                    .replaceAll("/+", "/").replaceFirst("(.)/$", "$1");
            if (!path.startsWith(CALLBACK_PATH)) {
                operations.add(rest.getMethod().toUpperCase(Locale.ROOT) + " " + path);
            }
        }
        return operations;
    }
}
