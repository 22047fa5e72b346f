/** The scheduling queue: active (priority, then FIFO), backoff, and unschedulable sub-queues. */
package dev.kapal.scheduler.queue;
