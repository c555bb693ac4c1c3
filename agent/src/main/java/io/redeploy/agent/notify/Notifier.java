package io.redeploy.agent.notify;

import java.io.IOException;

/** One place notifications go. {@link #send} may block (network); the dispatcher calls it off the poll thread. */
public interface Notifier {

    /** For logs; never holds a secret (URLs are masked). */
    String describe();

    boolean wants(String event);

    /** Throws when the receiver did not accept it; the dispatcher retries. */
    void send(Notification notification) throws IOException;
}
