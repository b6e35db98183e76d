package org.cryosiam.inference;

import java.io.PrintStream;
import java.util.function.LongSupplier;

import org.cryosiam.Main;

/**
 * Progress of long work on stderr: items done / total, rate and time left, redrawn in place at most a few times a
 * second. Silent with {@code --quiet}; without a console (output redirected, as in Slurm logs and pipes) it prints a
 * plain line each time another 10 % is done, but at most one every 30 s (so a log is neither silent for the whole run
 * nor flooded), and a summary line when the work is done.
 */
public final class Progress {
    /** How progress is shown. */
    public enum Mode {
        /** Nothing. */
        SILENT,
        /** A line redrawn with carriage returns, then a final line. */
        LIVE,
        /** Plain lines now and then (each 10 %, at most every 30 s), then a final line. */
        SUMMARY
    }

    private static final long REDRAW_NANOS = 250_000_000L;
    /** The shortest gap between two plain progress lines. */
    static final long LOG_NANOS = 30_000_000_000L;

    private final String what;
    private final long total;
    private final Mode mode;
    private final PrintStream out;
    private final LongSupplier clock;
    private final long startNanos;
    private long done;
    private long lastDraw;
    private long lastLogged;
    private long loggedTenth;
    private boolean finished;

    public Progress(String what, long total, Mode mode, PrintStream out, LongSupplier nanoClock) {
        this.what = what;
        this.total = total;
        this.mode = mode;
        this.out = out;
        this.clock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.lastDraw = startNanos - REDRAW_NANOS;
        this.lastLogged = startNanos;
    }

    /** Progress on stderr for {@code total} items of {@code what} (e.g. "patches of tomo1.mrc"), per the global flags. */
    public static Progress start(String what, long total) {
        Mode mode = Main.GlobalOptions.quiet ? Mode.SILENT : System.console() == null ? Mode.SUMMARY : Mode.LIVE;
        return new Progress(what, total, mode, System.err, System::nanoTime);
    }

    /** Progress that shows nothing. */
    public static Progress silent() {
        return new Progress("", 0, Mode.SILENT, System.err, System::nanoTime);
    }

    public Mode mode() {
        return mode;
    }

    /** Records {@code n} more items done. */
    public synchronized void advance(long n) {
        done += n;
        if (mode == Mode.SUMMARY) {
            long now = clock.getAsLong();
            long tenth = total > 0 ? done * 10 / total : 0;
            if (tenth > loggedTenth && done < total && now - lastLogged >= LOG_NANOS) {
                loggedTenth = tenth;
                lastLogged = now;
                out.println(line(now));
                out.flush();
            }
            return;
        }
        if (mode != Mode.LIVE) {
            return;
        }
        long now = clock.getAsLong();
        if (now - lastDraw >= REDRAW_NANOS) {
            lastDraw = now;
            out.print("\r" + line(now) + "\u001b[K");
            out.flush();
        }
    }

    /** Ends the display with one final line (none when silent); later calls do nothing. */
    public synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        long now = clock.getAsLong();
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

    /** The live line: "what: done/total (pct%), rate/s, time left". */
    String line(long now) {
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
}
