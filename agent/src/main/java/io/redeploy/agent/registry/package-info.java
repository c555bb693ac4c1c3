/**
 * The OCI Distribution API over OkHttp: a tag's digest (one HEAD), manifests, blobs and image configs, with the
 * Docker token dance, retries and typed failures as layers. Imports {@code config}, {@code image}, {@code log},
 * {@code time}; never Docker or the core.
 */
package io.redeploy.agent.registry;
