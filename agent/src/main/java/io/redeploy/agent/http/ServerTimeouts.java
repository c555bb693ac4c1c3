package io.redeploy.agent.http;

/**
 * Request limits of the JDK HTTP server. It only reads them from system properties, once, when its first
 * server is created; so they are set here unless the operator already set them (e.g. with -D in the unit).
 * Without them a client that sends its request slowly could hold a connection forever.
 */
final class ServerTimeouts {
    static final String MAX_REQUEST_SECONDS = "10";
    static final String MAX_RESPONSE_SECONDS = "10";

    private ServerTimeouts() {}

    static void applyDefaults() {
        setIfAbsent("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
        setIfAbsent("sun.net.httpserver.maxRspTime", MAX_RESPONSE_SECONDS);
        setIfAbsent("sun.net.httpserver.maxReqHeaders", "64");
        setIfAbsent("sun.net.httpserver.maxReqHeaderSize", "16384");
        setIfAbsent("sun.net.httpserver.idleInterval", "30");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
