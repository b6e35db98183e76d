package org.cryosiam.log;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.cryosiam.Interrupts;

/**
 * Progress of long work on the error stream, for a count of items ("patches of TS_01: 4/10 (40%), 2.00/s, 3s left")
 * or for bytes ("semantic: 12.3/45.6 MB (27%), 5.1 MB/s"), redrawn in place at most a few times a second on a
 * console. Silent with {@code --quiet}. Without a console (output redirected, as in Slurm logs and pipes) items print
 * a plain line each time another 10 % is done, but at most one every 30 s, bytes a line per 25 %; and whatever the
 * pace, a line whenever the display has been silent for {@value #SILENCE_SECONDS} s, also while one slow unit of work
 * (a huge batch) is under way, so that a log never looks dead; then a summary line when the work is done. Instances
 * come from a {@link Factory}, which holds the run's mode, stream and clock.
 *
 * <p>Each time a Progress is told of work done is also a safe point to stop the run: it asks its {@link Stops}
 * (by default {@link Interrupts#check}), which throws when SIGINT or SIGTERM asked the process to stop. Close a
 * Progress that may not reach {@link #finish} (try-with-resources), so that its silence timer ends.
 */
public final class Progress implements AutoCloseable {
    /** How progress is shown. */
    public enum Mode {
        /** Nothing. */
        SILENT,
        /** A line redrawn with carriage returns, then a final line. */
        LIVE,
        /** Plain lines now and then, then a final line. */
        SUMMARY
    }

    /** Where long work asks whether to stop: throws (a {@link org.cryosiam.RunInterrupted}) when it must. */
    @FunctionalInterface
    public interface Stops {
        /** @param where how far the work has come ("12/40 patches of TS_01.mrc"), for the message */
        void check(Supplier<String> where);

        /** Never stops (tests, displays outside a run). */
        Stops NEVER = where -> {
        };
    }

    /** What is counted. */
    private enum Unit {
        ITEMS, BYTES
    }

    private static final long ITEM_REDRAW_NANOS = 250_000_000L;
    private static final long BYTE_REDRAW_NANOS = 200_000_000L;
    /** The shortest gap between two plain progress lines of items for another 10 %. */
    static final long LOG_NANOS = 30_000_000_000L;
    static final int SILENCE_SECONDS = 55;
    /**
     * The longest gap without a plain line: under a minute, with the timer's tick, so that a Slurm log shows a line
     * at least every minute.
     */
    static final long SILENCE_NANOS = SILENCE_SECONDS * 1_000_000_000L;
    private static final long TICK_MILLIS = 1000;

    private final Unit unit;
    private final String what;
    private final long total;
    /** Bytes: what was there before this transfer (a resumed download); items: 0. */
    private final long startCount;
    private final Mode mode;
    private final PrintWriter out;
    private final LongSupplier clock;
    private final Stops stops;
    private final long startNanos;
    private long done;
    private long lastDraw;
    private long lastLogged;
    /** Items: the tenths done already reported; bytes: the quarters. */
    private long loggedStep;
    private boolean drawn;
    private boolean finished;
    /** Prints a line when the display has been silent too long (plain lines on the real clock only), or null. */
    private Thread timer;

    private Progress(Unit unit, String what, long total, long startCount, Mode mode, PrintWriter out,
                     LongSupplier nanoClock, Stops stops) {
        this.unit = unit;
        this.what = what;
        this.total = total;
        this.startCount = startCount;
        this.mode = mode;
        this.out = out;
        this.clock = nanoClock;
        this.stops = stops;
        this.startNanos = nanoClock.getAsLong();
        this.lastDraw = startNanos - (unit == Unit.ITEMS ? ITEM_REDRAW_NANOS : BYTE_REDRAW_NANOS) - 1;
        this.lastLogged = startNanos;
        this.done = startCount;
        this.loggedStep = unit == Unit.BYTES && total > 0 ? startCount * 4 / total : 0;
    }

    /**
     * Progress of {@code total} items of {@code what} (e.g. "patches of tomo1.mrc"), never stopping the run and with
     * no timer: plain lines are printed when told of work done or when {@link #tick} is called.
     */
    public static Progress items(String what, long total, Mode mode, PrintWriter out, LongSupplier nanoClock) {
        return new Progress(Unit.ITEMS, what, total, 0, mode, out, nanoClock, Stops.NEVER);
    }

    /**
     * Progress of a transfer of {@code total} bytes (-1: unknown) of {@code what}, {@code startBytes} there already;
     * as {@link #items(String, long, Mode, PrintWriter, LongSupplier)}, no stops and no timer.
     */
    public static Progress bytes(String what, long total, long startBytes, Mode mode, PrintWriter out,
                                 LongSupplier nanoClock) {
        return new Progress(Unit.BYTES, what, total, startBytes, mode, out, nanoClock, Stops.NEVER);
    }

    /** Progress that shows nothing and never stops the run. */
    public static Progress silent() {
        return items("", 0, Mode.SILENT, new PrintWriter(Writer.nullWriter()), System::nanoTime);
    }

    public Mode mode() {
        return mode;
    }

    /** Records {@code n} more items (or bytes) done; then stops the run if it must ({@link Stops}). */
    public synchronized void advance(long n) {
        moveTo(done + n);
    }

    /** Records that {@code count} items (or bytes, counting those there before) are done; then may stop the run. */
    public synchronized void update(long count) {
        moveTo(count);
    }

