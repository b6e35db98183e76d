/**
 * The context of one run of the command line ({@link org.cryosiam.run.RunContext}): built once per invocation from
 * the global options and passed down, in place of global state; how a failed command is reported
 * ({@link org.cryosiam.run.Failures}). Imports nothing of {@code org.cryosiam.workflow} or {@code org.cryosiam.commands}.
 */
package org.cryosiam.run;
