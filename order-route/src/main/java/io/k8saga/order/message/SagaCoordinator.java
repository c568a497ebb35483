package io.k8saga.order.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8saga.common.lra.LraStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What the LRA coordinator says about the sagas it has not finished (the ones it keeps retrying, the ones it gave
 * up on, the status of one LRA), and cancelling one whose timer was lost. Camel's saga component does neither.
 * Every call has a deadline: the coordinator can hang.
 */
@ApplicationScoped
public class SagaCoordinator {

    /** One LRA as the coordinator lists it. */
    public record Lra(String sagaId, String status) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private final String coordinator;
    private final LraStatus lraStatus;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(DEADLINE).build();

    SagaCoordinator(@ConfigProperty(name = "camel.lra.coordinator-url") String coordinatorUrl,
            LraStatus lraStatus) {
        this.coordinator = coordinatorUrl.replaceFirst("/+$", "") + "/lra-coordinator";
        this.lraStatus = lraStatus;
    }

    /** LRAs whose callbacks the coordinator is still retrying. */
    public List<Lra> recovering() {
        return list(coordinator + "/recovery");
    }

    /** LRAs the coordinator gave up on (a participant could not compensate or complete). */
    public List<Lra> failed() {
        return list(coordinator + "/recovery/failed");
    }

    /** The LRA's status (Active, Closing, Cancelling, ...), or {@code unknown} when the coordinator has no record. */
    public String status(String sagaId) {
        return lraStatus.of(sagaId);
    }

    /** Cancels an LRA of ours; the coordinator then calls every compensation. Refusals (it has ended) are fine. */
    public void cancel(String sagaId) {
        if (!lraStatus.isOurs(sagaId)) {
            throw new IllegalArgumentException("not an LRA of our coordinator: " + sagaId);
        }
        try {
            http.send(HttpRequest.newBuilder(URI.create(sagaId + "/cancel")).timeout(DEADLINE)
                    .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new UncheckedIOException("the coordinator did not answer " + sagaId + "/cancel", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the coordinator", e);
        }
    }

    private List<Lra> list(String url) {
        HttpResponse<String> answer = get(url);
        if (answer.statusCode() != 200) {
            throw new UncheckedIOException(new IOException(url + " answered " + answer.statusCode()));
        }
        try {
            return lras(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable answer from " + url, e);
        }
    }

    /**
     * The LRAs of a {@code /recovery} or {@code /recovery/failed} answer: a JSON array of objects of which we read
     * {@code lraId} and {@code status} (Narayana 7.1 adds clientId, startTime, finishTime, httpStatus, topLevel,
     * recovering).
     */
    static List<Lra> lras(String json) throws IOException {
        JsonNode array = JSON.readTree(json);
        if (!array.isArray()) {
            throw new IOException("not a JSON array");
        }
        List<Lra> lras = new ArrayList<>();
        for (JsonNode lra : array) {
            if (!lra.path("lraId").isTextual()) {
                throw new IOException("an LRA without lraId: " + lra);
            }
            lras.add(new Lra(lra.get("lraId").asText(), lra.path("status").asText(null)));
        }
        return lras;
    }

    private HttpResponse<String> get(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(DEADLINE).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("the coordinator did not answer " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the coordinator", e);
        }
    }
}
