package io.tableauth.it.support;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP server on loopback standing in for a database a realm admin names: it counts the connections Keycloak makes
 * to it and, speaking just enough of PostgreSQL's protocol, answers each login with an error whose text it was given
 * (as a hostile server, or a driver echoing a file it read, would put anything there).
 */
public final class FakeDatabaseServer implements AutoCloseable {

    private final ServerSocket socket;
    private final AtomicInteger connections = new AtomicInteger();
    private final String errorText;
    private final Thread acceptor;

    private FakeDatabaseServer(String errorText) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.errorText = errorText;
        this.acceptor = new Thread(this::serve, "fake-database-" + socket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A server that answers every PostgreSQL login with a FATAL error carrying {@code errorText}. */
    public static FakeDatabaseServer postgresAnswering(String errorText) throws IOException {
        return new FakeDatabaseServer(errorText);
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Connections accepted so far: a database that must never be contacted must show 0. */
    public int connections() {
        return connections.get();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                connections.incrementAndGet();
                client.setSoTimeout(5_000);
                answer(client);
            } catch (IOException e) {
                // closed, or a client that went away: wait for the next one
            }
        }
    }

    private void answer(Socket client) throws IOException {
        DataInputStream in = new DataInputStream(client.getInputStream());
        OutputStream out = client.getOutputStream();
        while (true) {
            int length = in.readInt();
            int code = in.readInt();
            in.skipNBytes(length - 8L);
            if (code == 80877103 || code == 80877104) { // SSLRequest, GSSENCRequest: "not here", then the startup packet
                out.write('N');
                out.flush();
                continue;
            }
            byte[] fields = ("SFATAL\0VFATAL\0CXX000\0M" + errorText + "\0\0").getBytes(StandardCharsets.UTF_8);
            out.write(ByteBuffer.allocate(5 + fields.length).put((byte) 'E').putInt(4 + fields.length).put(fields).array());
            out.flush();
            return;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
