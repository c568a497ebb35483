package io.k8saga.order.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8saga.common.lra.CoordinatorHttp;
import io.k8saga.common.lra.CoordinatorShards;
import io.k8saga.common.lra.LraStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * What the LRA coordinators say about the sagas they have not finished (the ones they keep retrying, the ones they
 * gave up on, the status of one LRA), and cancelling one whose timer was lost. Camel's saga component does neither.
 * The lists cover every shard; one LRA is asked of the coordinator its id names. Every call has the coordinator
 * time limits (CoordinatorHttp): a coordinator can hang.
 */
@ApplicationScoped
public class SagaCoordinator {

    /** One LRA as the coordinator lists it. */
    public record Lra(String sagaId, String status) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CoordinatorShards shards;
    private final CoordinatorHttp http;
    private final LraStatus lraStatus;

    SagaCoordinator(CoordinatorShards shards, CoordinatorHttp http, LraStatus lraStatus) {
        this.shards = shards;
        this.http = http;
        this.lraStatus = lraStatus;
    }

    /** LRAs whose callbacks a coordinator is still retrying, of every shard. */
    public List<Lra> recovering() {
        return everyShard("/recovery");
    }

    /** LRAs a coordinator gave up on (a participant could not compensate or complete), of every shard. */
    public List<Lra> failed() {
        return everyShard("/recovery/failed");
    }

    /**
     * True when the coordinator of {@code sagaId} lists it among the LRAs it gave up on, which it no longer knows
     * otherwise (their status is unknown too).
     */
    public boolean hasGivenUp(String sagaId) {
        String shard = shards.shardOf(sagaId).orElseThrow(() -> new IllegalArgumentException(
                "LRA " + sagaId + " belongs to no configured coordinator"));
        return list(shard + "/recovery/failed").stream().anyMatch(lra -> lra.sagaId().equals(sagaId));
    }

    /** The LRA's status (Active, Closing, Cancelling, ...), or {@code unknown} when the coordinator has no record. */
    public String status(String sagaId) {
        return lraStatus.of(sagaId);
    }

    /** Cancels an LRA of ours; the coordinator then calls every compensation. Refusals (it has ended) are fine. */
    public void cancel(String sagaId) {
        shards.requireOursIfAny(sagaId);
        http.send(HttpRequest.newBuilder(URI.create(sagaId + "/cancel")).PUT(HttpRequest.BodyPublishers.noBody()));
    }

    private List<Lra> everyShard(String path) {
        List<Lra> lras = new ArrayList<>();
        for (String shard : shards.all()) {
            lras.addAll(list(shard + path));
        }
        return lras;
    }

    private List<Lra> list(String url) {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url)).GET());
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
}
