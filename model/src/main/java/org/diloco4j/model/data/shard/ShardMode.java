package org.diloco4j.model.data.shard;

import org.diloco4j.model.data.DataException;

import java.util.Locale;

/** How training documents are dealt to workers. */
public enum ShardMode {
    /** Documents shuffled with the seed and dealt so shard sizes are nearly equal: every shard looks alike. */
    IID,
    /** Whole groups (languages, source files) per shard; big groups split when there are more shards than groups. */
    NON_IID;

    public static ShardMode parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "")) {
            case "iid" -> IID;
            case "noniid" -> NON_IID;
            default -> throw new DataException("unknown shard mode '" + s + "': expected iid or noniid");
        };
    }
}
