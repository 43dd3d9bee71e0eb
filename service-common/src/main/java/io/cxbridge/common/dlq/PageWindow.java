package io.cxbridge.common.dlq;

import java.util.ArrayList;
import java.util.List;

/**
 * One page of a listing that has to look at every match to count them (the reason filter): it counts each match
 * offered, in order, and keeps only those inside the page, so a listing holds a page, never all the matches.
 */
final class PageWindow<E> {

    private final long start;
    private final int size;
    private final List<E> entries = new ArrayList<>();
    private long total;

    /** {@code start}: how many matches come before the page (0 for the first); {@code size}: the page size. */
    PageWindow(long start, int size) {
        this.start = start;
        this.size = size;
    }

    void offer(E match) {
        if (total >= start && total - start < size) {
            entries.add(match);
        }
        total++;
    }

    /** The page's matches, in the order offered. */
    List<E> entries() {
        return List.copyOf(entries);
    }

    /** Every match offered. */
    long total() {
        return total;
    }
}
