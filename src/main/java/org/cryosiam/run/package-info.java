/**
 * The context of one run of the command line ({@link org.cryosiam.run.RunContext}): built once per invocation from
 * the global options and passed down, in place of global state. Imports nothing of {@code org.cryosiam.commands}.
 */
package org.cryosiam.run;
