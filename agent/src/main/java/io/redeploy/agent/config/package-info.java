/**
 * The YAML config turned into immutable records, with every problem reported at once with its line and key; secrets
 * only from the environment or files. Imports only {@code image} and {@code log}: it knows nothing of Docker, the
 * registry or the core.
 */
package io.redeploy.agent.config;
