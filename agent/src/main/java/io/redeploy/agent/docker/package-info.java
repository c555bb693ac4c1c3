/**
 * The Docker Engine API in the agent's own types ({@code DockerGateway}); the only package that imports docker-java.
 * Sends unversioned paths so every engine answers at its own version. Imports only {@code image} and {@code log}.
 */
package io.redeploy.agent.docker;
