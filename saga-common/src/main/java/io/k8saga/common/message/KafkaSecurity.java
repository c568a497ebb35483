package io.k8saga.common.message;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.camel.component.kafka.KafkaConfiguration;

/**
 * How a service's Kafka clients authenticate to the brokers and protect their connections: the {@code saga.kafka.*}
 * settings (microprofile-config.properties) turned into Kafka client properties. Camel's consumers and producers get
 * them through the component's configuration ({@link #applyTo}), and so does every client the services build
 * themselves from a consumer's configuration ({@link GroupDeparture}'s admin client).
 *
 * <p>By default the protocol is {@code PLAINTEXT} and this yields no property at all, so the clients run exactly as
 * before. A setting that is missing or blank counts as not set: an empty value never reaches a client. Settings that
 * the chosen protocol would ignore (credentials without SASL, a truststore without TLS) are refused, as are
 * incomplete ones, so that a wrong setting stops the service at start instead of leaving it unprotected or failing
 * later at every connection.
 */
public final class KafkaSecurity {

    /** The settings' common prefix. */
    public static final String PREFIX = "saga.kafka.";

    static final String PROTOCOL = "security-protocol";
    static final String MECHANISM = "sasl-mechanism";
    static final String USERNAME = "sasl-username";
    static final String PASSWORD = "sasl-password";
    static final String JAAS_CONFIG = "sasl-jaas-config";
    static final String TRUSTSTORE_LOCATION = "ssl-truststore-location";
    static final String TRUSTSTORE_TYPE = "ssl-truststore-type";
    static final String TRUSTSTORE_PASSWORD = "ssl-truststore-password";
    static final String TRUSTSTORE_CERTIFICATES = "ssl-truststore-certificates";

    /** The mechanisms for which the service writes the JAAS line itself from a user name and a password. */
    private static final Map<String, String> LOGIN_MODULES = Map.of(
            "SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule",
            "SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule",
            "PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule");
    private static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final List<String> TRUSTSTORE_TYPES = List.of("PEM", "JKS", "PKCS12");

    private final String protocol;
    private final Map<String, String> clientProperties;
    private final String description;

    private KafkaSecurity(String protocol, Map<String, String> clientProperties, String description) {
        this.protocol = protocol;
        this.clientProperties = Map.copyOf(clientProperties);
        this.description = description;
    }

    /** No security: PLAINTEXT, no client property. */
    public static KafkaSecurity plaintext() {
        return new KafkaSecurity("PLAINTEXT", Map.of(), "PLAINTEXT");
    }

