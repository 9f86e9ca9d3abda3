package org.diloco4j.model.data.token;

/** How a corpus got its tokens from the token cache. */
public enum CacheStatus {
    /** A valid cache file existed. */
    HIT,
    /** No cache file existed; the corpus was read and tokenized. */
    BUILT,
    /** A cache file existed but failed validation (corrupt, truncated, stale format); it was rebuilt. */
    REBUILT
}
