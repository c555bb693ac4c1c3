package io.redeploy.agent.registry;

/** The registry answered 404 for the manifest: the tag, or the whole repository, does not exist. */
public class TagNotFoundException extends RegistryException {
    public TagNotFoundException(String message) {
        super(message, false, null);
    }
}