    /**
     * The security of a service's clients from its settings, each looked up by its name after {@link #PREFIX}
     * (e.g. {@code "security-protocol"}); a missing or blank one is not set.
     *
     * @throws IllegalArgumentException naming the settings (and their environment variables) that are wrong
     */
    public static KafkaSecurity from(Function<String, Optional<String>> settings) {
        Function<String, Optional<String>> lookup = name -> settings.apply(name).filter(value -> !value.isBlank());
        String protocol = lookup.apply(PROTOCOL).map(p -> p.trim().toUpperCase(Locale.ROOT)).orElse("PLAINTEXT");
        if (!PROTOCOLS.contains(protocol)) {
            throw invalid(PROTOCOL + " must be one of " + PROTOCOLS + ", not '" + protocol + "'", PROTOCOL);
        }
        boolean sasl = protocol.startsWith("SASL_");
        boolean tls = protocol.endsWith("SSL");
        Map<String, String> properties = new LinkedHashMap<>();
        StringBuilder description = new StringBuilder(protocol);
        if (!protocol.equals("PLAINTEXT")) {
            properties.put("security.protocol", protocol);
        }

        Optional<String> username = lookup.apply(USERNAME);
        Optional<String> password = lookup.apply(PASSWORD);
        Optional<String> jaasConfig = lookup.apply(JAAS_CONFIG);
        if (!sasl) {
            refuseWithout(protocol, "SASL_PLAINTEXT or SASL_SSL", lookup, USERNAME, PASSWORD, JAAS_CONFIG);
        } else {
            String mechanism = lookup.apply(MECHANISM).map(m -> m.trim().toUpperCase(Locale.ROOT))
                    .orElse("SCRAM-SHA-512");
            properties.put("sasl.mechanism", mechanism);
            if (jaasConfig.isPresent()) {
                if (username.isPresent() || password.isPresent()) {
                    throw invalid("set either " + JAAS_CONFIG + " or " + USERNAME + " and " + PASSWORD
                            + ", not both", JAAS_CONFIG, USERNAME, PASSWORD);
                }
                properties.put("sasl.jaas.config", jaasConfig.get());
                description.append(' ').append(mechanism).append(" with the given JAAS configuration");
            } else {
                if (username.isEmpty() || password.isEmpty()) {
                    throw invalid(protocol + " needs the principal's " + USERNAME + " and " + PASSWORD
                            + " (or a whole " + JAAS_CONFIG + ")", USERNAME, PASSWORD);
                }
                if (!LOGIN_MODULES.containsKey(mechanism)) {
                    throw invalid(MECHANISM + " " + mechanism + " takes a whole " + JAAS_CONFIG + "; with "
                            + USERNAME + " and " + PASSWORD + " it must be one of "
                            + LOGIN_MODULES.keySet().stream().sorted().toList(), MECHANISM);
                }
                properties.put("sasl.jaas.config", jaasConfig(mechanism, username.get(), password.get()));
                description.append(' ').append(mechanism).append(" as ").append(username.get());
            }
        }

        if (!tls) {
            refuseWithout(protocol, "SSL or SASL_SSL", lookup, TRUSTSTORE_LOCATION, TRUSTSTORE_TYPE,
                    TRUSTSTORE_PASSWORD, TRUSTSTORE_CERTIFICATES);
        } else {
            addTruststore(lookup, properties, description);
        }
        return new KafkaSecurity(protocol, properties, description.toString());
    }

    private static void addTruststore(Function<String, Optional<String>> lookup, Map<String, String> properties,
            StringBuilder description) {
        Optional<String> location = lookup.apply(TRUSTSTORE_LOCATION);
        Optional<String> certificates = lookup.apply(TRUSTSTORE_CERTIFICATES);
        Optional<String> password = lookup.apply(TRUSTSTORE_PASSWORD);
        if (location.isPresent() && certificates.isPresent()) {
            throw invalid("set either " + TRUSTSTORE_LOCATION + " or " + TRUSTSTORE_CERTIFICATES + ", not both",
                    TRUSTSTORE_LOCATION, TRUSTSTORE_CERTIFICATES);
        }
        Optional<String> type = lookup.apply(TRUSTSTORE_TYPE).map(t -> t.trim().toUpperCase(Locale.ROOT));
        if (type.isPresent() && !TRUSTSTORE_TYPES.contains(type.get())) {
            throw invalid(TRUSTSTORE_TYPE + " must be one of " + TRUSTSTORE_TYPES + ", not '" + type.get() + "'",
                    TRUSTSTORE_TYPE);
        }
        if (location.isEmpty() && certificates.isEmpty()) {
            if (type.isPresent() || password.isPresent()) {
                throw invalid(TRUSTSTORE_TYPE + " and " + TRUSTSTORE_PASSWORD + " need a "
                        + TRUSTSTORE_LOCATION, TRUSTSTORE_TYPE, TRUSTSTORE_PASSWORD);
            }
            description.append(", trusting the JVM's default CAs");
            return;
        }
        if (location.isPresent() && type.isEmpty()) {
            throw invalid(TRUSTSTORE_LOCATION + " needs " + TRUSTSTORE_TYPE + ": PEM for CA certificates in a PEM"
                    + " file, JKS or PKCS12 for a keystore file", TRUSTSTORE_TYPE);
        }
        if (certificates.isPresent()) {
            if (type.isPresent() && !type.get().equals("PEM")) {
                throw invalid(TRUSTSTORE_CERTIFICATES + " holds PEM certificates: " + TRUSTSTORE_TYPE
                        + " must be PEM or not set", TRUSTSTORE_TYPE);
            }
            type = Optional.of("PEM");
        }
        if (type.orElse("").equals("PEM") && password.isPresent()) {
            throw invalid("a PEM truststore has no password: leave " + TRUSTSTORE_PASSWORD + " unset",
                    TRUSTSTORE_PASSWORD);
        }
        type.ifPresent(t -> properties.put("ssl.truststore.type", t));
        location.ifPresent(l -> properties.put("ssl.truststore.location", l));
        certificates.ifPresent(c -> properties.put("ssl.truststore.certificates", c));
        password.ifPresent(p -> properties.put("ssl.truststore.password", p));
        description.append(", trusting the CAs in ").append(location.orElse("the given PEM certificates"));
    }

