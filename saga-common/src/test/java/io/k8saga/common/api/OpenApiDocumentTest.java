package io.k8saga.common.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenApiDocumentTest {

    private static final Set<String> SERVICES = Set.of("order-route", "credit-route", "payment-route");

    private final JsonNode document = OpenApiDocument.load();

    @Test
    void isAValidOpenApi3DocumentWhoseReferencesResolve() throws IOException {
        String yaml;
        try (var in = getClass().getClassLoader().getResourceAsStream(OpenApiDocument.RESOURCE)) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(yaml, null, options);

        assertThat(result.getMessages()).isEmpty();
        assertThat(result.getOpenAPI().getPaths()).isNotEmpty();
    }

    @Test
    void everyOperationNamesTheServiceThatImplementsItAndHasAnIdAndAnUnauthorizedAnswer() {
        Set<String> all = OpenApiDocument.operations(document, null);
        Set<String> byService = new java.util.TreeSet<>();
        SERVICES.forEach(service -> byService.addAll(OpenApiDocument.operations(document, service)));

        assertThat(byService).isEqualTo(all);
        document.path("paths").forEach(item -> item.forEach(operation -> {
            assertThat(operation.path("operationId").asText()).isNotBlank();
            assertThat(operation.path("responses").has("401")).as(operation.path("operationId").asText()).isTrue();
        }));
    }

    @Test
    void aServicesPartHoldsItsOperationsOnly() {
        JsonNode part = OpenApiDocument.partOf(document, "credit-route");

        assertThat(OpenApiDocument.operations(part, null))
                .containsExactlyInAnyOrder("POST /api/customers", "GET /api/customers/{customerId}",
                        "GET /api/customers/{customerId}/reservations");
        assertThat(part.path("components").path("schemas").has("Problem")).isTrue();
        assertThat(OpenApiDocument.operations(document, null)).hasSizeGreaterThan(3);
    }
}
