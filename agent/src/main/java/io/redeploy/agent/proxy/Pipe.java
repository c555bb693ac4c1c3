package io.redeploy.agent.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** One direction of a forwarded connection: bytes read from {@code from} wait in the buffer until {@code to} takes them. */
final class Pipe {
    static final int BUFFER_BYTES = 8 * 1024;

    private final SocketChannel from;
    private final SocketChannel to;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    private boolean eof;
    private boolean shut;
    private long bytes;

    Pipe(SocketChannel from, SocketChannel to) {
        this.from = from;
        this.to = to;
    }

    boolean wantsRead() {
        return !eof && buffer.hasRemaining();
    }

    boolean wantsWrite() {
        return buffer.position() > 0;
    }

    /** The source ended and all it sent was written: this direction is over. */
    boolean shut() {
        return shut;
    }

    long bytes() {
        return bytes;
    }

    /** Reads what the source has; returns how many bytes (0 at its end). */
    int read() throws IOException {
        int n = from.read(buffer);
        if (n < 0) {
            eof = true;
            return 0;
        }
        bytes += n;
        return n;
    }

    /** Writes what the peer takes; once the source ended and all is written, passes the half-close on. */
    void flush() throws IOException {
        if (buffer.position() > 0) {
            buffer.flip();
            to.write(buffer);
            buffer.compact();
        }
        if (eof && buffer.position() == 0 && !shut) {
            to.shutdownOutput();
            shut = true;
        }
    }
}
