package dev.kapal.storage.sql;

import dev.kapal.storage.KeyValue;
import dev.kapal.storage.Store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child process for the kill -9 test: writes keys from several threads forever and prints
 * {@code ACK <key> <revision>} for each write once {@code create} has returned.
 */
public final class CrashingWriter {
    private CrashingWriter() {
    }

    public static void main(String[] args) throws InterruptedException {
        Store store = SqliteStore.open(Path.of(args[0]));
        int threads = 8;
        Thread[] writers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int thread = t;
            writers[t] = Thread.ofVirtual().start(() -> {
                for (long i = 0; ; i++) {
                    KeyValue kv = store.create("/registry/crash/t" + thread + "/" + i,
                            ("value " + i).getBytes(StandardCharsets.UTF_8));
                    synchronized (System.out) {
                        System.out.println("ACK " + kv.key() + " " + kv.modRevision());
                        System.out.flush();
                    }
                }
            });
        }
        for (Thread writer : writers) {
            writer.join();
        }
    }
}
