package org.cryosiam.io.zarr;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the codec descriptions of Zarr metadata (a v2 {@code compressor}, a v3 {@code codecs} list). */
final class ZarrCodecs {
    private ZarrCodecs() {
    }

    /** The v3 pipeline: the element type with the {@code bytes} codec's order, then the bytes-to-bytes stages. */
    record V3Chain(ZarrDtype dtype, List<ChunkCodec> codecs) {
    }

    /** A numcodecs compressor object ({@code {"id": "blosc", ...}}). */
    static ChunkCodec v2(ZarrArray.Meta meta, Object compressor, ZarrDtype dtype) {
        Map<String, Object> c = meta.object(compressor, "compressor");
        Object id = c.get("id");
        switch (String.valueOf(id)) {
            case "blosc":
                return new Blosc(String.valueOf(c.getOrDefault("cname", "lz4")), intOf(c.get("clevel"), 5),
                        intOf(c.get("shuffle"), 1), dtype.itemSize());
            case "zstd":
                return new ChunkCodec.ZstdCodec(intOf(c.get("level"), 1));
            case "zlib":
                return new ChunkCodec.ZlibCodec(intOf(c.get("level"), 1));
            case "gzip":
                return new ChunkCodec.GzipCodec(intOf(c.get("level"), 1));
            case "lz4":
                return new ChunkCodec.Lz4Codec();
            default:
                throw meta.bad("the compressor '" + id + "' is not read (blosc, zstd, zlib, gzip and lz4 are)");
        }
    }

    /** A v3 {@code codecs} list: optional identity {@code transpose}, {@code bytes}, then bytes-to-bytes codecs. */
    static V3Chain v3(ZarrArray.Meta meta, Object codecs, String dataType, int rank) {
        if (!(codecs instanceof List<?> list) || list.isEmpty()) {
            throw meta.bad("the field 'codecs' is missing or empty");
        }
        ZarrDtype dtype = null;
        List<ChunkCodec> bytesCodecs = new ArrayList<>();
        for (Object o : list) {
            Map<String, Object> c = meta.object(o, "codecs[]");
            String name = String.valueOf(c.get("name"));
            Map<String, Object> conf = c.get("configuration") == null ? Map.of()
                    : meta.object(c.get("configuration"), name + ".configuration");
            if (dtype == null) {
                switch (name) {
                    case "transpose":
                        requireIdentity(meta, conf.get("order"), rank);
                        continue;
                    case "bytes":
                        ByteOrder order = ZarrArray.endian(meta, conf.get("endian"));
                        dtype = ZarrDtype.v3(dataType, order);
                        if (dtype == null) {
                            throw meta.bad("the data_type " + dataType + " is not read (bool, int8-64, uint8-32, "
                                    + "float16-64 are)");
                        }
                        continue;
                    case "sharding_indexed":
                        throw meta.bad("the array is sharded, which is not read; rewrite it without shards");
                    default:
                        throw meta.bad("the codec '" + name + "' comes before 'bytes' and is not read");
                }
            }
            switch (name) {
                case "blosc":
                    bytesCodecs.add(new Blosc(String.valueOf(conf.getOrDefault("cname", "lz4")),
                            intOf(conf.get("clevel"), 5), shuffleOf(conf.get("shuffle")), dtype.itemSize()));
                    break;
                case "zstd":
                    bytesCodecs.add(new ChunkCodec.ZstdCodec(intOf(conf.get("level"), 0)));
                    break;
                case "gzip":
                    bytesCodecs.add(new ChunkCodec.GzipCodec(intOf(conf.get("level"), 5)));
                    break;
                case "crc32c":
                    bytesCodecs.add(new ChunkCodec.Crc32cCodec());
                    break;
                default:
                    throw meta.bad("the codec '" + name + "' is not read (bytes, blosc, zstd, gzip, crc32c and an "
                            + "identity transpose are)");
            }
        }
        if (dtype == null) {
            throw meta.bad("the codecs have no 'bytes' codec");
        }
        return new V3Chain(dtype, bytesCodecs);
    }

    private static void requireIdentity(ZarrArray.Meta meta, Object order, int rank) {
        if ("C".equals(order)) {
            return; // an early v3 spelling of the identity
        }
        boolean identity = order instanceof List<?> l && l.size() == rank;
        for (int d = 0; identity && d < rank; d++) {
            identity = ((List<?>) order).get(d) instanceof Number n && n.intValue() == d;
        }
        if (!identity) {
            throw meta.bad("the transpose codec with order " + order + " reorders the axes, which is not read; "
                    + "rewrite the array in C order");
        }
    }

    private static int shuffleOf(Object v) {
        if (v instanceof Number n) {
            return n.intValue();
        }
        return switch (String.valueOf(v)) {
            case "noshuffle" -> 0;
            case "bitshuffle" -> 2;
            default -> 1;
        };
    }

    private static int intOf(Object v, int otherwise) {
        return v instanceof Number n ? n.intValue() : otherwise;
    }
}
