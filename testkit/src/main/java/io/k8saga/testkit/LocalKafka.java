package io.k8saga.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real single-node Kafka broker (KRaft: broker and controller in one JVM) in its own process, run from the
 * {@code kafka-broker} module: jars in {@code target/kafka-libs}, configuration templates in {@code config/}.
 * Separate from the test JVM, so the broker's Kafka and Scala jars never meet the kafka-clients that Quarkus puts
 * on the test classpath.
 */
public final class LocalKafka implements AutoCloseable {

    /** The kafka-broker module's directory; set by the parent pom's surefire configuration. */
    public static final String HOME_PROPERTY = "saga.kafka.home";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final ManagedProcess broker;
    private final int port;

    private LocalKafka(ManagedProcess broker, int port) {
        this.broker = broker;
        this.port = port;
    }

    /** Formats a new log directory under {@code dir} and starts a broker on it; returns once it listens. */
    public static LocalKafka start(Path dir) {
        return start(dir, Map.of(), List.of());
    }

    /**
     * Like {@link #start(Path)}, with broker settings that override or add to the template's (a secured listener,
     * an authorizer, ...; the template's tokens such as {@code @KAFKA_PORT@} are filled in them too) and further
     * arguments of the storage format (e.g. {@code --add-scram} for the SCRAM users the broker starts with).
     */
    public static LocalKafka start(Path dir, Map<String, String> settings, List<String> formatArguments) {
        // Absolute: the broker runs in workDir, where relative paths would resolve differently.
        Path workDir = dir.toAbsolutePath();
        Path home = kafkaHome();
        Path libs = home.resolve("target/kafka-libs");
        int[] ports = FreePorts.pick(2);
        int port = ports[0];
        int controllerPort = ports[1];
        Path config = workDir.resolve("server.properties");
        Path logging = workDir.resolve("log4j.properties");
        StringBuilder serverProperties = new StringBuilder(read(home.resolve("config/server.properties")));
        // A key given again further down wins (java.util.Properties, which the broker reads them with).
        settings.forEach((key, value) -> serverProperties.append('\n').append(key).append('=').append(value));
        write(config, serverProperties.toString()
                .replace("@NODE_ID@", "1")
                .replace("@KAFKA_PORT@", String.valueOf(port))
                .replace("@CONTROLLER_PORT@", String.valueOf(controllerPort))
                .replace("@LOG_DIR@", workDir.resolve("data").toString()));
        write(logging, read(home.resolve("config/log4j.properties")));

        // The classpath wildcard is expanded by the java launcher to every jar in the folder.
        List<String> java = List.of(ManagedProcess.javaLauncher(), "-Xmx256m",
                "-Dlog4j.configuration=" + logging.toUri(), "-cp", libs.resolve("*").toString());
        List<String> format = new ArrayList<>(List.of("kafka.tools.StorageTool", "format", "--cluster-id",
                clusterId(), "--config", config.toString()));
        format.addAll(formatArguments);
        ManagedProcess.run("kafka-storage-format", command(java, format.toArray(String[]::new)), Map.of(), workDir,
                START_TIMEOUT);
        ManagedProcess broker = ManagedProcess.start("kafka", command(java, "kafka.Kafka", config.toString()),
                Map.of(), workDir);
        broker.awaitPort(port, START_TIMEOUT);
        return new LocalKafka(broker, port);
    }

    /** The {@code bootstrap.servers} value for clients. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public void stop() {
        broker.stop();
    }

    @Override
    public void close() {
        stop();
    }

    private static Path kafkaHome() {
        String configured = System.getProperty(HOME_PROPERTY);
        if (configured != null) {
            Path home = Path.of(configured).toAbsolutePath();
            try (DirectoryStream<Path> brokerJar = Files.newDirectoryStream(home.resolve("target/kafka-libs"),
                    "kafka_2.13-*.jar")) {
                if (brokerJar.iterator().hasNext()) {
                    return home;
                }
            } catch (IOException e) {
                // Reported below like an empty folder.
            }
        }
        throw new IllegalStateException("Kafka broker jars not found under " + configured + "/target/kafka-libs"
                + " (system property " + HOME_PROPERTY + ", set by the parent pom's surefire configuration):"
                + " run ./mvnw -pl kafka-broker package first");
    }

    /** A random KRaft cluster id: 16 bytes in URL-safe base64, as {@code kafka-storage random-uuid} prints. */
    private static String clusterId() {
        byte[] bytes = new byte[16];
        String id;
        do {
            ThreadLocalRandom.current().nextBytes(bytes);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (id.startsWith("-")); // it would be read as a command-line option
        return id;
    }

    private static List<String> command(List<String> java, String... arguments) {
        List<String> command = new ArrayList<>(java);
        command.addAll(List.of(arguments));
        return command;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
