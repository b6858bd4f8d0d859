package io.tableauth.it.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import io.tableauth.it.support.Http;

/**
 * Throughput of several calls measured side by side: one-second slices taken in turn, so background work (JIT,
 * Keycloak persisting sessions) falls on all of them alike. A call counts when it answers 200.
 */
final class Interleaved {

    private Interleaved() {
    }

    /** Runs the calls in turn, one-second slices each, for {@code seconds} per call; returns req/s per call. */
    @SafeVarargs
    static double[] run(int threads, boolean print, int seconds, String[] names, IntFunction<Http.Response>... calls)
        throws Exception {
        long[] ok = new long[calls.length];
        long[] failed = new long[calls.length];
        long[] nanos = new long[calls.length];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int slice = 0; slice < seconds; slice++) {
                for (int c = 0; c < calls.length; c++) {
                    IntFunction<Http.Response> call = calls[c];
                    AtomicLong good = new AtomicLong();
                    AtomicLong bad = new AtomicLong();
                    long start = System.nanoTime();
                    long end = start + 1_000_000_000L;
                    List<Future<?>> futures = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        int thread = t;
                        futures.add(pool.submit(() -> {
                            do {
                                (call.apply(thread).status() == 200 ? good : bad).incrementAndGet();
                            } while (System.nanoTime() < end);
                        }));
                    }
                    for (Future<?> f : futures) {
                        f.get();
                    }
                    nanos[c] += System.nanoTime() - start;
                    ok[c] += good.get();
                    failed[c] += bad.get();
                }
            }
        } finally {
            pool.shutdown();
        }
        double[] rates = new double[calls.length];
        for (int c = 0; c < calls.length; c++) {
            rates[c] = ok[c] / (nanos[c] / 1e9);
            if (print) {
                System.out.printf(Locale.ROOT, "BENCH %-32s %8.1f req/s  (%d ok, %d failed, %.1f s, %d clients)%n",
                    names[c], rates[c], ok[c], failed[c], nanos[c] / 1e9, threads);
            }
        }
        return rates;
    }

}
