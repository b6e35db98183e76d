package org.cryosiam.zoo;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.ProductVersion;
import org.cryosiam.io.AtomicFile;
import org.cryosiam.log.Progress;

/**
 * Downloads a published model into a {@link ModelCache}: under the hidden name {@code .<file>.part} until complete,
 * resuming a partial file with an HTTP Range request (also after a dropped or stalled connection, up to
 * {@value #ATTEMPTS} attempts per call), with a progress line on stderr; {@link HttpURLConnection} rather than
 * {@code java.net.http.HttpClient} because only the former has a read timeout (a stalled body never hangs a download); proxies come from {@code https_proxy}/{@code HTTPS_PROXY},
 * {@code http_proxy}/{@code HTTP_PROXY}, {@code all_proxy} and {@code no_proxy}. The complete file is opened with the
 * checkpoint reader and must be the kind the zoo says before it takes its final name and its manifest entry.
 */
public final class Downloader {
    static final int ATTEMPTS = 3;

    private static final int CONNECT_TIMEOUT_MS = 30_000;

    private final ProxySelector proxies;
    private final PrintWriter log;
    private final boolean quiet;
    private final Progress.Factory progress;

    /** Reports on {@code log} (only errors when {@code quiet}), each transfer's bytes through {@code progress}. */
    public Downloader(PrintWriter log, boolean quiet, Progress.Factory progress) {
        this(new EnvProxySelector(System.getenv()), log, quiet, progress);
    }

    Downloader(ProxySelector proxies, PrintWriter log, boolean quiet, Progress.Factory progress) {
        this.proxies = proxies;
        this.log = log;
        this.quiet = quiet;
        this.progress = progress;
    }

    /** Whether the cached file was already there and verified, or newly downloaded. */
    public enum Outcome {
        PRESENT,
        DOWNLOADED
    }

    /**
     * Makes sure {@code cache} holds a verified copy of {@code m}: a present file that matches its manifest entry and
     * kind is kept; otherwise the file is (re)downloaded. Throws a user error saying what went wrong.
     */
    public Outcome ensure(ZooModel m, ModelCache cache) {
        if (cache.has(m)) {
            ModelCache.Check c = cache.check(m);
            if (c.ok()) {
                return Outcome.PRESENT;
            }
            log.println(m.name() + ": the cached file is " + c.message().replaceFirst(" \\(run `.*`[^)]*\\)$", "")
                    + "; downloading it again.");
        }
        download(m, cache);
        return Outcome.DOWNLOADED;
    }

    /** Downloads {@code m} into {@code cache}, replacing any file of that name. */
    public void download(ZooModel m, ModelCache cache) {
        String url = Zoo.url(m);
        Path target = cache.path(m);
        Path part = cache.dir().resolve("." + m.file() + ".part");
        try {
            Files.createDirectories(cache.dir());
        } catch (IOException e) {
            throw new CryosiamUserException(cache.dir() + ": cannot create the model folder (" + e.getMessage() + ").", e);
        }
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                throw new CryosiamUserException(m.name() + ": another cryosiam process is downloading it into "
                        + cache.dir() + "; wait for it to finish.");
            }
            try {
                fetch(m, url, ch, part);
                String problem = ModelCache.kindProblem(part, m);
                if (problem != null) {
                    ch.truncate(0);
                    Files.deleteIfExists(part);
                    throw new CryosiamUserException(m.name() + ": the file downloaded from " + url + " is " + problem
                            + "; nothing was kept.");
                }
                long size = ch.size();
                String sha = ModelCache.sha256(part);
                AtomicFile.commit(part, target);
                cache.record(m.file(), size, sha, m.kind(), url);
                if (!quiet) {
                    log.println(m.name() + ": saved " + target + " (" + mb(size) + ", SHA-256 " + sha + ")");
                }
            } finally {
                if (lock.isValid()) {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw new CryosiamUserException(part + ": cannot write (" + e.getMessage() + ").", e);
        }
    }

