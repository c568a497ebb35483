package io.k8saga.common.message;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.quarkus.core.events.ComponentAddEvent;
import org.eclipse.microprofile.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives Camel's Kafka component this service's {@link KafkaSecurity} as soon as Camel creates it, before any
 * endpoint copies its configuration: every consumer and producer of the routes, the outbox relay and the dead
 * letters, and the admin client of {@link GroupDeparture}, which is made from a consumer's configuration. Settings
 * that are wrong stop the service at start, naming them.
 */
@Singleton
class KafkaSecuritySetup {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSecuritySetup.class);

    void secure(@Observes ComponentAddEvent added, Config config) {
        if (added.getComponent() instanceof KafkaComponent kafka) {
            KafkaSecurity security = KafkaSecurity.from(
                    name -> config.getOptionalValue(KafkaSecurity.PREFIX + name, String.class));
            security.applyTo(kafka.getConfiguration());
            LOG.info("Kafka clients connect with {}", security);
            if (security.protocol().equals("SASL_PLAINTEXT")) {
                LOG.warn("Kafka connections are not encrypted (SASL_PLAINTEXT): use SASL_SSL outside a test setup");
            }
        }
    }
}
