package org.cryosiam.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.cryosiam.CliRun;
import org.cryosiam.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/** {@code cryosiam models} against a model server on loopback serving the fixture checkpoints (never the internet). */
// the model server's URL is a system property: these tests hold JUnit's lock on system properties
@ResourceLock(Resources.SYSTEM_PROPERTIES)
class ModelsDownloadTest {
    @TempDir
    Path dir;

    ZooServer server;
    Path cache;
    byte[] denoise;

    @BeforeEach
    void start() throws IOException {
        server = new ZooServer();
        System.setProperty("cryosiam.models.url", server.base());
        System.setProperty("cryosiam.models.readTimeout", "5");
        cache = dir.resolve("cache");
        denoise = Files.readAllBytes(Fixtures.pipelineSmall().resolve("models/denoise.ckpt"));
        server.serve("cryosiam_denoising.ckpt", denoise, "application/octet-stream");
    }

    @AfterEach
    void stop() {
        System.clearProperty("cryosiam.models.url");
        System.clearProperty("cryosiam.models.readTimeout");
        server.close();
    }

    private CliRun models(String... args) {
        String[] all = Stream.concat(Stream.of("models"), Stream.concat(Arrays.stream(args),
                Stream.of("--dir", cache.toString()))).toArray(String[]::new);
        return CliRun.run(all);
    }

