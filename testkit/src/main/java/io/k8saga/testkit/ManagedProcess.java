package io.k8saga.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * An operating-system process started for a test: its stdout and stderr go to {@code <dir>/<name>.log}, it can be
 * awaited until it serves a TCP port or an HTTP URL, and it is stopped with its descendants, at the latest when
 * the JVM exits.
 */
public final class ManagedProcess implements AutoCloseable {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final int LOG_TAIL_LINES = 40;

    /** Processes not stopped yet; the shutdown hook stops them if the test JVM exits first. */
    private static final Set<ManagedProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> List.copyOf(RUNNING).forEach(ManagedProcess::stop), "managed-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path logFile;

    private ManagedProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts {@code command} in {@code dir} with the current environment plus {@code env}. Returns at once; use
     * {@link #awaitPort} or {@link #awaitHttp} to wait until it is ready.
     */
    public static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path dir) {
        try {
            Files.createDirectories(dir);
            Path logFile = dir.resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(env);
            ManagedProcess started = new ManagedProcess(name, builder.start(), logFile);
            RUNNING.add(started);
            started.process.onExit().thenRun(() -> RUNNING.remove(started));
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /** Runs a short-lived command to completion, failing if it exits non-zero or outlives {@code timeout}. */
    public static void run(String name, List<String> command, Map<String, String> env, Path dir, Duration timeout) {
        ManagedProcess tool = start(name, command, env, dir);
        boolean finished;
        try {
            finished = tool.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw tool.giveUp("was interrupted");
        }
        if (!finished) {
            throw tool.giveUp("did not finish within " + timeout);
        }
        if (tool.process.exitValue() != 0) {
            throw tool.failure("exited with code " + tool.process.exitValue());
        }
    }

    /** The java launcher of this JVM, so that child JVMs run on the same JDK as the tests. */
    static String javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Waits until something accepts TCP connections on 127.0.0.1:{@code port}. */
    public ManagedProcess awaitPort(int port, Duration timeout) {
        return await("port " + port + " to accept connections", timeout, () -> isOpen(port));
    }

    /** Waits until {@code url} answers a GET with 200. */
    public ManagedProcess awaitHttp(URI url, Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).GET().build();
        return await(url + " to answer 200", timeout, () -> answers200(client, request));
    }

    /** True if something accepts TCP connections on 127.0.0.1:{@code port}. */
    public static boolean isOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The operating system's id of the process. */
    public long pid() {
        return process.pid();
    }

    /** Stops the process and its descendants: politely (SIGTERM) first, forcibly after a grace period. */
    public void stop() {
        // Collected before the parent goes: once it is dead its children are re-parented and no longer listed.
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** Kills the process and its descendants at once (SIGKILL), as a crash would: no shutdown hook runs. */
    public void kill() {
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The command line of a Java program run with this JVM's launcher and class path (a test's own classes). */
    public static List<String> javaCommand(String mainClass, String... arguments) {
        List<String> command = new ArrayList<>(List.of(javaLauncher(), "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(arguments));
        return command;
    }

    @Override
    public void close() {
        stop();
    }

    /** The last lines of the log, for error messages. */
    private String logTail() {
        try {
            List<String> lines = new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(log " + logFile + " unreadable: " + e + ")";
        }
    }

    private ManagedProcess await(String what, Duration timeout, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw giveUp("exited with code " + process.exitValue() + " while waiting for " + what);
            }
            if (System.nanoTime() - deadline > 0) {
                throw giveUp("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw giveUp("was interrupted while waiting for " + what);
            }
        }
        return this;
    }

    private static boolean answers200(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops the process and returns the failure to throw, with the log tail read before the shutdown noise. */
    private IllegalStateException giveUp(String problem) {
        IllegalStateException failure = failure(problem);
        stop();
        return failure;
    }

    private IllegalStateException failure(String problem) {
        return new IllegalStateException(name + " " + problem + "; last lines of " + logFile + ":\n" + logTail());
    }
}