    /** Fills {@code ch} with the whole file, resuming what it already holds; returns when complete. */
    private void fetch(ZooModel m, String url, FileChannel ch, Path part) throws IOException {
        URI uri;
        URL u;
        try {
            uri = URI.create(url);
            u = uri.toURL();
        } catch (IllegalArgumentException | MalformedURLException e) {
            throw new CryosiamUserException("the model URL " + url + " is not valid (check CRYOSIAM_MODELS_URL).", e);
        }
        String lastProblem = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            long have = ch.size();
            HttpURLConnection c = (HttpURLConnection) u.openConnection(proxies.select(uri).get(0));
            c.setInstanceFollowRedirects(true); // huggingface redirects to its CDN
            c.setConnectTimeout(CONNECT_TIMEOUT_MS);
            c.setReadTimeout(readTimeoutMs());
            c.setRequestProperty("User-Agent", "cryosiam-jvm/" + ProductVersion.get());
            if (have > 0) {
                c.setRequestProperty("Range", "bytes=" + have + "-");
            }
            int status;
            try {
                status = c.getResponseCode();
            } catch (ConnectException | UnknownHostException | NoRouteToHostException e) {
                throw offline(m, uri, e, part);
            } catch (SocketTimeoutException e) {
                if (String.valueOf(e.getMessage()).contains("connect")) {
                    throw offline(m, uri, e, part);
                }
                lastProblem = describe(e);
                c.disconnect();
                continue;
            } catch (IOException e) {
                lastProblem = describe(e);
                c.disconnect();
                continue;
            }
            long start;
            long total;
            if (status == 206 && have > 0) {
                long[] range = contentRange(String.valueOf(c.getHeaderField("Content-Range")));
                if (range == null || range[0] != have) {
                    c.disconnect();
                    ch.truncate(0); // a range we did not ask for: start again from byte 0
                    lastProblem = "the server answered a different range than asked";
                    continue;
                }
                start = have;
                total = range[1];
                if (!quiet) {
                    log.println(m.name() + ": resuming at " + mb(have));
                }
            } else if (status == 200) {
                start = 0;
                total = c.getContentLengthLong();
                ch.truncate(0);
            } else if (status == 416 && have > 0) {
                c.disconnect();
                ch.truncate(0); // the partial file is not a prefix of what the server has
                lastProblem = "the server refused to resume (HTTP 416)";
                continue;
            } else {
                c.disconnect();
                Files.deleteIfExists(part);
                throw new CryosiamUserException(m.name() + ": " + url + " answered HTTP " + status
                        + reason(status) + (status == 404 ? " (is CRYOSIAM_MODELS_URL right?)" : "") + ".");
            }
            long written = start;
            Progress shown = progress.bytes(m.name(), total, start);
            try (InputStream in = c.getInputStream()) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                    while (b.hasRemaining()) {
                        written += ch.write(b, written);
                    }
                    shown.update(written);
                }
                shown.finish();
            } catch (IOException e) {
                shown.finish();
                ch.force(false);
                c.disconnect();
                lastProblem = describe(e);
                if (!quiet) {
                    log.println(m.name() + ": connection lost at " + mb(written) + " (" + lastProblem + ")"
                            + (attempt < ATTEMPTS ? "; resuming" : ""));
                }
                continue;
            } finally {
                shown.close(); // a download stopped otherwise (SIGINT): ends the display and its timer
            }
            ch.force(false);
            if (total >= 0 && written != total) {
                lastProblem = "received " + written + " of " + total + " bytes";
                continue;
            }
            return;
        }
        throw new CryosiamUserException(m.name() + ": download incomplete after " + ATTEMPTS + " attempts ("
                + lastProblem + "); " + mb(ch.size()) + " kept in " + part
                + ", run the same command again to resume.");
    }

    /** How long a read may wait for the next bytes: {@code cryosiam.models.readTimeout} seconds, default 60. */
    private static int readTimeoutMs() {
        try {
            return (int) (Double.parseDouble(System.getProperty("cryosiam.models.readTimeout", "60")) * 1000);
        } catch (NumberFormatException e) {
            return 60_000;
        }
    }

    private static CryosiamUserException offline(ZooModel m, URI uri, Exception e, Path part) {
        try {
            if (Files.size(part) == 0) {
                Files.deleteIfExists(part);
            }
        } catch (IOException ignored) {
            // leave it: it is hidden and resumable
        }
        return new CryosiamUserException("cannot reach " + uri.getHost() + " to download " + m.name() + " ("
                + describe(e) + "): check the network connection or the proxy (HTTPS_PROXY), or on a computer that is "
                + "online fetch " + uri + " and copy it into " + part.getParent() + ".", e);
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable e) {
        Throwable r = rootCause(e);
        String msg = r.getMessage();
        return r.getClass().getSimpleName() + (msg == null || msg.isBlank() ? "" : ": " + msg);
    }

    private static String reason(int status) {
        return switch (status) {
            case 401 -> " Unauthorized";
            case 403 -> " Forbidden";
            case 404 -> " Not Found";
            case 429 -> " Too Many Requests";
            case 500 -> " Internal Server Error";
            case 502 -> " Bad Gateway";
            case 503 -> " Service Unavailable";
            default -> "";
        };
    }

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");

    /** {start, total (or -1)} of a {@code Content-Range} header, or null. */
    static long[] contentRange(String header) {
        Matcher mt = CONTENT_RANGE.matcher(header.trim());
        if (!mt.matches()) {
            return null;
        }
        return new long[] {Long.parseLong(mt.group(1)), mt.group(3).equals("*") ? -1 : Long.parseLong(mt.group(3))};
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /**
     * Proxies the way curl and pip take them from the environment: {@code https_proxy} for https URLs,
     * {@code http_proxy} for http, else {@code all_proxy}; lower-case names first; {@code no_proxy} lists hosts or
     * domain suffixes ({@code *} for all) that go direct. Loopback always goes direct. With none of these set, the
     * JVM's own proxy settings apply.
     */
    static final class EnvProxySelector extends ProxySelector {
        private final Map<String, String> env;

        EnvProxySelector(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public List<Proxy> select(URI uri) {
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            if (bypass(host)) {
                return List.of(Proxy.NO_PROXY);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String p = firstSet(scheme + "_proxy", scheme.toUpperCase(Locale.ROOT) + "_PROXY", "all_proxy",
                    "ALL_PROXY");
            if (p == null) {
                ProxySelector java = ProxySelector.getDefault(); // -Dhttps.proxyHost=… and the like
                List<Proxy> fromJava = java == null ? List.of() : java.select(uri);
                return fromJava.isEmpty() ? List.of(Proxy.NO_PROXY) : fromJava;
            }
            URI pu;
            try {
                pu = URI.create(p.contains("://") ? p : "http://" + p);
            } catch (IllegalArgumentException e) {
                return List.of(Proxy.NO_PROXY);
            }
            if (pu.getHost() == null) {
                return List.of(Proxy.NO_PROXY);
            }
            int port = pu.getPort() > 0 ? pu.getPort() : "https".equalsIgnoreCase(pu.getScheme()) ? 443 : 80;
            List<Proxy> out = new ArrayList<>();
            out.add(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(pu.getHost(), port)));
            return out;
        }

        boolean bypass(String host) {
            if (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1")
                    || host.startsWith("127.")) {
                return true;
            }
            String np = firstSet("no_proxy", "NO_PROXY");
            if (np == null) {
                return false;
            }
            for (String raw : np.split(",")) {
                String d = raw.trim().toLowerCase(Locale.ROOT);
                if (d.isEmpty()) {
                    continue;
                }
                if (d.equals("*")) {
                    return true;
                }
                int colon = d.lastIndexOf(':');
                if (colon > 0 && d.indexOf(':') == colon) {
                    d = d.substring(0, colon); // host:port, port ignored
                }
                if (d.startsWith("*.")) {
                    d = d.substring(1);
                }
                if (host.equals(d) || host.endsWith(d.startsWith(".") ? d : "." + d)) {
                    return true;
                }
            }
            return false;
        }

        private String firstSet(String... names) {
            for (String n : names) {
                String v = env.get(n);
                if (v != null && !v.isBlank()) {
                    return v.trim();
                }
            }
            return null;
        }

        @Override
        public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            // nothing to remember: the next attempt asks again
        }
    }
}
