/**
 * Dynamic Local Updates: per-worker speed estimates from reports
 * ({@link org.diloco4j.core.dylu.WorkerSpeeds}) and the inner-step plan that lets slow workers
 * finish with the fast ones ({@link org.diloco4j.core.dylu.DyluPlanner}).
 */
package org.diloco4j.core.dylu;