    /**
     * The JAAS line of a login module that authenticates with a user name and a password. Both are quoted, with
     * backslash and double quote escaped as Kafka's JAAS parser reads them.
     *
     * @throws IllegalArgumentException when either holds a line break or another control character, which the
     *     parser cannot read (a Secret made from a file often ends with the file's newline)
     */
    static String jaasConfig(String mechanism, String username, String password) {
        return LOGIN_MODULES.get(mechanism) + " required username=" + quoted(username, USERNAME)
                + " password=" + quoted(password, PASSWORD) + ";";
    }

    private static String quoted(String value, String setting) {
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw invalid(setting + " contains a line break or another control character (a Secret created from a"
                    + " file keeps the file's last newline)", setting);
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static void refuseWithout(String protocol, String needed, Function<String, Optional<String>> lookup,
            String... names) {
        List<String> set = List.of(names).stream().filter(name -> lookup.apply(name).isPresent()).toList();
        if (!set.isEmpty()) {
            throw invalid(String.join(", ", set) + " would be ignored with " + PROTOCOL + " " + protocol
                    + ": set " + PROTOCOL + " to " + needed + ", or leave them unset",
                    set.toArray(String[]::new));
        }
    }

    private static IllegalArgumentException invalid(String problem, String... names) {
        List<String> env = List.of(names).stream().map(KafkaSecurity::envName).toList();
        return new IllegalArgumentException("Kafka security settings (" + PREFIX + "*): " + problem + " (env "
                + String.join(", ", env) + ")");
    }

    /** The environment variable of a setting, e.g. SAGA_KAFKA_SASL_PASSWORD. */
    static String envName(String name) {
        return (PREFIX + name).replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** The Kafka client properties to add to every client's own; empty for PLAINTEXT. */
    public Map<String, String> clientProperties() {
        return clientProperties;
    }

    public String protocol() {
        return protocol;
    }

    /**
     * Sets these properties on Camel's Kafka configuration (the component's, before any endpoint copies it): the
     * security protocol, SASL mechanism and JAAS line and the truststore in Camel's own options, PEM certificates
     * given inline as an additional property, which Camel has no option for. Nothing for PLAINTEXT.
     */
    public void applyTo(KafkaConfiguration configuration) {
        if (clientProperties.isEmpty()) {
            return;
        }
        configuration.setSecurityProtocol(protocol);
        clientProperties.forEach((key, value) -> {
            switch (key) {
                case "security.protocol" -> {
                    // set above
                }
                case "sasl.mechanism" -> configuration.setSaslMechanism(value);
                case "sasl.jaas.config" -> configuration.setSaslJaasConfig(value);
                case "ssl.truststore.location" -> configuration.setSslTruststoreLocation(value);
                case "ssl.truststore.type" -> configuration.setSslTruststoreType(value);
                case "ssl.truststore.password" -> configuration.setSslTruststorePassword(value);
                default -> configuration.getAdditionalProperties().put(key, value);
            }
        });
    }

    /** What the clients do, for the log: protocol, mechanism, user and trusted CAs; never a password. */
    @Override
    public String toString() {
        return description;
    }
}
