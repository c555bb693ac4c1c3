package io.redeploy.agent.registry;

import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.image.ImageRef;

/**
 * The image a request is about, attached to every OkHttp request as its tag so that the interceptors know which
 * registry's credentials to use and which registry to count the request for.
 *
 * @param registry the registry host as the image names it ({@code ghcr.io}, {@code 127.0.0.1:5000})
 */
record RegistryTarget(String registry, RegistryConfig config, String repository, String tag) {

    static RegistryTarget of(ImageRef image, RegistryConfig config) {
        return new RegistryTarget(image.registry(), config, image.repository(), image.tag());
    }

    /** {@code repository acme/app on registry ghcr.io}: the subject of every failure message. */
    String describe() {
        return "repository " + repository + " on registry " + registry;
    }
}
