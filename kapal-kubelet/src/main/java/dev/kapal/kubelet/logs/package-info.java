/**
 * Container logs as the kubelet serves them: {@link dev.kapal.kubelet.logs.CriLogLine} parses the
 * CRI log file format the runtime writes, {@link dev.kapal.kubelet.logs.LogOptions} holds the
 * {@code pods/log} query options, and {@link dev.kapal.kubelet.logs.ContainerLogReader} applies
 * them (tail, since, timestamps, limitBytes, follow) to a log file.
 */
package dev.kapal.kubelet.logs;
