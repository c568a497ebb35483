package io.k8saga.common.lra;

import io.quarkus.arc.Unremovable;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import org.apache.camel.service.lra.LRAClient;
import org.apache.camel.service.lra.LRASagaService;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The saga service of every route: Camel's LRA saga service with our client ({@link ShardedLraClient}). Camel
 * configures the saga service from {@code camel.lra.*} and takes the one it finds in the registry before making
 * its own, so this bean replaces the default. One per CamelContext: a second would add Camel's participant routes
 * again, whose ids are fixed. Not a client proxy (Singleton), since Camel manages it as a service.
 */
@Singleton
@Unremovable
public class ShardedLraSagaService extends LRASagaService {

    private final CoordinatorShards shards;
    private final CoordinatorHttp http;
    private final Duration shardBackoff;
    private final CallbackSignatures signatures;

    ShardedLraSagaService(CoordinatorShards shards, CoordinatorHttp http,
            @ConfigProperty(name = "saga.coordinator.shard-backoff") Duration shardBackoff,
            CallbackSignatures signatures) {
        this.shards = shards;
        this.http = http;
        this.shardBackoff = shardBackoff;
        this.signatures = signatures;
    }

    @Override
    protected LRAClient createLRAClient() {
        return new ShardedLraClient(this, shards, http, new ShardSelector(shards.all(), shardBackoff,
                Clock.systemUTC()), signatures);
    }
}
