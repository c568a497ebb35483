package io.k8saga.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Free TCP ports on the loopback address, so that parallel builds and a running ./saga stack never collide. */
public final class FreePorts {

    private FreePorts() {
    }

    /**
     * A port on 127.0.0.1 that the operating system just reported free. It is released before the caller binds
     * it, so another process could take it in between: a small race that tests accept.
     */
    public static int pick() {
        return pick(1)[0];
    }

    /** {@code count} distinct free ports: all are held open together, so the operating system never repeats one. */
    public static int[] pick(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                held.add(socket);
                socket.bind(new InetSocketAddress("127.0.0.1", 0));
            }
            return held.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        } finally {
            held.forEach(FreePorts::closeQuietly);
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing an unused listening socket cannot lose anything.
        }
    }
}
