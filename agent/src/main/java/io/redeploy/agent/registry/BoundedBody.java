package io.redeploy.agent.registry;

import java.io.IOException;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/** Reads a response body only when it fits the limit, so a broken or hostile registry cannot fill the heap. */
final class BoundedBody {
    private BoundedBody() {}

    static final class TooLargeException extends IOException {
        TooLargeException(long limit) {
            super("body larger than " + limit + " bytes");
        }
    }

    static byte[] read(ResponseBody body, long maxBytes) throws IOException {
        if (body.contentLength() > maxBytes) throw new TooLargeException(maxBytes);
        BufferedSource source = body.source();
        // request(n) buffers up to n bytes and says whether that many exist: one byte over the limit is enough to
        // refuse.
        if (source.request(maxBytes + 1)) throw new TooLargeException(maxBytes);
        return source.readByteArray();
    }
}
