package io.tableauth.it.support;

import java.util.Arrays;
import java.util.function.IntConsumer;

/** Answer times of two kinds of request, sampled interleaved (so drift on a shared machine hits both alike). */
public final class Timing {

    private Timing() {
    }

    /**
     * Median time of {@code a} over the median time of {@code b}, each run {@code samples} times, alternating which
     * goes first; each call gets its sample's index.
     */
    public static double medianRatio(int samples, IntConsumer a, IntConsumer b) {
        long[] aNanos = new long[samples];
        long[] bNanos = new long[samples];
        for (int i = 0; i < samples; i++) {
            for (int turn = 0; turn < 2; turn++) {
                boolean runA = (i % 2 == 0) == (turn == 0);
                long start = System.nanoTime();
                (runA ? a : b).accept(i);
                long took = System.nanoTime() - start;
                (runA ? aNanos : bNanos)[i] = took;
            }
        }
        double ratio = median(aNanos) / median(bNanos);
        System.out.printf("timing: medians %.2f ms vs %.2f ms, ratio %.2f%n", median(aNanos) / 1e6,
            median(bNanos) / 1e6, ratio);
        return ratio;
    }

    /**
     * {@link #medianRatio}, measured again (three times at most) while it falls outside {@code (low, high)}; the
     * ratios measured, the last one deciding. A bound on a median ratio catches a broken mechanism, which is outside
     * it every time, not a busy moment of a shared machine, which is outside it once.
     */
    public static java.util.List<Double> settledRatio(int samples, double low, double high, IntConsumer a,
                                                      IntConsumer b) {
        java.util.List<Double> ratios = new java.util.ArrayList<>();
        for (int attempt = 0; attempt < 3; attempt++) {
            double ratio = medianRatio(samples, a, b);
            ratios.add(ratio);
            if (ratio > low && ratio < high) {
                break;
            }
        }
        return ratios;
    }

    /** Whether the last of {@link #settledRatio}'s ratios is within {@code (low, high)}. */
    public static boolean within(java.util.List<Double> ratios, double low, double high) {
        double last = ratios.get(ratios.size() - 1);
        return last > low && last < high;
    }

    public static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
}
