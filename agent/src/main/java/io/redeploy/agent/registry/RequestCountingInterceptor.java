package io.redeploy.agent.registry;

import io.redeploy.agent.log.Event;
import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports every exchange to the {@link RegistryRequestListener}. It is the innermost application interceptor, so
 * each request the auth layer sends (the challenged one and its answer) is counted, and so are connection failures,
 * which network interceptors never see.
 */
final class RequestCountingInterceptor implements Interceptor {
    private static final Logger LOG = LoggerFactory.getLogger(RequestCountingInterceptor.class);

    private final RegistryRequestListener listener;

    RequestCountingInterceptor(RegistryRequestListener listener) {
        this.listener = listener;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        RegistryTarget target = request.tag(RegistryTarget.class);
        String registry = target != null ? target.registry() : request.url().host();
        Response response;
        try {
            response = chain.proceed(request);
        } catch (IOException e) {
            report(registry, request.method(), RegistryRequestListener.IO_ERROR);
            throw e;
        }
        report(registry, request.method(), response.code());
        return response;
    }

    /** A broken metrics hook must not fail a digest lookup. */
    private void report(String registry, String method, int status) {
        try {
            listener.onResponse(registry, method, status);
        } catch (RuntimeException e) {
            Event.debug(LOG, "registry.listener_failed")
                    .with("registry", registry)
                    .with("error", e.toString())
                    .log();
        }
    }
}
