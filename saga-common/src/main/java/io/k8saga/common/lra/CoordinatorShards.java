package io.k8saga.common.lra;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The LRA coordinators this service works with, from {@code camel.lra.coordinator-url}: one URL, or several
 * separated by commas (shards, each with its own object store). New sagas start on one of them; an LRA id is a URL
 * under one of them, and it is the allow-list for every LRA id that arrives from outside (message headers, the
 * database): no call is ever made to a coordinator that is not listed here. It also remembers which shards did not
 * answer their last call, so that sagas held by a shard that is down can be told from sagas that are merely slow
 * (order-route's admission control) and their events put aside instead of blocking a partition ({@code
 * ParkedEvents}).
 */
@ApplicationScoped
public class CoordinatorShards {

    private final List<String> shards;
    /** Shards whose last call failed without an answer (refused, timed out), until one is answered again. */
    private final Set<String> failing = ConcurrentHashMap.newKeySet();

    public CoordinatorShards(@ConfigProperty(name = "camel.lra.coordinator-url") String coordinatorUrls,
            @ConfigProperty(name = "camel.lra.coordinator-context-path", defaultValue = "/lra-coordinator")
            String contextPath) {
        this.shards = parse(coordinatorUrls, contextPath);
    }

    /** Each coordinator's API root, e.g. {@code http://host:8090/lra-coordinator}, in the configured order. */
    public List<String> all() {
        return shards;
    }

    /** True when {@code sagaId} names an LRA of one of the configured coordinators. */
    public boolean isOurs(String sagaId) {
        return shardOf(sagaId).isPresent();
    }

    /** The configured coordinator (its API root, as in {@link #all}) that {@code sagaId} is an LRA of, if any. */
    public Optional<String> shardOf(String sagaId) {
        if (sagaId == null) {
            return Optional.empty();
        }
        return shards.stream()
                .filter(shard -> sagaId.startsWith(shard + "/") && sagaId.length() > shard.length() + 1)
                .findFirst();
    }

    /** A call to {@code shard} got no answer (connection refused or reset, time limit). */
    public void failed(String shard) {
        failing.add(shard);
    }

    /** {@code shard} answered a call (whatever the answer): it is up (again). */
    public void answered(String shard) {
        failing.remove(shard);
    }

    /**
     * True when {@code sagaId} is an LRA of a shard whose last call got no answer: the saga cannot go on before that
     * shard is back, however fast the rest of the system is.
     */
    public boolean isOnFailingShard(String sagaId) {
        return shardOf(sagaId).map(failing::contains).orElse(false);
    }

    /**
     * Refuses, without a call, work for a saga whose shard did not answer its last call.
     *
     * @throws ShardNotAnsweringException when {@code sagaId} is an LRA of such a shard
     */
    public void requireAnswering(String sagaId) throws ShardNotAnsweringException {
        if (isOnFailingShard(sagaId)) {
            throw new ShardNotAnsweringException(sagaId);
        }
    }

    /**
     * Refuses an LRA id of any other coordinator; no id (an event outside any saga) passes.
     *
     * @throws UnknownCoordinatorException when {@code sagaId} is set and not {@link #isOurs ours}
     */
    public void requireOursIfAny(String sagaId) {
        if (sagaId != null && !sagaId.isEmpty() && !isOurs(sagaId)) {
            throw new UnknownCoordinatorException(sagaId, shards);
        }
    }

    private static List<String> parse(String coordinatorUrls, String contextPath) {
        List<String> shards = new ArrayList<>();
        for (String url : coordinatorUrls.split(",")) {
            String base = url.strip().replaceFirst("/+$", "");
            if (base.isEmpty()) {
                continue;
            }
            URI uri = URI.create(base);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("camel.lra.coordinator-url: not an http(s) URL with a host: " + url);
            }
            String shard = base + contextPath;
            if (!shards.contains(shard)) {
                shards.add(shard);
            }
        }
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("camel.lra.coordinator-url names no coordinator");
        }
        return List.copyOf(shards);
    }
}
