package org.cryosiam.checkpoint;

import java.util.List;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.config.Config;

/**
 * One of the training configs a Lightning checkpoint carries in {@code hyper_parameters}: {@code config} (the YAML the
 * model was trained with: heads, classes, patch size) or {@code backbone_config} (the pretrained backbone's, in a
 * dense model). The one place that reads them: present or not, as a {@link Config}, and its
 * {@code parameters.network} section as typed values ({@link NetworkSection}), every message naming the checkpoint
 * and the key.
 */
public final class TrainingConfig {
    /** {@code hyper_parameters.config}. */
    public static final String CONFIG = "config";
    /** {@code hyper_parameters.backbone_config}. */
    public static final String BACKBONE = "backbone_config";

    private final String source;
    private final String key;
    private final Map<String, Object> map;

    private TrainingConfig(String source, String key, Map<String, Object> map) {
        this.source = source;
        this.key = key;
        this.map = map;
    }

    /**
     * {@code hyper_parameters.<key>} of a checkpoint; absent ({@link #present} false) when {@code hyperParameters}
     * is null or holds no map under the key.
     *
     * @param source the checkpoint's name for messages (usually its path)
     */
    @SuppressWarnings("unchecked")
    public static TrainingConfig of(String source, Map<String, Object> hyperParameters, String key) {
        Object c = hyperParameters == null ? null : hyperParameters.get(key);
        return new TrainingConfig(source, key, c instanceof Map ? (Map<String, Object>) c : null);
    }

    /** {@code hyper_parameters.<key>} of {@code checkpoint}. */
    public static TrainingConfig of(Checkpoint checkpoint, String key) {
        return of(checkpoint.file().toString(), checkpoint.hyperParameters(), key);
    }

    /** The first of {@code keys} that {@code checkpoint} holds, else the (absent) first one. */
    public static TrainingConfig first(Checkpoint checkpoint, String... keys) {
        for (String k : keys) {
            TrainingConfig c = of(checkpoint, k);
            if (c.present()) {
                return c;
            }
        }
        return of(checkpoint, keys[0]);
    }

    /** Whether the checkpoint holds this config. */
    public boolean present() {
        return map != null;
    }

    /** {@code config} or {@code backbone_config}. */
    public String key() {
        return key;
    }

    /** The config as stored (empty when absent). */
    public Map<String, Object> map() {
        return map == null ? Map.of() : map;
    }

    /** As a {@link Config} (empty when absent) whose messages name {@code <checkpoint> (hyper_parameters.<key>)}. */
    public Config config() {
        return config(source + " (hyper_parameters." + key + ")");
    }

    /** As a {@link Config} (empty when absent) whose messages name {@code label}. */
    public Config config(String label) {
        return Config.of(map(), label);
    }

    /**
     * Its {@code parameters.network} section, from which the network is built; a user error when the config or the
     * section is missing.
     */
    public NetworkSection network() {
        if (map == null) {
            throw new CryosiamUserException(source + ": hyper_parameters has no '" + key
                    + "' config, so the network cannot be built");
        }
        Object p = map.get("parameters");
        Object n = p instanceof Map ? ((Map<?, ?>) p).get("network") : null;
        if (!(n instanceof Map)) {
            throw new CryosiamUserException(source + ": hyper_parameters." + key + ".parameters.network is missing");
        }
        return new NetworkSection(source, "hyper_parameters." + key + ".parameters.network.", (Map<?, ?>) n);
    }

    /** Typed reads of {@code hyper_parameters.<key>.parameters.network.*} with messages naming the key. */
    public static final class NetworkSection {
        private final String source;
        private final String path;
        private final Map<?, ?> network;

        private NetworkSection(String source, String path, Map<?, ?> network) {
            this.source = source;
            this.path = path;
            this.network = network;
        }

        /** The checkpoint's name for messages. */
        public String source() {
            return source;
        }

        /** A user error saying that {@code key} {@code what}. */
        public CryosiamUserException error(String key, String what) {
            return new CryosiamUserException(source + ": " + path + key + " " + what);
        }

        private Object required(String key) {
            Object v = network.get(key);
            if (v == null) {
                throw error(key, "is missing");
            }
            return v;
        }

        /** Fails unless {@code spatial_dims} is absent or 3. */
        public void requireSpatial3d() {
            Object v = network.get("spatial_dims");
            if (v instanceof Number n && n.intValue() != 3) {
                throw new CryosiamUserException(source + ": " + path + "spatial_dims is " + n.intValue()
                        + "; only 3-D networks (spatial_dims: 3) are supported");
            }
        }

        private int toInt(String key, Object v) {
            if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
                return Math.toIntExact(n.longValue());
            }
            throw error(key, "is " + v + ", expected an integer");
        }

        public int integer(String key) {
            return toInt(key, required(key));
        }

        public int optInt(String key, int dflt) {
            Object v = network.get(key);
            return v == null ? dflt : toInt(key, v);
        }

        public Integer optIntOrNull(String key) {
            Object v = network.get(key);
            return v instanceof Number ? toInt(key, v) : null;
        }

        public String string(String key) {
            return String.valueOf(required(key));
        }

        public String optString(String key, String dflt) {
            Object v = network.get(key);
            return v == null ? dflt : String.valueOf(v);
        }

        public boolean bool(String key) {
            Object v = required(key);
            if (v instanceof Boolean b) {
                return b;
            }
            throw error(key, "is " + v + ", expected true or false");
        }

        public boolean optBool(String key, boolean dflt) {
            return network.get(key) == null ? dflt : bool(key);
        }

        public int[] intList(String key, int n) {
            Object v = required(key);
            if (!(v instanceof List<?> l) || l.size() != n) {
                throw error(key, "is " + v + ", expected a list of " + n + " integers");
            }
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = toInt(key, l.get(i));
            }
            return out;
        }
    }
}
