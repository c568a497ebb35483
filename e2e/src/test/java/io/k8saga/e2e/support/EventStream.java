package io.k8saga.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A client of one server-sent event stream, as a browser's EventSource reads it: the lines are read on a thread of
 * their own into a queue, from which a test takes events, comments and the stream's end, each with a deadline.
 */
public final class EventStream implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One event: its id (null when it has none), its type and its data. */
    public record Event(String id, String event, String data) {
    }

    /** What the reader found: an event, a comment line, or the end of the stream. */
    private sealed interface Item permits Received, Comment, End {
    }

    private record Received(Event event) implements Item {
    }

    private record Comment(String text) implements Item {
    }

    private record End() implements Item {
    }

    private final HttpResponse<Stream<String>> response;
    private final BlockingQueue<Item> items = new LinkedBlockingQueue<>();
    private final Thread reader;

    private EventStream(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Opens {@code path} of {@code baseUrl} with the bearer token (none when null) and the {@code Last-Event-ID}
     * (none when null); returns once the answer's head is in.
     */
    public static EventStream open(URI baseUrl, String path, String bearer, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(path)).GET()
                .header("Accept", "text/event-stream");
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        try {
            return new EventStream(CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofLines()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening " + path, e);
        }
    }

    public int status() {
        return response.statusCode();
    }

    public String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    /** The next event within {@code within}, skipping comments; fails when the stream ends or nothing comes in time. */
    public Event next(Duration within) {
        return until(Received.class, within, "an event").event();
    }

    /** Waits for a comment line (a heartbeat) within {@code within}, skipping events. */
    public String nextComment(Duration within) {
        return until(Comment.class, within, "a comment").text();
    }

    /** Waits until the server ends the stream, within {@code within}; fails on an event meanwhile. */
    public void awaitEnd(Duration within) {
        until(End.class, within, "the end of the stream");
    }

    /** Takes items until one of the wanted kind; the end, or an event while waiting for the end, fails. */
    private <T extends Item> T until(Class<T> wanted, Duration within, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            Item item = take(deadline, what);
            if (wanted.isInstance(item)) {
                return wanted.cast(item);
            }
            if (item instanceof End || (wanted == End.class && item instanceof Received)) {
                throw new AssertionError("waiting for " + what + ", got " + item);
            }
        }
    }

    private Item take(long deadline, String what) {
        try {
            Item item = items.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (item == null) {
                throw new AssertionError("waiting for " + what + ": nothing came in time");
            }
            return item;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        }
    }

    /** Parses the lines as EventSource does: fields until a blank line; lines starting with ':' are comments. */
    private void read() {
        String id = null;
        String event = "message";
        StringBuilder data = null;
        try (Stream<String> lines = response.body()) {
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (line.isEmpty()) {
                    if (data != null) {
                        items.add(new Received(new Event(id, event, data.toString())));
                    }
                    id = null;
                    event = "message";
                    data = null;
                } else if (line.startsWith(":")) {
                    items.add(new Comment(line.substring(1).strip()));
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> event = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> { } // retry and unknown fields
                    }
                }
            }
        } catch (UncheckedIOException closed) {
            // close() cut the connection, or the server did.
        } finally {
            items.add(new End());
        }
    }

    @Override
    public void close() {
        reader.interrupt();
        response.body().close();
    }
}
