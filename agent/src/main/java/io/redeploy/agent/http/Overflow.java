package io.redeploy.agent.http;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What happens to a request when every worker is busy and the queue is full: it is answered 503 with
 * {@code Retry-After} by one thread of its own, instead of running on the server's accepting thread (which would stop
 * accepting anything while one slow request runs, {@code /healthz} included). Past this thread's own queue the
 * connection is closed unanswered, by the JDK server (issue 16 item 6).
 */
final class Overflow implements RejectedExecutionHandler {
    private static final int QUEUE = 64;

    private final ThreadPoolExecutor refuser =
            new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), runnable -> {
                Thread thread = new Thread(runnable, "http-overflow");
                thread.setDaemon(true);
                return thread;
            });
    private final ThreadLocal<Boolean> refusing = ThreadLocal.withInitial(() -> false);

    Overflow() {
        refuser.allowCoreThreadTimeOut(true);
    }

    @Override
    public void rejectedExecution(Runnable request, ThreadPoolExecutor workers) {
        refuser.execute(() -> {
            refusing.set(true);
            try {
                request.run();
            } finally {
                refusing.remove();
            }
        });
    }

    /** True on the thread that answers overflowing requests: the dispatcher refuses instead of routing. */
    boolean refusing() {
        return refusing.get();
    }

    void close() {
        refuser.shutdownNow();
    }
}