    private List<String> cacheFiles() throws IOException {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cache)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void fullDownloadIsCheckedAndRecorded() throws IOException {
        CliRun c = models("download", "cryosiam_denoising");
        assertEquals(0, c.code(), c.err());
        assertArrayEquals(denoise, Files.readAllBytes(cache.resolve("cryosiam_denoising.ckpt")));
        assertFalse(cacheFiles().stream().anyMatch(n -> n.endsWith(".part")), "no temporary file: " + cacheFiles());
        ModelCache.Entry e = new ModelCache(cache).entry("cryosiam_denoising.ckpt").orElseThrow();
        assertEquals(denoise.length, e.size());
        assertEquals(ModelCache.sha256(cache.resolve("cryosiam_denoising.ckpt")), e.sha256());
        assertEquals("DENOISING", e.kind());
        assertEquals(1, server.requests.size());

        // again: present and verified, nothing fetched
        assertEquals(0, models("download", "cryosiam_denoising").code());
        assertEquals(1, server.requests.size());

        // list and info show it; verify is happy
        CliRun list = models("list");
        assertEquals(0, list.code());
        assertTrue(list.out().contains("downloaded: " + cache.resolve("cryosiam_denoising.ckpt")), list.out());
        assertTrue(list.out().contains("not downloaded (cryosiam models download cryosiam_lamella)"), list.out());
        assertEquals(11, list.out().lines().filter(l -> l.matches("^[a-z_]+\\s{2,}\\S.*")).count(), list.out());
        CliRun info = models("info", "cryosiam_denoising");
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("model:     denoising"), info.out());
        assertTrue(info.out().contains("zoo name:  cryosiam_denoising"), info.out());
        CliRun infoFile = models("info", cache.resolve("cryosiam_denoising.ckpt").toString());
        assertTrue(infoFile.out().contains("used by:   denoise_predict"), infoFile.out());
        CliRun verify = models("verify");
        assertEquals(0, verify.code(), verify.out());
        assertTrue(verify.out().startsWith("cryosiam_denoising: ok"), verify.out());
    }

    @Test
    void droppedConnectionIsResumedWithRange() throws IOException {
        ZooServer.Route r = server.serve("cryosiam_denoising.ckpt", denoise, "application/octet-stream");
        r.dropAfter = 1_000_000;
        r.drops.set(1);
        CliRun c = models("download", "cryosiam_denoising");
        assertEquals(0, c.code(), c.err());
        assertArrayEquals(denoise, Files.readAllBytes(cache.resolve("cryosiam_denoising.ckpt")));
        assertEquals(2, server.requests.size(), server.requests.toString());
        assertEquals(null, server.requests.get(0).range());
        assertEquals("bytes=1000000-", server.requests.get(1).range());
        assertTrue(c.err().contains("resuming at 1.0 MB"), c.err());
    }

    @Test
    void partialFileFromAnEarlierRunIsResumed() throws IOException {
        // every attempt of the first run is cut: the partial file stays, hidden, and the run says how to go on
        ZooServer.Route r = server.serve("cryosiam_denoising.ckpt", denoise, "application/octet-stream");
        r.dropAfter = 700_000;
        r.drops.set(Downloader.ATTEMPTS);
        CliRun first = models("download", "cryosiam_denoising");
        assertEquals(2, first.code());
        assertTrue(first.err().contains("run the same command again to resume"), first.err());
        assertEquals(List.of(".cryosiam_denoising.ckpt.part"), cacheFiles());
        assertEquals(3 * 700_000L, Files.size(cache.resolve(".cryosiam_denoising.ckpt.part")));
        server.requests.clear();

        CliRun second = models("download", "cryosiam_denoising");
        assertEquals(0, second.code(), second.err());
        assertEquals(List.of(new ZooServer.Request("/repo/cryosiam_denoising.ckpt", "bytes=2100000-")), server.requests);
        assertArrayEquals(denoise, Files.readAllBytes(cache.resolve("cryosiam_denoising.ckpt")));
    }

    @Test
    void notFoundIsOneSentenceAndLeavesNothing() throws IOException {
        CliRun c = models("download", "cryosiam_lamella");
        assertEquals(2, c.code());
        assertTrue(c.err().contains("cryosiam_lamella: " + server.base() + "/cryosiam_lamella.ckpt answered HTTP 404 Not Found"),
                c.err());
        assertEquals(1, c.err().lines().count(), c.err());
        assertEquals(List.of(), cacheFiles());
    }

    @Test
    void htmlPageInsteadOfACheckpointIsRejected() throws IOException {
        server.serve("cryosiam_lamella.ckpt", ("<!DOCTYPE html><html><head><title>Sign in</title></head>"
                + "<body>Please log in</body></html>\n").getBytes(StandardCharsets.UTF_8), "text/html");
        CliRun c = models("download", "cryosiam_lamella");
        assertEquals(2, c.code());
        assertTrue(c.err().contains("is not a CryoSiam checkpoint"), c.err());
        assertTrue(c.err().contains("nothing was kept"), c.err());
        assertEquals(List.of(), cacheFiles(), "nothing left in the cache");
    }

    @Test
    void checkpointOfTheWrongKindIsRejected() throws IOException {
        server.serve("cryosiam_lamella.ckpt", Files.readAllBytes(Fixtures.pipelineSmall().resolve("models/instance.ckpt")),
                "application/octet-stream");
        CliRun c = models("download", "cryosiam_lamella");
        assertEquals(2, c.code());
        assertTrue(c.err().contains("instance segmentation"), c.err());
        assertEquals(List.of(), cacheFiles());
    }

    @Test
    void corruptedCachedFileIsCaughtByVerifyAndFetchedAgain() throws IOException {
        assertEquals(0, models("download", "cryosiam_denoising").code());
        Path f = cache.resolve("cryosiam_denoising.ckpt");
        byte[] bad = denoise.clone();
        bad[bad.length / 2] ^= 0x5a;
        Files.write(f, bad);
        CliRun v = models("verify");
        assertEquals(2, v.code());
        assertTrue(v.out().contains("cryosiam_denoising: corrupted: SHA-256"), v.out());
        assertTrue(v.err().contains("1 of 1 models failed verification (cryosiam_denoising)"), v.err());
        CliRun named = models("verify", "cryosiam_denoising", "cryosiam_lamella");
        assertEquals(2, named.code());
        assertTrue(named.out().contains("cryosiam_lamella: not downloaded"), named.out());

        CliRun again = models("download", "cryosiam_denoising");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("downloading it again"), again.err());
        assertArrayEquals(denoise, Files.readAllBytes(f));
        assertEquals(0, models("verify").code());
    }

    @Test
    void aFilePutThereByHandIsRecordedAtFirstVerify() throws IOException {
        Files.createDirectories(cache);
        Files.write(cache.resolve("cryosiam_denoising.ckpt"), denoise);
        CliRun v = models("verify");
        assertEquals(0, v.code(), v.out());
        assertTrue(v.out().contains("recorded in the manifest"), v.out());
        assertTrue(new ModelCache(cache).entry("cryosiam_denoising.ckpt").isPresent());
        // a wrong file under a published name is not recorded
        Files.copy(Fixtures.pipelineSmall().resolve("models/embeddings.ckpt"), cache.resolve("cryosiam_instance.ckpt"));
        CliRun w = models("verify", "cryosiam_instance");
        assertEquals(2, w.code());
        assertTrue(w.out().contains("subtomogram embeddings (SimSiam) checkpoint, but cryosiam_instance is"), w.out());
        assertFalse(new ModelCache(cache).entry("cryosiam_instance.ckpt").isPresent());
    }

    @Test
    void offlineIsAClearMessage() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        System.setProperty("cryosiam.models.url", "http://127.0.0.1:" + port + "/repo");
        CliRun c = models("download", "cryosiam_denoising");
        assertEquals(2, c.code());
        assertTrue(c.err().contains("cannot reach 127.0.0.1 to download cryosiam_denoising"), c.err());
        assertTrue(c.err().contains("HTTPS_PROXY"), c.err());
        assertEquals(List.of(), cacheFiles());
    }

    @Test
    void usageErrors() {
        CliRun none = models("download");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("give model names or --all"), none.err());
        CliRun unknown = models("download", "cryosiam_nothing");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("no published model is called 'cryosiam_nothing' (`cryosiam models list` "
                + "shows them all)."), unknown.err());
        CliRun typo = models("download", "cryosiam_denoisng");
        assertTrue(typo.err().contains("did you mean cryosiam_denoising?"), typo.err());
        assertTrue(models("info", "semantic").err().contains("did you mean cryosiam_semantic_segmentation?"));
        assertEquals(2, models("info", "nothing_here").code());
    }

    @Test
    void allDownloadsWhatItCanAndNamesTheRest() throws IOException {
        Map<String, String> files = Map.of("cryosiam_instance.ckpt", "instance.ckpt",
                "dense_simsiam_pretrained.ckpt", "dense_simsiam_pretrained.ckpt",
                "simsiam_embeds_denoised_no_masking.ckpt", "embeddings.ckpt");
        for (Map.Entry<String, String> e : files.entrySet()) {
            server.serve(e.getKey(), Files.readAllBytes(Fixtures.pipelineSmall().resolve("models/" + e.getValue())),
                    "application/octet-stream");
        }
        CliRun c = models("--quiet", "download", "--all");
        assertEquals(2, c.code());
        assertTrue(c.err().contains("7 of 11 models could not be downloaded"), c.err());
        assertEquals(List.of("cryosiam_denoising.ckpt", "cryosiam_instance.ckpt", "dense_simsiam_pretrained.ckpt",
                "manifest.json", "simsiam_embeds_denoised_no_masking.ckpt"),
                cacheFiles().stream().filter(n -> !n.startsWith(".")).toList());
    }
}
