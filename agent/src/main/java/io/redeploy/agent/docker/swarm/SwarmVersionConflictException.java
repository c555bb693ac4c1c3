package io.redeploy.agent.docker.swarm;

/**
 * An update named a {@code Version.Index} that is no longer current: another writer changed the service since it was
 * read. Engine 20.10 answers this as HTTP 500 "update out of sequence". Read the service again and decide anew.
 */
public final class SwarmVersionConflictException extends SwarmApiException {
    private final String service;
    private final long staleVersion;

    public SwarmVersionConflictException(String service, long staleVersion, String engineMessage, int statusCode) {
        super(
                "service " + service + " changed since version " + staleVersion
                        + " was read (another writer updated it); read it again before updating: " + engineMessage,
                statusCode);
        this.service = service;
        this.staleVersion = staleVersion;
    }

    public String service() {
        return service;
    }

    public long staleVersion() {
        return staleVersion;
    }
}
