package io.k8saga.common.lra;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.service.lra.LRAClient;
import org.apache.camel.service.lra.LRASagaService;
import org.apache.camel.service.lra.LRASagaStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's LRA client with time limits and shards. Every request carries the request time limit and runs on the
 * client with the connect time limit ({@link CoordinatorHttp}). A new LRA starts on the shard whose turn it is, and
 * on the next one when that start fails ({@link ShardSelector}); join, close and cancel go to the coordinator named
 * in the LRA id, as in Camel, but only when it is one of ours; a join signs the step's callback URLs. Whether
 * each shard answered its last call is told to {@link CoordinatorShards}.
 */
final class ShardedLraClient extends LRAClient {

    private static final Logger LOG = LoggerFactory.getLogger(ShardedLraClient.class);

    private final CoordinatorShards shards;
    private final CoordinatorHttp http;
    private final ShardSelector selector;
    private final CallbackSignatures signatures;

    ShardedLraClient(LRASagaService service, CoordinatorShards shards, CoordinatorHttp http, ShardSelector selector,
            CallbackSignatures signatures) {
        super(service, http.client());
        this.shards = shards;
        this.http = http;
        this.selector = selector;
        this.signatures = signatures;
    }

    @Override
    public CompletableFuture<URL> newLRA(Exchange exchange) {
        return start(selector.order(), 0, exchange, null);
    }

    /** Joins with callback URLs signed for this LRA and the step's order ({@link CallbackGuard} checks them). */
    @Override
    public CompletableFuture<Void> join(URL lra, LRASagaStep step, Exchange exchange) {
        String orderId = step.getOptions().get(CallbackSignatures.ORDER_ID);
        if (orderId == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("a saga step needs the option "
                    + CallbackSignatures.ORDER_ID + ": its callbacks are signed for the order they act on"));
        }
        // Camel builds both callback URLs from the step's options, a map made for this one join.
        step.getOptions().put(CallbackSignatures.PARAMETER, signatures.sign(lra.toString(), orderId));
        return toOurs(lra, () -> super.join(lra, step, exchange));
    }

    @Override
    public CompletableFuture<Void> complete(URL lra, Exchange exchange) {
        return toOurs(lra, () -> super.complete(lra, exchange));
    }

    @Override
    public CompletableFuture<Void> compensate(URL lra, Exchange exchange) {
        return toOurs(lra, () -> super.compensate(lra, exchange));
    }

    @Override
    protected HttpRequest.Builder prepareRequest(URI uri, Exchange exchange) {
        return http.limited(super.prepareRequest(uri, exchange));
    }

    /** Tries {@code candidates[next]}, and the ones after it while they fail; fails once all of them have. */
    private CompletableFuture<URL> start(List<String> candidates, int next, Exchange exchange, Throwable failure) {
        if (next == candidates.size()) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("no LRA coordinator started the saga; tried " + candidates, failure));
        }
        String shard = candidates.get(next);
        HttpRequest request = prepareRequest(URI.create(shard + "/start"), exchange)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        return http.within(http.client().sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .thenApply(answer -> lraId(shard, answer))
                .handle((lra, error) -> {
                    if (error == null) {
                        selector.succeeded(shard);
                        shards.answered(shard);
                        return CompletableFuture.completedFuture(lra);
                    }
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    selector.failed(shard);
                    shards.failed(shard);
                    LOG.warn("Coordinator {} did not start a saga ({}); new sagas leave it out for a while",
                            shard, cause.toString());
                    return start(candidates, next + 1, exchange, cause);
                })
                .thenCompose(Function.identity());
    }

    /** The new LRA's id from the coordinator's answer; it must lie under the shard, or participants would refuse it. */
    private URL lraId(String shard, HttpResponse<String> answer) {
        if (answer.statusCode() / 100 != 2) {
            throw new IllegalStateException(shard + "/start answered " + answer.statusCode());
        }
        String id = answer.headers().firstValue("Location").orElse(answer.body().strip());
        if (!id.startsWith(shard + "/")) {
            throw new IllegalStateException(shard + "/start answered the LRA id '" + id + "', which is not under the"
                    + " configured URL; configure the coordinator's canonical URL");
        }
        try {
            return URI.create(id).toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalStateException(shard + "/start answered an LRA id that is no URL: " + id, e);
        }
    }

    private CompletableFuture<Void> toOurs(URL lra, Supplier<CompletableFuture<Void>> call) {
        try {
            shards.requireOursIfAny(lra.toString());
        } catch (UnknownCoordinatorException e) {
            return CompletableFuture.failedFuture(e);
        }
        String shard = shards.shardOf(lra.toString()).orElseThrow();
        return http.within(call.get()).whenComplete((done, error) -> {
            if (error == null || !unanswered(error)) {
                shards.answered(shard);
            } else {
                shards.failed(shard);
            }
        });
    }

    /** True when a call failed for want of an answer (refused, reset, timed out), not because of what was said. */
    private static boolean unanswered(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }
}
