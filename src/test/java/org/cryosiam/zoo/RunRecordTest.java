package org.cryosiam.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.jhdf.HdfFile;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.Json;
import org.cryosiam.io.NdData;
import org.cryosiam.log.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces under the run record and the downloader: JSON, appending, HDF5 attributes, proxies from the environment. */
class RunRecordTest {
    @TempDir
    Path dir;

    @Test
    void jsonRoundTripsAwkwardStrings() {
        Map<String, Object> m = new LinkedHashMap<>();
        String awkward = "quote \" backslash \\ tab\t newline\n cr\r nul\u0000 del\u007f nel\u0085 ls\u2028 "
                + "bom\ufeff yes no ~ null 1e3 é 漢 \ud83e\uddec: # - [ ] { } , & * ! | > ' % @ `";
        m.put("s", awkward);
        m.put("n", 12345678901L);
        m.put("b", true);
        m.put("null", null);
        m.put("list", List.of(1, "two", List.of(), Map.of()));
        Object back = Json.parse(Json.write(m));
        assertEquals(m.get("s"), ((Map<?, ?>) back).get("s"));
        assertEquals(12345678901L, ((Number) ((Map<?, ?>) back).get("n")).longValue());
        assertEquals(true, ((Map<?, ?>) back).get("b"));
        assertTrue(((Map<?, ?>) back).containsKey("null"));
        assertEquals(List.of(1, "two", List.of(), Map.of()), ((Map<?, ?>) back).get("list"));
    }

    @Test
    void appendKeepsEarlierRecordsAndNeverOverwritesAForeignFile() throws IOException {
        Path f = dir.resolve("cryosiam_run.json");
        RunRecord.append(f, Map.of("run", 1), Log.silent());
        RunRecord.append(f, Map.of("run", 2), Log.silent());
        assertEquals(List.of(Map.of("run", 1), Map.of("run", 2)), Json.parse(Files.readString(f)));
        Files.writeString(f, "{ this is not json");
        RunRecord.append(f, Map.of("run", 3), Log.silent());
        assertEquals(List.of(Map.of("run", 3)), Json.parse(Files.readString(f)));
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> aside = s.filter(p -> p.getFileName().toString().startsWith("cryosiam_run.json.unreadable-"))
                    .toList();
            assertEquals(1, aside.size());
            assertEquals("{ this is not json", Files.readString(aside.get(0)));
        }
    }

    @Test
    void concurrentAppendsLoseNothing() throws InterruptedException {
        Path f = dir.resolve("cryosiam_run.json");
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 10; i++) {
                    RunRecord.append(f, Map.of("thread", id, "i", i), Log.silent());
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        try {
            assertEquals(40, ((List<?>) Json.parse(Files.readString(f))).size());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void hdf5RootAttributesAreWrittenByTheRunsWrites() throws IOException {
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, "prediction_folder: x\n");
        Path h5 = dir.resolve("a.h5");
        Path plain = dir.resolve("b.h5");
        try (RunRecord r = RunRecord.begin("test", List.of(), cfg, dir, Log.silent())) {
            r.model("trained_model", cfg, null, 21, "ab".repeat(32));
            Hdf5.write(h5, "x", NdData.float32(new float[] {1, 2, 3}, 3), r); // an output of the run
            Hdf5.write(plain, "x", NdData.float32(new float[] {1, 2, 3}, 3)); // the same time, no run of its own
            r.succeeded();
        }
        try (HdfFile f = new HdfFile(h5)) {
            assertEquals("c.yaml", f.getAttribute("cryosiam_model").getData());
            assertEquals("ab".repeat(32), f.getAttribute("cryosiam_model_sha256").getData());
        }
        try (HdfFile f = new HdfFile(plain)) {
            assertTrue(f.getAttributes().isEmpty(), "no run, no attributes");
        }
        assertEquals(List.of(1.0, 2.0, 3.0), java.util.Arrays.stream(Hdf5.read(h5, "x").toDoubleArray()).boxed().toList());
        Map<?, ?> rec = (Map<?, ?>) ((List<?>) Json.parse(Files.readString(dir.resolve("cryosiam_run.json")))).get(0);
        assertEquals(List.of("a.h5"), rec.get("files_written"), "only the run's outputs are recorded");
    }

    @Test
    void proxiesComeFromTheEnvironment() {
        Downloader.EnvProxySelector sel = new Downloader.EnvProxySelector(Map.of(
                "https_proxy", "http://proxy.example:3128", "HTTP_PROXY", "proxy2.example",
                "no_proxy", "internal.example,.lan, *.corp"));
        assertEquals("proxy.example:3128", sel.select(URI.create("https://huggingface.co/x")).get(0).address().toString()
                .replace("/<unresolved>", ""));
        assertEquals("proxy2.example:80", sel.select(URI.create("http://huggingface.co/x")).get(0).address().toString()
                .replace("/<unresolved>", ""));
        assertEquals(java.net.Proxy.NO_PROXY, sel.select(URI.create("https://internal.example/x")).get(0));
        assertEquals(java.net.Proxy.NO_PROXY, sel.select(URI.create("https://a.internal.example/x")).get(0));
        assertEquals(java.net.Proxy.NO_PROXY, sel.select(URI.create("https://host.lan/x")).get(0));
        assertEquals(java.net.Proxy.NO_PROXY, sel.select(URI.create("https://x.corp/x")).get(0));
        assertEquals(java.net.Proxy.NO_PROXY, sel.select(URI.create("http://127.0.0.1:8080/x")).get(0));
        assertFalse(sel.select(URI.create("https://notinternal.example/x")).get(0) == java.net.Proxy.NO_PROXY);
        assertEquals(java.net.Proxy.NO_PROXY,
                new Downloader.EnvProxySelector(Map.of()).select(URI.create("https://huggingface.co/x")).get(0));
    }

    @Test
    void contentRangeParsing() {
        assertEquals(100, Downloader.contentRange("bytes 100-199/200")[0]);
        assertEquals(200, Downloader.contentRange("bytes 100-199/200")[1]);
        assertEquals(-1, Downloader.contentRange("bytes 100-199/*")[1]);
        assertEquals(null, Downloader.contentRange("garbage"));
    }
}
