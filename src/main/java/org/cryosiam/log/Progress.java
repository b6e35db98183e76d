package org.cryosiam.log;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of long work on the error stream, for a count of items ("patches of TS_01: 4/10 (40%), 2.00/s, 3s left")
 * or for bytes ("semantic: 12.3/45.6 MB (27%), 5.1 MB/s"), redrawn in place at most a few times a second on a
 * console. Silent with {@code --quiet}. Without a console (output redirected, as in Slurm logs and pipes) items print
 * a plain line each time another 10 % is done, but at most one every 30 s (so a log is neither silent for the whole
 * run nor flooded), and a summary line when the work is done; bytes print a line per 25 % and one at the end.
 * Instances come from a {@link Factory}, which holds the run's mode, stream and clock.
 */
public final class Progress {
    /** How progress is shown. */
    public enum Mode {
        /** Nothing. */
        SILENT,
        /** A line redrawn with carriage returns, then a final line. */
        LIVE,
        /** Plain lines now and then, then a final line. */
        SUMMARY
    }

    /** What is counted. */
    private enum Unit {
        ITEMS, BYTES
    }

    private static final long ITEM_REDRAW_NANOS = 250_000_000L;
    private static final long BYTE_REDRAW_NANOS = 200_000_000L;
    /** The shortest gap between two plain progress lines of items. */
    static final long LOG_NANOS = 30_000_000_000L;

    private final Unit unit;
    private final String what;
    private final long total;
    /** Bytes: what was there before this transfer (a resumed download); items: 0. */
    private final long startCount;
    private final Mode mode;
    private final PrintWriter out;
    private final LongSupplier clock;
    private final long startNanos;
    private long done;
    private long lastDraw;
    private long lastLogged;
    /** Items: the tenths done already reported; bytes: the quarters. */
    private long loggedStep;
    private boolean drawn;
    private boolean finished;

    private Progress(Unit unit, String what, long total, long startCount, Mode mode, PrintWriter out,
                     LongSupplier nanoClock) {
        this.unit = unit;
        this.what = what;
        this.total = total;
        this.startCount = startCount;
        this.mode = mode;
        this.out = out;
        this.clock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.lastDraw = startNanos - (unit == Unit.ITEMS ? ITEM_REDRAW_NANOS : BYTE_REDRAW_NANOS) - 1;
        this.lastLogged = startNanos;
        this.done = startCount;
        this.loggedStep = unit == Unit.BYTES && total > 0 ? startCount * 4 / total : 0;
    }

    /** Progress of {@code total} items of {@code what} (e.g. "patches of tomo1.mrc"). */
    public static Progress items(String what, long total, Mode mode, PrintWriter out, LongSupplier nanoClock) {
        return new Progress(Unit.ITEMS, what, total, 0, mode, out, nanoClock);
    }

    /** Progress of a transfer of {@code total} bytes (-1: unknown) of {@code what}, {@code startBytes} there already. */
    public static Progress bytes(String what, long total, long startBytes, Mode mode, PrintWriter out,
                                 LongSupplier nanoClock) {
        return new Progress(Unit.BYTES, what, total, startBytes, mode, out, nanoClock);
    }

    /** Progress that shows nothing. */
    public static Progress silent() {
        return items("", 0, Mode.SILENT, new PrintWriter(Writer.nullWriter()), System::nanoTime);
    }

    public Mode mode() {
        return mode;
    }

    /** Records {@code n} more items (or bytes) done. */
    public synchronized void advance(long n) {
        moveTo(done + n);
    }

    /** Records that {@code count} items (or bytes, counting those there before) are done. */
    public synchronized void update(long count) {
        moveTo(count);
    }

