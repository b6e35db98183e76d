/**
 * The pipeline steps, one class per config-driven step, each with a {@code Settings} record read from the config and
 * a {@code STEP} ({@link org.cryosiam.workflow.Step}) that names it; {@link org.cryosiam.workflow.StepRun} runs a step
 * on a config file as its command and the demo do. Also the models and files the steps share. Imports nothing of
 * {@code org.cryosiam.commands} or {@code org.cryosiam.demo}.
 */
package org.cryosiam.workflow;
