package io.k8saga.order.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a reader of the order change log stands, and which of the changes it read may be handed on. Numbers are
 * taken in order but committed in any order: a number missing from what was read may belong to a transaction still
 * committing, so the changes after it wait, for up to {@code gapWait}; a number missing longer than that belonged to
 * a transaction that rolled back, and is passed over. So no committed change is skipped, and none is sent twice.
 */
public final class ChangeCursor {

    private final Duration gapWait;
    private long last;
    private long gapSeenAt = -1;

    /** A cursor after change {@code last}. */
    public ChangeCursor(long last, Duration gapWait) {
        this.last = last;
        this.gapWait = gapWait;
    }

    /** The last change handed on. */
    public long last() {
        return last;
    }

    /**
     * Of the changes read after {@link #last()} (in seq order), those to hand on now, at {@code nowNanos}
     * ({@link System#nanoTime()}); the cursor moves past them.
     */
    public List<OrderChange> admit(List<OrderChange> read, long nowNanos) {
        List<OrderChange> admitted = new ArrayList<>();
        for (OrderChange change : read) {
            if (change.seq() <= last) {
                continue;
            }
            if (change.seq() != last + 1) {
                if (gapSeenAt < 0) {
                    gapSeenAt = nowNanos;
                }
                if (nowNanos - gapSeenAt < gapWait.toNanos()) {
                    break;
                }
            }
            gapSeenAt = -1;
            last = change.seq();
            admitted.add(change);
        }
        return admitted;
    }
}
