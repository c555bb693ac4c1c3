/**
 * Value types every layer may use: an image reference ({@code ImageRef}), a content {@code Digest}, an image's
 * {@code RepoDigests} and the {@code ImageFacts} (labels, environment) policies read. Imports nothing of the agent.
 */
package io.redeploy.agent.image;