    private void moveTo(long count) {
        done = count;
        if (mode == Mode.SILENT) {
            return;
        }
        long now = clock.getAsLong();
        if (mode == Mode.LIVE) {
            if (now - lastDraw >= (unit == Unit.ITEMS ? ITEM_REDRAW_NANOS : BYTE_REDRAW_NANOS)) {
                lastDraw = now;
                out.print("\r" + line(now) + "\u001b[K");
                out.flush();
                drawn = true;
            }
            return;
        }
        if (unit == Unit.ITEMS) {
            long tenth = total > 0 ? done * 10 / total : 0;
            if (tenth > loggedStep && done < total && now - lastLogged >= LOG_NANOS) {
                loggedStep = tenth;
                lastLogged = now;
                out.println(line(now));
                out.flush();
            }
        } else if (total > 0 && done * 4 / total > loggedStep && done < total) {
            loggedStep = done * 4 / total;
            out.println(line(now));
            out.flush();
        }
    }

    /**
     * Ends the display with one final line (none when silent; for bytes on a console, none when nothing was drawn);
     * later calls do nothing.
     */
    public synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        long now = clock.getAsLong();
        if (unit == Unit.BYTES) {
            if (mode != Mode.SILENT && (drawn || mode != Mode.LIVE)) {
                boolean live = mode == Mode.LIVE;
                out.println((live ? "\r" : "") + line(now) + (live ? "\u001b[K" : ""));
                out.flush();
            }
            return;
        }
        double seconds = (now - startNanos) / 1e9;
        String summary = what + ": " + done + " in " + duration(seconds)
                + (seconds > 0 ? String.format(" (%.2f/s)", done / seconds) : "");
        switch (mode) {
            case LIVE -> out.println("\r" + summary + "\u001b[K");
            case SUMMARY -> out.println(summary);
            case SILENT -> {
            }
        }
        out.flush();
    }

    /** The progress line: "what: done/total (pct%), rate/s, time left", or for bytes "what: d/t MB (pct%), r MB/s". */
    String line(long now) {
        if (unit == Unit.BYTES) {
            double s = Math.max(1e-9, (now - startNanos) / 1e9);
            String rate = String.format(Locale.ROOT, "%.1f MB/s", (done - startCount) / 1e6 / s);
            if (total > 0) {
                return String.format(Locale.ROOT, "%s: %.1f/%.1f MB (%d%%), %s", what, done / 1e6, total / 1e6,
                        done * 100 / total, rate);
            }
            return String.format(Locale.ROOT, "%s: %.1f MB, %s", what, done / 1e6, rate);
        }
        double seconds = (now - startNanos) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String left = rate > 0 ? duration((total - done) / rate) + " left" : "time left unknown";
        long pct = total > 0 ? done * 100 / total : 100;
        return String.format("%s: %d/%d (%d%%), %.2f/s, %s", what, done, total, pct, rate, left);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m " + (s % 60) + "s";
        }
        return (s / 3600) + "h " + (s % 3600 / 60) + "m";
    }

    /** Makes the progress displays of one run: its mode (from {@code --quiet} and the console), stream and clock. */
    public static final class Factory {
        private final Mode mode;
        private final PrintWriter out;
        private final LongSupplier clock;

        public Factory(Mode mode, PrintWriter out, LongSupplier nanoClock) {
            this.mode = mode;
            this.out = out;
            this.clock = nanoClock;
        }

        /**
         * The usual factory: silent when {@code quiet}, plain lines without a console (output redirected), lines
         * redrawn in place on one.
         */
        public static Factory of(boolean quiet, PrintWriter out) {
            return new Factory(quiet ? Mode.SILENT : System.console() == null ? Mode.SUMMARY : Mode.LIVE, out,
                    System::nanoTime);
        }

        public Mode mode() {
            return mode;
        }

        /** Progress of {@code total} items of {@code what}. */
        public Progress items(String what, long total) {
            return Progress.items(what, total, mode, out, clock);
        }

        /** Progress of a transfer of {@code total} bytes (-1: unknown), {@code startBytes} there already. */
        public Progress bytes(String what, long total, long startBytes) {
            return Progress.bytes(what, total, startBytes, mode, out, clock);
        }
    }
}
