/**
 * What a run reports while it works: {@link org.cryosiam.log.Log} (information and warnings) and
 * {@link org.cryosiam.log.Progress} (items or bytes done, with rate and time left). Imports nothing of the rest of
 * the program, so any package may take them as parameters.
 */
package org.cryosiam.log;
