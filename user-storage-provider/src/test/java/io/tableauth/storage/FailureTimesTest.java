package io.tableauth.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The time every failed login of a scope is held to: the slower kind's 90th percentile, once both kinds are known. */
class FailureTimesTest {

    @Test
    void noFloorUntilBothKindsHaveBeenSeenEnough() {
        FailureTimes times = new FailureTimes();
        for (int i = 0; i < 100; i++) {
            times.record(FailureTimes.REALM_HASH, 100);
        }
        assertEquals(-1, times.floorNanos(), "never a table verify: nothing to measure it by");
        for (int i = 0; i < FailureTimes.MIN_SAMPLES - 1; i++) {
            times.record(FailureTimes.TABLE_VERIFY, 300);
        }
        assertEquals(-1, times.floorNanos());
        times.record(FailureTimes.TABLE_VERIFY, 300);
        assertEquals(300, times.floorNanos(), "the slower kind sets the time");
    }

    @Test
    void theFloorIsTheNinetiethPercentileSoOneSlowOutlierDoesNotSetIt() {
        FailureTimes times = new FailureTimes();
        for (int i = 1; i <= 20; i++) {
            times.record(FailureTimes.REALM_HASH, i * 10L);
            times.record(FailureTimes.TABLE_VERIFY, 50);
        }
        times.record(FailureTimes.TABLE_VERIFY, 10_000);
        assertEquals(180, times.floorNanos(), "18th of 20 realm samples; the table's one outlier is above its p90");
    }

    @Test
    void onlyTheLastFailuresCount() {
        FailureTimes times = new FailureTimes();
        for (int i = 0; i < FailureTimes.WINDOW; i++) {
            times.record(FailureTimes.REALM_HASH, 1_000);
            times.record(FailureTimes.TABLE_VERIFY, 1_000);
        }
        for (int i = 0; i < FailureTimes.WINDOW; i++) {
            times.record(FailureTimes.REALM_HASH, 100);
            times.record(FailureTimes.TABLE_VERIFY, 200);
        }
        assertEquals(200, times.floorNanos(), "a node that got faster is followed");
    }
}
