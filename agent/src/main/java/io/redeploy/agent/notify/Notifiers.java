package io.redeploy.agent.notify;

import io.redeploy.agent.config.NotificationsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import okhttp3.OkHttpClient;

/** Builds the notifiers a configuration asks for. */
public final class Notifiers {
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

    private Notifiers() {}

    public static List<Notifier> from(NotificationsConfig config) {
        List<Notifier> notifiers = new ArrayList<>();
        if (!config.webhooks().isEmpty()) {
            OkHttpClient http = new OkHttpClient.Builder()
                    .callTimeout(HTTP_TIMEOUT)
                    .followRedirects(false)
                    .build();
            config.webhooks().forEach(w -> notifiers.add(new WebhookNotifier(w, http)));
        }
        config.email().ifPresent(e -> notifiers.add(new EmailNotifier(e)));
        return notifiers;
    }
}
