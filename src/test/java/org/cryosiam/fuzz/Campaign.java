package org.cryosiam.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.cryosiam.CryosiamUserException;

/**
 * Runs one parser on seeded mutations of its seeds and checks the property of issue 20 for every input: the parse
 * succeeds, or fails with a {@link CryosiamUserException} whose one-sentence message names the file; never another
 * exception or error, never more than {@link #TIME_LIMIT_S} seconds, never more than {@link #ALLOCATION_LIMIT} bytes
 * allocated (what an allocation sized by an unchecked header field would exceed: the inputs are kilobytes).
 */
final class Campaign {
    /** A format under test: its seeds, how an input is mutated, and how the commands read such a file. */
    interface Target {
        String name();

        /** File suffix of an input (some readers go by it). */
        String suffix();

        List<byte[]> seeds(Path dir) throws Exception;

        byte[] mutate(Mutator m, byte[] seed, List<byte[]> seeds) throws Exception;

        /** Reads {@code file} as the commands do; {@link Campaign#user} wraps reads that may fail one by one. */
        void parse(Path file) throws Exception;
    }

    static final int TIME_LIMIT_S = 5;
    static final long ALLOCATION_LIMIT = 256L << 20;

    /** What a campaign found. */
    record Result(String target, long seed, int inputs, int accepted, int refused, List<String> failures,
                  double seconds) {
        @Override
        public String toString() {
            return String.format("fuzz %-10s seed %d: %d inputs in %.1f s (%d read, %d refused as user errors), "
                    + "%d failures", target, seed, inputs, seconds, accepted, refused, failures.size());
        }
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Campaign() {
    }

    static Result run(Target t, int inputs, long seed, Path dir, Path failureDir) throws Exception {
        Random r = new Random(seed ^ t.name().hashCode());
        Mutator m = new Mutator(r);
        List<byte[]> seeds = t.seeds(dir);
        int accepted = 0, refused = 0;
        List<String> failures = new ArrayList<>();
        ExecutorService worker = Executors.newSingleThreadExecutor(Campaign::daemon);
        long start = System.nanoTime();
        boolean onlyKeep = Boolean.getBoolean("cryosiam.fuzz.regenerate"); // rewrite the inputs listed, no parsing
        try {
            for (int i = 0; i < inputs; i++) {
                byte[] input = i < seeds.size() ? seeds.get(i) // the seeds themselves must read
                        : t.mutate(m, seeds.get(r.nextInt(seeds.size())), seeds);
                if (onlyKeep) {
                    if (Integer.toString(i).matches(System.getProperty("cryosiam.fuzz.regenerate.indices", "-"))) {
                        Files.createDirectories(failureDir);
                        Files.write(failureDir.resolve(t.name() + "-" + i + t.suffix()), input);
                    }
                    continue;
                }
                Path file = dir.resolve("in" + i + t.suffix());
                Files.write(file, input);
                String failure = null;
                Future<String> f = worker.submit(() -> check(t, file));
                try {
                    String outcome = f.get(TIME_LIMIT_S, TimeUnit.SECONDS);
                    if (outcome.equals("read")) {
                        accepted++;
                    } else if (outcome.equals("refused")) {
                        refused++;
                    } else {
                        failure = outcome;
                    }
                } catch (TimeoutException e) {
                    failure = "took more than " + TIME_LIMIT_S + " s";
                    f.cancel(true);
                    worker.shutdownNow(); // a stuck reader keeps its thread; the campaign goes on with a new one
                    worker = Executors.newSingleThreadExecutor(Campaign::daemon);
                } catch (ExecutionException e) {
                    failure = "harness: " + e.getCause();
                }
                if (failure != null) {
                    Files.createDirectories(failureDir);
                    Path kept = failureDir.resolve(t.name() + "-" + i + t.suffix());
                    Files.write(kept, input);
                    failures.add(kept + ": " + failure);
                }
                Files.deleteIfExists(file);
            }
        } finally {
            worker.shutdownNow();
        }
        return new Result(t.name(), seed, inputs, accepted, refused, failures, (System.nanoTime() - start) / 1e9);
    }

    /** "read", "refused", or what broke the property. */
    static String check(Target t, Path file) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        String outcome;
        try {
            t.parse(file);
            outcome = "read";
        } catch (CryosiamUserException e) {
            outcome = problem(e.getMessage(), file);
            if (outcome == null) {
                outcome = "refused";
            }
        } catch (Throwable e) { // anything else breaks the contract, Errors included
            StringWriter w = new StringWriter();
            e.printStackTrace(new PrintWriter(w));
            String trace = w.toString();
            outcome = trace.substring(0, Math.min(trace.length(), 1500));
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        if (allocated > ALLOCATION_LIMIT) {
            outcome = "allocated " + (allocated >> 20) + " MiB (" + outcome + ")";
        }
        return outcome;
    }

    /** Null when {@code message} is one sentence naming {@code file}, else what is wrong with it. */
    static String problem(String message, Path file) {
        if (message == null || !message.contains(file.toString())) {
            return "the message does not name the file: " + message;
        }
        if (message.contains("\n") || !message.endsWith(".")) {
            return "not one sentence: " + message;
        }
        if (message.matches(".*\\b(java\\.|Exception|NullPointer).*")) {
            return "Java text in the message: " + message;
        }
        return null;
    }

    /**
     * Runs one of several reads of a parsed file: a user error here is fine when its message names the file (the
     * commands would stop there); checking each read alone lets one input exercise all of them.
     */
    static void user(Path file, Runnable read) {
        try {
            read.run();
        } catch (CryosiamUserException e) {
            String p = problem(e.getMessage(), file);
            if (p != null) {
                throw new IllegalStateException(p, e);
            }
        }
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "fuzz-worker");
        t.setDaemon(true);
        return t;
    }

    static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
