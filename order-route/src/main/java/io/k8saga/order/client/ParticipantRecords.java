package io.k8saga.order.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8saga.order.domain.ParticipantRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Reads one order's rows from the participants' public APIs for its saga timeline: the credit reservation from
 * credit-route, the payment from payment-route. Each call carries the caller's own {@code Authorization}, so a
 * participant shows exactly what it would show that caller; each is bounded by {@code saga.timeline.timeout}.
 * An empty result means the participant answered and has no row; an absent one that it could not be read.
 */
@ApplicationScoped
public class ParticipantRecords {

    private static final Logger LOG = Logger.getLogger(ParticipantRecords.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final TypeReference<List<Row>> ROWS = new TypeReference<>() {
    };

    private final HttpClient client;
    private final URI creditUrl;
    private final URI paymentUrl;
    private final Duration timeout;

    ParticipantRecords(@ConfigProperty(name = "saga.timeline.credit-url") URI creditUrl,
            @ConfigProperty(name = "saga.timeline.payment-url") URI paymentUrl,
            @ConfigProperty(name = "saga.timeline.timeout") Duration timeout) {
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.creditUrl = creditUrl;
        this.paymentUrl = paymentUrl;
        this.timeout = timeout;
    }

    /** The customer's credit reservation for the order (credit-route answers 404 for a customer it does not know). */
    public CompletableFuture<Optional<List<ParticipantRecord>>> reservations(String customerId, String orderId,
            String authorization) {
        return read("credit-route", creditUrl.resolve("/api/customers/" + encode(customerId)
                + "/reservations?orderId=" + encode(orderId)), authorization);
    }

    /** The order's payments (payment-route shows none of another customer's). */
    public CompletableFuture<Optional<List<ParticipantRecord>>> payments(String orderId, String authorization) {
        return read("payment-route", paymentUrl.resolve("/api/payments?orderId=" + encode(orderId)), authorization);
    }

    private CompletableFuture<Optional<List<ParticipantRecord>>> read(String service, URI uri, String authorization) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET()
                .header("Accept", "application/json")
                .header("Authorization", authorization)
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(response -> parse(service, response))
                .exceptionally(failure -> {
                    LOG.warnf("Timeline: %s could not be read: %s", service, failure.toString());
                    return Optional.empty();
                });
    }

    private static Optional<List<ParticipantRecord>> parse(String service, HttpResponse<String> response) {
        if (response.statusCode() == 404) {
            return Optional.of(List.of());
        }
        if (response.statusCode() != 200) {
            LOG.warnf("Timeline: %s answered %d to %s", service, response.statusCode(), response.uri().getPath());
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(response.body(), ROWS).stream().map(Row::toRecord).toList());
        } catch (Exception e) {
            LOG.warnf("Timeline: %s answered what is not a list of its rows: %s", service, e.toString());
            return Optional.empty();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The fields both participants' rows share (ReservationView, PaymentView). */
    private record Row(String status, BigDecimal amount, String currency, String createdAt, String updatedAt) {

        ParticipantRecord toRecord() {
            return new ParticipantRecord(status, amount, currency, Instant.parse(createdAt), Instant.parse(updatedAt));
        }
    }
}
