/**
 * Cosign signature verification behind the core's {@code SignatureCheck} port, over the registry client. Imports
 * {@code reconcile}, {@code registry}, {@code config}.
 */
package io.redeploy.agent.signing;