    private void moveTo(long count) {
        done = count;
        stops.check(this::where);
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
        boolean unfinished = total < 0 || done < total;
        boolean step;
        if (unit == Unit.ITEMS) {
            long tenth = total > 0 ? done * 10 / total : 0;
            step = tenth > loggedStep && now - lastLogged >= LOG_NANOS;
            loggedStep = step ? tenth : loggedStep;
        } else {
            long quarter = total > 0 ? done * 4 / total : 0;
            step = quarter > loggedStep;
            loggedStep = Math.max(loggedStep, quarter);
        }
        if (unfinished && (step || now - lastLogged >= SILENCE_NANOS)) {
            printLine(now);
        }
    }

    private void printLine(long now) {
        lastLogged = now;
        out.println(line(now));
        out.flush();
    }

    /**
     * Prints a plain line when the display has been silent for {@value #SILENCE_SECONDS} s (the timer of a
     * {@link Factory}'s displays calls it every second); returns false once the display is finished or closed.
     */
    synchronized boolean tick() {
        if (finished) {
            return false;
        }
        long now = clock.getAsLong();
        if (mode == Mode.SUMMARY && now - lastLogged >= SILENCE_NANOS) {
            printLine(now);
        }
        return true;
    }

    private void startTimer() {
        Thread t = new Thread(() -> {
            try {
                do {
                    Thread.sleep(TICK_MILLIS);
                } while (tick());
            } catch (InterruptedException e) {
                // closed
            }
        }, "cryosiam-progress");
        t.setDaemon(true);
        timer = t;
        t.start();
    }

    /**
     * Ends the display with one final line (none when silent; for bytes on a console, none when nothing was drawn);
     * later calls do nothing.
     */
    public synchronized void finish() {
        if (finished) {
            return;
        }
        end();
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

    /** Ends the display without a final line unless {@link #finish} ended it (work that failed or was stopped). */
    @Override
    public synchronized void close() {
        if (finished) {
            return;
        }
        end();
        if (mode == Mode.LIVE && drawn) {
            out.println(); // leave the last drawn line, and what follows on its own line
            out.flush();
        }
    }

    private void end() {
        finished = true;
        if (timer != null) {
            timer.interrupt();
            timer = null;
        }
    }

    /** How far the work has come: "12/40 patches of TS_01.mrc", "12.3/45.6 MB of cryosiam_denoising". */
    String where() {
        if (unit == Unit.BYTES) {
            return (total > 0 ? String.format(Locale.ROOT, "%.1f/%.1f MB", done / 1e6, total / 1e6)
                    : String.format(Locale.ROOT, "%.1f MB", done / 1e6)) + " of " + what;
        }
        return done + "/" + total + " " + what;
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
        long pct = total > 0 ? done * 100 / total : 100;
        if (done == 0) { // one slow first unit: no rate yet, but the log shows the work is alive
            return String.format(Locale.ROOT, "%s: 0/%d (0%%), started %s ago, time left unknown", what, total,
                    duration(seconds));
        }
        double rate = seconds > 0 ? done / seconds : 0;
        String left = rate > 0 ? duration((total - done) / rate) + " left" : "time left unknown";
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

    /**
     * Makes the progress displays of one run: its mode (from {@code --quiet} and the console), stream, clock and
     * {@link Stops}.
     */
    public static final class Factory {
        private final Mode mode;
        private final PrintWriter out;
        private final LongSupplier clock;
        private final Stops stops;
        private final boolean timed;

        /**
         * Displays on a given clock that never stop the run and have no timer (see {@link Progress#items}).
         */
        public Factory(Mode mode, PrintWriter out, LongSupplier nanoClock) {
            this(mode, out, nanoClock, Stops.NEVER, false);
        }

        /**
         * @param stops where the displays ask whether the run must stop
         * @param timed whether plain displays have a timer that prints a line when they have been silent too long
         *              (only meaningful on the real clock)
         */
        public Factory(Mode mode, PrintWriter out, LongSupplier nanoClock, Stops stops, boolean timed) {
            this.mode = mode;
            this.out = out;
            this.clock = nanoClock;
            this.stops = stops;
            this.timed = timed;
        }

        /**
         * The usual factory: silent when {@code quiet}, plain lines without a console (output redirected), lines
         * redrawn in place on one; the real clock, with the silence timer; stopping on SIGINT and SIGTERM.
         */
        public static Factory of(boolean quiet, PrintWriter out) {
            return new Factory(quiet ? Mode.SILENT : System.console() == null ? Mode.SUMMARY : Mode.LIVE, out,
                    System::nanoTime, Interrupts::check, true);
        }

        public Mode mode() {
            return mode;
        }

        /** These displays, asking {@code s} whether to stop. */
        public Factory withStops(Stops s) {
            return new Factory(mode, out, clock, s, timed);
        }

        /** Progress of {@code total} items of {@code what}. */
        public Progress items(String what, long total) {
            return started(new Progress(Unit.ITEMS, what, total, 0, mode, out, clock, stops));
        }

        /** Progress of a transfer of {@code total} bytes (-1: unknown), {@code startBytes} there already. */
        public Progress bytes(String what, long total, long startBytes) {
            return started(new Progress(Unit.BYTES, what, total, startBytes, mode, out, clock, stops));
        }

        private Progress started(Progress p) {
            if (timed && mode == Mode.SUMMARY) {
                p.startTimer();
            }
            return p;
        }
    }
}
