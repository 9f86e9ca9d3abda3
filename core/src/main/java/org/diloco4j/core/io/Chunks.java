package org.diloco4j.core.io;

/** The unit checkpoints move data in: large enough for the disk, small enough never to matter on the heap. */
final class Chunks {
    /** 4 MiB, a multiple of every dtype's width. */
    static final int SIZE = 1 << 22;

    private Chunks() {
    }
}
