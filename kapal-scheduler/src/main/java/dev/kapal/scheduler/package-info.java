/**
 * The scheduler: {@link dev.kapal.scheduler.Scheduler} watches pods and nodes through informers,
 * takes pods from the {@link dev.kapal.scheduler.queue.SchedulingQueue}, runs a profile's plugins
 * over a snapshot of the {@link dev.kapal.scheduler.cache.SchedulerCache}, assumes the chosen node
 * and binds asynchronously through {@code pods/binding}; failures become a {@code FailedScheduling}
 * event and a {@code PodScheduled=False} condition.
 */
package dev.kapal.scheduler;
