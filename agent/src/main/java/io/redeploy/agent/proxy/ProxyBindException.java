package io.redeploy.agent.proxy;

/** The forwarder cannot listen on its address (taken, not local, no permission): the agent cannot start. */
public final class ProxyBindException extends RuntimeException {
    public ProxyBindException(String message, Throwable cause) {
        super(message, cause);
    }
}
