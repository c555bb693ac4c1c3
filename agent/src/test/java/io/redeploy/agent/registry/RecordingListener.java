package io.redeploy.agent.registry;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every exchange as {@code registry METHOD status}. */
final class RecordingListener implements RegistryRequestListener {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void onResponse(String registry, String method, int status) {
        events.add(registry + " " + method + " " + status);
    }
}
