package dev.kapal.bench;

import dev.kapal.storage.Store;
import dev.kapal.storage.sql.SqliteDialect;
import dev.kapal.storage.sql.SqliteStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

/**
 * Store write throughput: creates of ~1 KB values into {@link SqliteStore} from 1, 8, 32 and 128
 * virtual threads, against a baseline measured in the same run — a raw JDBC loop doing one
 * insert per transaction with the same pragmas and schema. Prints writes/s, p50/p99 latency and
 * the ratio to the baseline, for {@code synchronous=FULL} (the default) and {@code NORMAL}.
 *
 * <p>Plain main, not JMH: the unit of interest is a durable commit (milliseconds), so JIT noise
 * is irrelevant, and the figure is a ratio. Runs in about 40 s.
 *
 * <p>{@link #rawStoreCreatesPerSecond} is the reusable baseline for API-create benchmarks.
 */
public final class StoreWriteBench {
    private static final int VALUE_SIZE = 1024;
    private static final Duration RUN = Duration.ofSeconds(3);
    private static final int[] THREADS = {1, 8, 32, 128};
    private static final AtomicLong RUNS = new AtomicLong();

    private StoreWriteBench() {
    }

    /** Throughput, latency percentiles and count of one measured run. */
    public record Result(long writes, double seconds, double p50Millis, double p99Millis) {
        public double perSecond() {
            return writes / seconds;
        }
    }

    /**
     * Creates {@code count} keys of ~1 KB into {@code store} from {@code threads} virtual threads
     * and returns creates per second. Keys go under {@code /registry/bench/<n>/} so repeated calls
     * on one store do not collide.
     */
    public static double rawStoreCreatesPerSecond(Store store, int threads, int count) {
        AtomicLong tickets = new AtomicLong(count);
        return measure(store, threads, ignored -> tickets.getAndDecrement() > 0).perSecond();
    }

    /** Creates until {@code duration} has passed. */
    public static Result measureFor(Store store, int threads, Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        return measure(store, threads, now -> now < deadline);
    }

    private static Result measure(Store store, int threads, LongPredicate keepGoing) {
        String prefix = "/registry/bench/" + RUNS.incrementAndGet() + "/";
        byte[] value = randomValue();
        ConcurrentLinkedQueue<long[]> perThreadLatencies = new ConcurrentLinkedQueue<>();
        long started = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(Thread.ofVirtual().start(() -> {
                long[] latencies = new long[1024];
                int n = 0;
                while (keepGoing.test(System.nanoTime())) {
                    long before = System.nanoTime();
                    store.create(prefix + thread + "-" + n, value);
                    if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = System.nanoTime() - before;
                }
                perThreadLatencies.add(Arrays.copyOf(latencies, n));
            }));
        }
        for (Thread worker : workers) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long[] all = perThreadLatencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(all.length, seconds, percentile(all, 0.50), percentile(all, 0.99));
    }

    private static double percentile(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * fraction))] / 1e6;
    }

    private static byte[] randomValue() {
        byte[] value = new byte[VALUE_SIZE];
        new Random(42).nextBytes(value);
        return value;
    }

    /**
     * The floor: one thread, one insert per transaction, the store's own pragmas and schema, no
     * queue and no reads — what SQLite does per durable commit on this machine.
     */
    public static Result rawJdbc(Path file, SqliteStore.Synchronous synchronous, Duration duration) throws SQLException {
        SqliteDialect dialect = new SqliteDialect(synchronous);
        byte[] value = randomValue();
        List<Long> latencies = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
            try (Statement statement = connection.createStatement()) {
                for (String sql : dialect.connectionSetup()) {
                    statement.execute(sql);
                }
                for (String sql : dialect.schema()) {
                    statement.execute(sql);
                }
            }
            connection.setAutoCommit(false);
            long started = System.nanoTime();
            long deadline = started + duration.toNanos();
            try (PreparedStatement insert = connection.prepareStatement(dialect.insert())) {
                for (int i = 0; System.nanoTime() < deadline; i++) {
                    long before = System.nanoTime();
                    insert.setString(1, "/registry/raw/" + i);
                    insert.setInt(2, 1);
                    insert.setInt(3, 0);
                    insert.setLong(4, 0);
                    insert.setLong(5, 0);
                    insert.setBytes(6, value);
                    insert.setBytes(7, null);
                    try (ResultSet ignored = insert.executeQuery()) {
                        ignored.next();
                    }
                    connection.commit();
                    latencies.add(System.nanoTime() - before);
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Result(sorted.length, seconds, percentile(sorted, 0.50), percentile(sorted, 0.99));
        }
    }

    public static void main(String[] args) throws Exception {
        Path directory = Files.createTempDirectory("kapal-store-bench");
        System.out.printf("StoreWriteBench: %d-byte creates, %s per point, data in %s, %d cores%n",
                VALUE_SIZE, RUN, directory, Runtime.getRuntime().availableProcessors());
        for (SqliteStore.Synchronous synchronous : SqliteStore.Synchronous.values()) {
            Path rawFile = directory.resolve("raw-" + synchronous + ".db");
            rawJdbc(rawFile, synchronous, Duration.ofMillis(500)); // warm-up, as the store gets one
            Result raw = rawJdbc(rawFile, synchronous, RUN);
            System.out.printf("%nsynchronous=%s%n", synchronous);
            System.out.printf("  %-28s %10.0f writes/s  p50 %7.2f ms  p99 %7.2f ms%n",
                    "raw JDBC, 1 insert/commit", raw.perSecond(), raw.p50Millis(), raw.p99Millis());
            try (SqliteStore store = SqliteStore.open(directory.resolve("store-" + synchronous + ".db"),
                    SqliteStore.Options.defaults().withSynchronous(synchronous))) {
                measureFor(store, 8, Duration.ofMillis(500)); // warm-up: JIT, page cache, WAL file
                for (int threads : THREADS) {
                    Result result = measureFor(store, threads, RUN);
                    System.out.printf("  %-28s %10.0f writes/s  p50 %7.2f ms  p99 %7.2f ms  ratio %5.2fx raw%n",
                            "SqliteStore, " + threads + " threads", result.perSecond(), result.p50Millis(),
                            result.p99Millis(), result.perSecond() / raw.perSecond());
                }
            }
        }
        try (var files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
