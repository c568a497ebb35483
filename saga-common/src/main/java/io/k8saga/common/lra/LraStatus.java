package io.k8saga.common.lra;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Asks the coordinator of one LRA where it stands ({@code GET {lraId}/status}). Camel's saga component has no such
 * call. It has the coordinator time limits, and it is only made for ids of our own coordinators: ids come from
 * message headers and the database.
 */
@ApplicationScoped
public class LraStatus {

    /** The status of an LRA the coordinator has no record of: it finished, or was lost in a crash. */
    public static final String UNKNOWN = "unknown";
    /** The status of an LRA that has neither closed nor cancelled yet. */
    public static final String ACTIVE = "Active";

    private final CoordinatorShards shards;
    private final CoordinatorHttp http;

    LraStatus(CoordinatorShards shards, CoordinatorHttp http) {
        this.shards = shards;
        this.http = http;
    }

    /**
     * The LRA's status as the coordinator names it (Active, Closing, Closed, Cancelling, Cancelled, ...), or
     * {@link #UNKNOWN} when it answers 404.
     *
     * @throws UnknownCoordinatorException when the id is not one of our coordinators'
     * @throws UncheckedIOException when the coordinator does not answer in time or answers anything else
     */
    public String of(String sagaId) {
        if (sagaId == null) {
            throw new IllegalArgumentException("no LRA id");
        }
        shards.requireOursIfAny(sagaId);
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(sagaId + "/status")).GET());
        return switch (answer.statusCode()) {
            case 200 -> answer.body();
            case 404 -> UNKNOWN;
            default -> throw new UncheckedIOException(new IOException(
                    sagaId + "/status answered " + answer.statusCode()));
        };
    }
}
