package io.k8saga.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP server that accepts every connection and reads every request, but answers none until told to: a
 * coordinator that is frozen or hangs. It records what it was sent, so a test can also prove that nothing was.
 */
public final class SilentServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService handlers;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch speak = new CountDownLatch(1);
    private volatile int status;

    private SilentServer(HttpServer server, ExecutorService handlers) {
        this.server = server;
        this.handlers = handlers;
    }

    /** Starts it on {@code port} of localhost (0: any free port). */
    public static SilentServer start(int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("localhost", port), 50);
            // One thread per request: each one waits, as long as the server stays silent.
            ExecutorService handlers = Executors.newCachedThreadPool(task -> {
                Thread thread = new Thread(task, "silent-server");
                thread.setDaemon(true);
                return thread;
            });
            SilentServer silent = new SilentServer(server, handlers);
            server.createContext("/", silent::hold);
            server.setExecutor(handlers);
            server.start();
            return silent;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on localhost:" + port, e);
        }
    }

    /** Its base URL, {@code http://localhost:<port>}. */
    public String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** The requests received so far, each as {@code METHOD /path?query}, answered or not. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** From now on every request, held ones included, is answered with {@code status} and no body. */
    public void answer(int status) {
        this.status = status;
        speak.countDown();
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }

    private void hold(HttpExchange exchange) throws IOException {
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            speak.await();
            exchange.sendResponseHeaders(status, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
