package io.tableauth.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in the test JVM between Keycloak and a database, which a test turns into the faults a users database
 * has: {@link #refuse()} (the port is closed and open connections are cut: a stopped server), {@link #hang()}
 * (connections are accepted and bytes are swallowed, nothing ever comes back: a network partition or a frozen
 * server), {@link #slow(long)} (every answer from the database is held back that long) and {@link #restore()}.
 * It may listen on several loopback addresses at once (127.0.0.2, 127.0.0.3…), one per Keycloak node, each with its
 * own fault.
 */
public final class FaultProxy implements AutoCloseable {

    /** What a listener does with connections. */
    public enum Mode { PASS, REFUSE, HANG, SLOW }

    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    private FaultProxy(String targetHost, int targetPort, int port) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.port = port;
    }

    /**
     * A proxy to {@code targetHost:targetPort} listening on 127.0.0.1 and on each of {@code moreAddresses}, on one port
     * the system reported free. Another process may take it before the proxy binds it: then the proxy tries again on
     * a new port (five times at most).
     */
    public static FaultProxy to(String targetHost, int targetPort, String... moreAddresses) {
        for (int attempt = 1; ; attempt++) {
            int port;
            try {
                port = DistributionServer.freePort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            FaultProxy proxy = new FaultProxy(targetHost, targetPort, port);
            proxy.listeners.add(proxy.new Listener("127.0.0.1"));
            for (String address : moreAddresses) {
                proxy.listeners.add(proxy.new Listener(address));
            }
            try {
                proxy.listeners.forEach(Listener::open);
                return proxy;
            } catch (UncheckedIOException e) {
                proxy.close();
                if (attempt >= 5 || !(e.getCause() instanceof java.net.BindException)) {
                    throw e;
                }
            }
        }
    }

    public int port() {
        return port;
    }

    public void refuse() {
        listeners.forEach(l -> l.set(Mode.REFUSE, 0));
    }

    public void hang() {
        listeners.forEach(l -> l.set(Mode.HANG, 0));
    }

    public void slow(long millis) {
        listeners.forEach(l -> l.set(Mode.SLOW, millis));
    }

    public void restore() {
        listeners.forEach(l -> l.set(Mode.PASS, 0));
    }

    /** The fault of one listening address only (a cluster node's path). */
    public void set(String address, Mode mode, long millis) {
        listeners.stream().filter(l -> l.address.equals(address)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("not listening on " + address)).set(mode, millis);
    }

    @Override
    public void close() {
        listeners.forEach(Listener::close);
    }

    private final class Listener {

        final String address;
        volatile Mode mode = Mode.PASS;
        volatile long delayMillis;
        volatile ServerSocket server;
        final Set<Socket> open = ConcurrentHashMap.newKeySet();

        Listener(String address) {
            this.address = address;
        }

        synchronized void set(Mode next, long millis) {
            delayMillis = millis;
            Mode previous = mode;
            mode = next;
            if (next == Mode.REFUSE) {
                close();
            } else if (previous == Mode.REFUSE) {
                open();
            }
        }

        synchronized void open() {
            try {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(address), port), 200);
                server = s;
                Thread accept = new Thread(() -> acceptLoop(s), "fault-proxy-accept-" + address + ":" + port);
                accept.setDaemon(true);
                accept.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen on " + address + ":" + port, e);
            }
        }

        synchronized void close() {
            ServerSocket s = server;
            server = null;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            for (Socket socket : open) {
                quietlyClose(socket);
            }
            open.clear();
        }

        private void acceptLoop(ServerSocket s) {
            while (!s.isClosed()) {
                Socket client;
                try {
                    client = s.accept();
                } catch (IOException e) {
                    return;
                }
                open.add(client);
                Thread t = new Thread(() -> serve(client), "fault-proxy-conn");
                t.setDaemon(true);
                t.start();
            }
        }

        private void serve(Socket client) {
            if (mode == Mode.HANG) {
                swallow(client); // accepted, never answered
                return;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(new InetSocketAddress(targetHost, targetPort), 2_000);
            } catch (IOException e) {
                quietlyClose(client);
                return;
            }
            open.add(upstream);
            Thread up = new Thread(() -> pump(client, upstream, false), "fault-proxy-up");
            up.setDaemon(true);
            up.start();
            pump(upstream, client, true);
        }

        /** Copies bytes; under HANG they are dropped, under SLOW answers ({@code fromDatabase}) wait first. */
        private void pump(Socket from, Socket to, boolean fromDatabase) {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    Mode now = mode;
                    if (now == Mode.HANG) {
                        continue; // swallowed: the other side waits forever
                    }
                    if (now == Mode.SLOW && fromDatabase && delayMillis > 0) {
                        Thread.sleep(delayMillis);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // a side closed or was cut
            } finally {
                quietlyClose(from);
                quietlyClose(to);
            }
        }

        private void swallow(Socket client) {
            byte[] buffer = new byte[4096];
            try (InputStream in = client.getInputStream()) {
                while (in.read(buffer) >= 0) {
                    // read and dropped
                }
            } catch (IOException e) {
                // cut
            } finally {
                quietlyClose(client);
            }
        }

        private void quietlyClose(Socket socket) {
            open.remove(socket);
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
